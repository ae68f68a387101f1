#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/units.hpp"
#include "topo/path_catalog.hpp"

namespace fabricsim::topo {

/// Host, or a switch by its role: leaf and spine of a leaf-spine; tor, aggregation and core
/// of a three-tier Clos.
enum class NodeKind : std::uint8_t { host, leaf, spine, tor, aggregation, core };
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

/// The flat, read-only fabric the engines run on. Every host hangs off one edge switch
/// (a leaf or ToR); the equal-cost paths between edge switches were found on the graph and
/// are kept in a PathCatalog, so a route is host uplink + a path's links + host downlink.
struct Fabric {
  std::vector<Node> nodes;
  std::vector<Link> links;
  std::vector<NodeId> host_node;         // host index -> node id
  std::vector<std::uint32_t> host_edge;  // host index -> edge switch index
  std::vector<LinkId> host_uplink;       // host index -> host->edge link
  std::vector<LinkId> host_downlink;     // host index -> edge->host link
  std::vector<NodeId> edge_node;         // edge switch index -> node id
  /// The paths between edge switches: pair a*E + b holds those from edge a to edge b.
  PathCatalog catalog;

  std::uint32_t host_count() const { return static_cast<std::uint32_t>(host_node.size()); }
  std::uint32_t edge_count() const { return static_cast<std::uint32_t>(edge_node.size()); }
  std::uint64_t path_count() const { return catalog.path_count(); }
  /// The edge-switch pair whose paths join the two hosts.
  std::size_t pair_of_hosts(std::uint32_t src_host, std::uint32_t dst_host) const {
    return std::size_t{host_edge[src_host]} * edge_count() + host_edge[dst_host];
  }
  PathRange paths_between_hosts(std::uint32_t src_host, std::uint32_t dst_host) const {
    return catalog.range(pair_of_hosts(src_host, dst_host));
  }
  PathLinks path(PathId p) const { return catalog.links(p); }
  /// Number of distinct first-hop links out of an edge switch over all its paths
  /// (the "s" of the splitting rule: spines x parallel links on a leaf-spine).
  std::uint32_t uplink_count(std::uint32_t edge) const;
  /// Sum of the latencies of host uplink + path + host downlink.
  core::Time route_latency(std::uint32_t src_host, std::uint32_t dst_host, PathId p) const;
};

}  // namespace fabricsim::topo
