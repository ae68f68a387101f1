#include "topo/leaf_spine.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/reverse_graph.hpp>
#include <boost/graph/visitors.hpp>

namespace fabricsim::topo {
namespace {

// Sanity limits, checked before anything is allocated.
constexpr std::uint64_t kMaxHosts = 65'536;
constexpr std::uint64_t kMaxLinks = std::uint64_t{1} << 24;  // directed links (16M)
constexpr std::uint32_t kUnreached = std::numeric_limits<std::uint32_t>::max();

struct VertexProps {
  NodeKind kind;
};
struct EdgeProps {
  LinkId id;  // index into Fabric::links
};
/// The fabric as a directed multigraph: one vertex per node (same id), one edge per link.
/// Bidirectional so the BFS can walk links backwards from a destination.
using Graph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, VertexProps, EdgeProps>;
using Vertex = Graph::vertex_descriptor;

/// Keeps switches, drops hosts: paths between edge switches never transit a host.
/// A struct rather than a lambda because filtered_graph wants a default-constructible filter.
struct SwitchesOnly {
  const Graph* graph = nullptr;
  template <typename V>
  bool operator()(V v) const {
    return (*graph)[v].kind != NodeKind::host;
  }
};

[[noreturn]] void reject(const std::string& what) {
  throw std::invalid_argument("leaf-spine topology: " + what);
}

void require_count(std::uint32_t value, const char* field) {
  if (value == 0) reject(std::string(field) + " must be at least 1 (got 0)");
}

void require_link(const LinkSpec& link, const char* field) {
  if (link.rate.bps() <= 0) reject(std::string(field) + ".rate must be positive");
  if (link.latency.ps() < 0) reject(std::string(field) + ".latency must not be negative");
}

/// Rejects zero counts, bad links and sizes beyond the sane limits; returns the total number
/// of equal-cost paths the build will store (so the caller can reserve exactly).
std::uint64_t validate(const LeafSpineSpec& spec) {
  require_count(spec.leaves, "leaves");
  require_count(spec.spines, "spines");
  require_count(spec.hosts_per_leaf, "hosts_per_leaf");
  require_count(spec.links_per_pair, "links_per_pair");
  require_link(spec.host_link, "host_link");
  require_link(spec.fabric_link, "fabric_link");

  // 128-bit products: each factor is a uint32, so no product of two or three can overflow.
  const core::uint128 leaves = spec.leaves, spines = spec.spines, per_pair = spec.links_per_pair;
  const core::uint128 hosts = leaves * spec.hosts_per_leaf;
  if (hosts > kMaxHosts) {
    reject(std::to_string(static_cast<std::uint64_t>(hosts)) +
           " hosts (leaves x hosts_per_leaf) exceeds the limit of " + std::to_string(kMaxHosts));
  }
  const core::uint128 links = 2 * hosts + 2 * leaves * spines * per_pair;
  if (links > kMaxLinks) {
    reject("too many links (" + std::to_string(spec.leaves) + " leaves x " +
           std::to_string(spec.spines) + " spines x " + std::to_string(spec.links_per_pair) +
           " links_per_pair); the limit is " + std::to_string(kMaxLinks) + " directed links");
  }
  const std::uint64_t paths = equal_cost_paths(spec);
  if (paths > kMaxPaths) {
    reject("too many equal-cost paths (" + std::to_string(paths) +
           " = leaves^2 x spines x links_per_pair^2 roughly); the limit is " +
           std::to_string(kMaxPaths) + ": reduce leaves, spines or links_per_pair");
  }
  return paths;
}

}  // namespace

std::uint64_t equal_cost_paths(const LeafSpineSpec& spec) {
  // Each factor is a uint32: the product of five fits in 128 bits when leaves * spines *
  // links_per_pair is small, so compute in two checked steps.
  const core::uint128 leaves = spec.leaves, spines = spec.spines, per_pair = spec.links_per_pair;
  const core::uint128 per_leaf_pair = spines * per_pair * per_pair;  // < 2^96
  const core::uint128 pairs = leaves * (leaves == 0 ? 0 : leaves - 1);     // < 2^64
  core::uint128 paths = 0;
  if (__builtin_mul_overflow(pairs, per_leaf_pair, &paths)) return UINT64_MAX;
  paths += leaves;
  return paths > UINT64_MAX ? UINT64_MAX : static_cast<std::uint64_t>(paths);
}

namespace {

/// Adds one cable as two directed links (a->b then b->a) to both the graph and the table.
void add_cable(Graph& graph, std::vector<Link>& links, NodeId a, NodeId b, const LinkSpec& spec) {
  for (const auto& [src, dst] : {std::pair{a, b}, std::pair{b, a}}) {
    boost::add_edge(src, dst, EdgeProps{static_cast<LinkId>(links.size())}, graph);
    links.push_back(Link{src, dst, spec.rate, spec.latency});
  }
}

/// Hop distance from every switch to `dst` over switch-only links: a BFS on the reversed
/// graph, so it follows links in the direction traffic would take them.
std::vector<std::uint32_t> distances_to(const Graph& graph, Vertex dst) {
  const boost::reverse_graph<Graph> reversed(graph);
  const SwitchesOnly keep{&graph};
  const boost::filtered_graph<boost::reverse_graph<Graph>, boost::keep_all, SwitchesOnly> switches(
      reversed, boost::keep_all{}, keep);
  std::vector<std::uint32_t> dist(boost::num_vertices(graph), kUnreached);
  dist[dst] = 0;
  boost::breadth_first_search(switches, dst,
                              boost::visitor(boost::make_bfs_visitor(
                                  boost::record_distances(dist.data(), boost::on_tree_edge{}))));
  return dist;
}

/// Appends every shortest path from `at` to the destination as a link sequence: a DFS that
/// only steps to a switch one hop closer. Parallel links are distinct edges, hence distinct
/// paths. Out-edges are visited in insertion order, so the order is deterministic.
void enumerate_paths(const Graph& graph, Vertex at, const std::vector<std::uint32_t>& dist,
                     std::vector<LinkId>& prefix, Fabric& out) {
  if (dist[at] == 0) {
    out.path_links.insert(out.path_links.end(), prefix.begin(), prefix.end());
    out.path_offset.push_back(static_cast<std::uint32_t>(out.path_links.size()));
    if (out.path_offset.size() - 1 > kMaxPaths) reject("too many equal-cost paths");
    return;
  }
  for (const auto edge : boost::make_iterator_range(boost::out_edges(at, graph))) {
    const Vertex next = boost::target(edge, graph);
    if (graph[next].kind == NodeKind::host || dist[next] != dist[at] - 1) continue;
    prefix.push_back(graph[edge].id);
    enumerate_paths(graph, next, dist, prefix, out);
    prefix.pop_back();
  }
}

/// Fills the CSR path arrays of `out` for every ordered pair of edge switches, pair-major
/// (a*E + b). Pair (a, a) gets its single empty path; unreachable pairs get none.
void compile_paths(const Graph& graph, Fabric& out) {
  const std::size_t edges = out.edge_node.size();
  std::vector<std::vector<std::uint32_t>> dist_to(edges);
  for (std::size_t b = 0; b < edges; ++b) dist_to[b] = distances_to(graph, out.edge_node[b]);

  out.pair_offset.assign(1, 0);
  out.path_offset.assign(1, 0);
  std::vector<LinkId> prefix;
  for (std::size_t a = 0; a < edges; ++a) {
    for (std::size_t b = 0; b < edges; ++b) {
      const std::vector<std::uint32_t>& dist = dist_to[b];
      if (dist[out.edge_node[a]] != kUnreached) {
        enumerate_paths(graph, out.edge_node[a], dist, prefix, out);
      }
      out.pair_offset.push_back(static_cast<std::uint32_t>(out.path_offset.size() - 1));
    }
  }
}

}  // namespace

double oversubscription(const LeafSpineSpec& spec) {
  const double down =
      static_cast<double>(spec.hosts_per_leaf) * static_cast<double>(spec.host_link.rate.bps());
  const double up = static_cast<double>(spec.spines) * static_cast<double>(spec.links_per_pair) *
                    static_cast<double>(spec.fabric_link.rate.bps());
  return down / up;
}

Fabric build_leaf_spine(const LeafSpineSpec& spec) {
  const std::uint64_t total_paths = validate(spec);
  const std::uint32_t hosts = spec.leaves * spec.hosts_per_leaf;

  // Node ids: hosts first (host i is node i), then leaves, then spines.
  Fabric fabric;
  const NodeId first_leaf = hosts;
  const NodeId first_spine = first_leaf + spec.leaves;
  const NodeId node_count = first_spine + spec.spines;
  fabric.nodes.reserve(node_count);
  for (std::uint32_t h = 0; h < hosts; ++h) {
    fabric.nodes.push_back(Node{NodeKind::host, "host" + std::to_string(h)});
  }
  for (std::uint32_t l = 0; l < spec.leaves; ++l) {
    fabric.nodes.push_back(Node{NodeKind::leaf, "leaf" + std::to_string(l)});
    fabric.edge_node.push_back(first_leaf + l);
  }
  for (std::uint32_t s = 0; s < spec.spines; ++s) {
    fabric.nodes.push_back(Node{NodeKind::spine, "spine" + std::to_string(s)});
  }

  Graph graph(node_count);
  for (NodeId v = 0; v < node_count; ++v) graph[v].kind = fabric.nodes[v].kind;

  // Host cables first (leaf-major: host h hangs off leaf h / hosts_per_leaf), then every
  // leaf-spine pair's parallel cables. Link ids follow this insertion order.
  fabric.links.reserve(
      2 * (std::size_t{hosts} + std::size_t{spec.leaves} * spec.spines * spec.links_per_pair));
  for (std::uint32_t h = 0; h < hosts; ++h) {
    const std::uint32_t leaf = h / spec.hosts_per_leaf;
    fabric.host_node.push_back(h);
    fabric.host_edge.push_back(leaf);
    fabric.host_uplink.push_back(static_cast<LinkId>(fabric.links.size()));
    fabric.host_downlink.push_back(static_cast<LinkId>(fabric.links.size() + 1));
    add_cable(graph, fabric.links, h, first_leaf + leaf, spec.host_link);
  }
  for (std::uint32_t l = 0; l < spec.leaves; ++l) {
    for (std::uint32_t s = 0; s < spec.spines; ++s) {
      for (std::uint32_t k = 0; k < spec.links_per_pair; ++k) {
        add_cable(graph, fabric.links, first_leaf + l, first_spine + s, spec.fabric_link);
      }
    }
  }

  // Every leaf-to-leaf path is two links (up, down); the (a, a) paths are empty.
  fabric.path_offset.reserve(total_paths + 1);
  fabric.path_links.reserve(2 * (total_paths - spec.leaves));
  compile_paths(graph, fabric);
  return fabric;
}

FabricStats describe(const LeafSpineSpec& spec, const Fabric& fabric) {
  FabricStats stats;
  stats.hosts = fabric.host_count();
  stats.switches = static_cast<std::uint32_t>(fabric.nodes.size()) - stats.hosts;
  stats.links = static_cast<std::uint32_t>(fabric.links.size());

  const std::uint32_t edges = fabric.edge_count();
  bool any_pair = false;
  for (std::uint32_t a = 0; a < edges; ++a) {
    for (std::uint32_t b = 0; b < edges; ++b) {
      if (a == b) continue;
      const std::size_t pair = std::size_t{a} * edges + b;
      const std::uint32_t count = fabric.pair_offset[pair + 1] - fabric.pair_offset[pair];
      stats.min_paths = any_pair ? std::min(stats.min_paths, count) : count;
      stats.max_paths = any_pair ? std::max(stats.max_paths, count) : count;
      any_pair = true;
    }
  }
  stats.oversubscription = oversubscription(spec);

  // Bisection bandwidth, as defined here: the rate at which half of the hosts can send to
  // the other half. Split the leaves into two groups; traffic between the groups crosses the
  // spine layer, whose cut is the uplink capacity of the smaller group (floor(L/2) leaves x
  // spines x links_per_pair x fabric rate). The hosts' own links cap it at hosts/2 x host
  // rate. With a single leaf no traffic crosses the spines, so only the host term applies.
  const core::uint128 host_side =
      core::uint128{stats.hosts / 2} * static_cast<std::uint64_t>(spec.host_link.rate.bps());
  core::uint128 bisection = host_side;
  if (edges >= 2) {
    const core::uint128 spine_cut = core::uint128{edges / 2} * spec.spines * spec.links_per_pair *
                                    static_cast<std::uint64_t>(spec.fabric_link.rate.bps());
    bisection = std::min(host_side, spine_cut);
  }
  const auto cap = static_cast<core::uint128>(std::numeric_limits<std::int64_t>::max());
  stats.bisection = core::Bitrate(static_cast<std::int64_t>(std::min(bisection, cap)));
  return stats;
}

}  // namespace fabricsim::topo
