#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/units.hpp"

namespace fabricsim::topo {

using NodeId = std::uint32_t;
using LinkId = std::uint32_t;
using PathId = std::uint32_t;

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

/// A contiguous range of path ids: the equal-cost candidates between two edge switches.
struct PathRange {
  PathId first = 0;
  std::uint32_t count = 0;
};

/// The flat, read-only fabric the engines run on. Every host hangs off one edge switch
/// (a leaf or ToR); the equal-cost paths between edge switches were found on the graph and are
/// stored in CSR form, so a route is host uplink + a path's links + host downlink.
struct Fabric {
  std::vector<Node> nodes;
  std::vector<Link> links;
  std::vector<NodeId> host_node;         // host index -> node id
  std::vector<std::uint32_t> host_edge;  // host index -> edge switch index
  std::vector<LinkId> host_uplink;       // host index -> host->edge link
  std::vector<LinkId> host_downlink;     // host index -> edge->host link
  std::vector<NodeId> edge_node;         // edge switch index -> node id
  /// Paths from edge a to edge b are ids [pair_offset[a*E+b], pair_offset[a*E+b+1]).
  /// A pair a == a has one path with no links.
  std::vector<std::uint32_t> pair_offset;
  /// Links of path p are path_links[path_offset[p] .. path_offset[p+1]), in order.
  std::vector<std::uint32_t> path_offset;
  std::vector<LinkId> path_links;

  std::uint32_t host_count() const { return static_cast<std::uint32_t>(host_node.size()); }
  std::uint32_t edge_count() const { return static_cast<std::uint32_t>(edge_node.size()); }
  PathRange paths_between_hosts(std::uint32_t src_host, std::uint32_t dst_host) const;
  std::span<const LinkId> path(PathId p) const;
  /// Number of distinct first-hop links out of an edge switch over all its paths
  /// (the "s" of the splitting rule: spines x parallel links on a leaf-spine).
  std::uint32_t uplink_count(std::uint32_t edge) const;
  /// Sum of the latencies of host uplink + path + host downlink.
  core::Time route_latency(std::uint32_t src_host, std::uint32_t dst_host, PathId p) const;
};

}  // namespace fabricsim::topo
