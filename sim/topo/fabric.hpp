#pragma once
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/units.hpp"
#include "topo/path_catalog.hpp"

namespace fabricsim::topo {

/// Host, or a switch by its role: leaf and spine of a leaf-spine; tor, aggregation and core
/// of a three-tier Clos; rail (a rail switch) and nvswitch (a server's NVLink switch) of a
/// rail-optimized fabric.
enum class NodeKind : std::uint8_t { host, leaf, spine, tor, aggregation, core, rail, nvswitch };
const char* to_string(NodeKind kind);

struct Node {
  NodeKind kind;
  std::string name;  // "host12", "leaf3", "spine0", "tor5", "agg2", "core7"
};

/// A directed link: one direction of a cable, with its rate and one-way propagation latency.
struct Link {
  NodeId src;
  NodeId dst;
  core::Bitrate rate;
  core::Time latency;
};

/// Most ports a host may have (planes, or a NIC and an NVLink port).
inline constexpr std::uint32_t kMaxPorts = 8;

/// The flat, read-only fabric the engines run on. Every host has `ports` ports, each a cable
/// to an edge switch (a leaf, ToR, rail switch or NVLink switch); the equal-cost paths between
/// edge switches were found on the graph and are kept in a PathCatalog, so a route is a host
/// port's uplink + a path's links + the destination's downlink on the same port index. Port
/// i of host h is at index h * ports + i of the host_* arrays.
struct Fabric {
  std::vector<Node> nodes;
  std::vector<Link> links;
  std::uint32_t ports = 1;               // ports per host
  std::vector<NodeId> host_node;         // host index -> node id
  std::vector<std::uint32_t> host_edge;  // port -> edge switch index
  std::vector<LinkId> host_uplink;       // port -> host->edge link
  std::vector<LinkId> host_downlink;     // port -> edge->host link
  std::vector<NodeId> edge_node;         // edge switch index -> node id
  /// The paths between edge switches: pair a*E + b holds those from edge a to edge b.
  PathCatalog catalog;

  std::uint32_t host_count() const { return static_cast<std::uint32_t>(host_node.size()); }
  std::uint32_t edge_count() const { return static_cast<std::uint32_t>(edge_node.size()); }
  std::uint64_t path_count() const { return catalog.path_count(); }
  std::uint32_t port(std::uint32_t host, std::uint32_t i) const { return host * ports + i; }
  /// The edge-switch pair of port i of both hosts.
  std::size_t pair_of_ports(std::uint32_t src_host, std::uint32_t dst_host,
                            std::uint32_t i = 0) const {
    return std::size_t{host_edge[port(src_host, i)]} * edge_count() + host_edge[port(dst_host, i)];
  }
  /// The edge pairs whose paths join the two hosts: of the port indices whose edge switches
  /// are joined at all, those with the fewest links between them (every plane of a
  /// multi-plane fabric; the NVLink port alone between GPUs of one server). Returns how many
  /// it wrote to `pairs`.
  std::uint32_t pairs_between_hosts(std::uint32_t src_host, std::uint32_t dst_host,
                                    std::array<std::size_t, kMaxPorts>& pairs) const;
  /// Whether path p is among those pairs' paths (a candidate between the hosts).
  bool joins(std::uint32_t src_host, std::uint32_t dst_host, PathId p) const;
  /// The first of those pairs' paths (the only ones on a one-port fabric).
  PathRange paths_between_hosts(std::uint32_t src_host, std::uint32_t dst_host) const;
  PathLinks path(PathId p) const { return catalog.links(p); }
  /// The port index a route over path p uses at `host`, its source or its destination (0 on
  /// a one-port fabric).
  std::uint32_t port_of(std::uint32_t host, PathId p, bool source) const;
  LinkId uplink(std::uint32_t src_host, PathId p) const {
    return host_uplink[port(src_host, port_of(src_host, p, true))];
  }
  LinkId downlink(std::uint32_t dst_host, PathId p) const {
    return host_downlink[port(dst_host, port_of(dst_host, p, false))];
  }
  /// Number of distinct first-hop links out of an edge switch over all its paths
  /// (the "s" of the splitting rule: spines x parallel links on a leaf-spine).
  std::uint32_t uplink_count(std::uint32_t edge) const;
  /// Sum of the latencies of host uplink + path + host downlink.
  core::Time route_latency(std::uint32_t src_host, std::uint32_t dst_host, PathId p) const;
};

}  // namespace fabricsim::topo
