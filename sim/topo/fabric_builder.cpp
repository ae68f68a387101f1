#include "topo/fabric_builder.hpp"

#include <limits>
#include <stdexcept>
#include <vector>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/reverse_graph.hpp>
#include <boost/graph/visitors.hpp>

#include "topo/limits.hpp"

namespace fabricsim::topo {
namespace {

constexpr std::uint32_t kUnreached = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint32_t kNoEdge = std::numeric_limits<std::uint32_t>::max();

struct VertexProps {
  NodeKind kind;
};
struct EdgeProps {
  LinkId id;  // index into Fabric::links
};
/// The fabric as a directed multigraph: one vertex per node (same id), one edge per link.
/// Bidirectional so the BFS can walk links backwards from a destination.
using BoostGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, VertexProps, EdgeProps>;
using Vertex = BoostGraph::vertex_descriptor;

/// Keeps switches, drops hosts: paths between edge switches never transit a host.
/// A struct rather than a lambda because filtered_graph wants a default-constructible filter.
struct SwitchesOnly {
  const BoostGraph* graph = nullptr;
  template <typename V>
  bool operator()(V v) const {
    return (*graph)[v].kind != NodeKind::host;
  }
};

/// Hop distance from every switch to `dst` over switch-only links: a BFS on the reversed
/// graph, so it follows links in the direction traffic would take them.
std::vector<std::uint32_t> distances_to(const BoostGraph& graph, Vertex dst) {
  const boost::reverse_graph<BoostGraph> reversed(graph);
  const SwitchesOnly keep{&graph};
  const boost::filtered_graph<boost::reverse_graph<BoostGraph>, boost::keep_all, SwitchesOnly>
      switches(reversed, boost::keep_all{}, keep);
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
void enumerate_paths(const BoostGraph& graph, Vertex at, const std::vector<std::uint32_t>& dist,
                     std::vector<LinkId>& prefix, Fabric& out) {
  if (dist[at] == 0) {
    out.path_links.insert(out.path_links.end(), prefix.begin(), prefix.end());
    out.path_offset.push_back(static_cast<std::uint32_t>(out.path_links.size()));
    if (out.path_offset.size() - 1 > kMaxPaths) {
      throw std::invalid_argument("topology: more than " + std::to_string(kMaxPaths) +
                                  " equal-cost paths");
    }
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

}  // namespace

struct FabricBuilder::Graph {
  BoostGraph g;
};

FabricBuilder::FabricBuilder() : graph_(std::make_unique<Graph>()) {}
FabricBuilder::~FabricBuilder() = default;

NodeId FabricBuilder::add_node(NodeKind kind, std::string name, bool edge) {
  const auto id = static_cast<NodeId>(boost::add_vertex(VertexProps{kind}, graph_->g));
  fabric_.nodes.push_back(Node{kind, std::move(name)});
  edge_of_node_.push_back(edge ? static_cast<std::uint32_t>(fabric_.edge_node.size()) : kNoEdge);
  if (edge) fabric_.edge_node.push_back(id);
  return id;
}

void FabricBuilder::add_cable(NodeId a, NodeId b, const LinkSpec& spec) {
  for (const auto& [src, dst] : {std::pair{a, b}, std::pair{b, a}}) {
    boost::add_edge(src, dst, EdgeProps{static_cast<LinkId>(fabric_.links.size())}, graph_->g);
    fabric_.links.push_back(Link{src, dst, spec.rate, spec.latency});
  }
}

void FabricBuilder::attach_host(NodeId host, NodeId edge, const LinkSpec& spec) {
  if (edge_of_node_[edge] == kNoEdge) {
    throw std::logic_error("host " + fabric_.nodes[host].name + " attached to a non-edge node");
  }
  fabric_.host_node.push_back(host);
  fabric_.host_edge.push_back(edge_of_node_[edge]);
  fabric_.host_uplink.push_back(static_cast<LinkId>(fabric_.links.size()));
  fabric_.host_downlink.push_back(static_cast<LinkId>(fabric_.links.size() + 1));
  add_cable(host, edge, spec);
}

/// Fills the CSR path arrays for every ordered pair of edge switches, pair-major (a*E + b).
/// Pair (a, a) gets its single empty path; unreachable pairs get none.
Fabric FabricBuilder::finish(std::uint64_t expected_paths, std::uint32_t links_per_path) {
  Fabric out = std::move(fabric_);
  const std::size_t edges = out.edge_node.size();
  out.path_offset.reserve(expected_paths + 1);
  out.path_links.reserve(expected_paths * links_per_path);
  std::vector<std::vector<std::uint32_t>> dist_to(edges);
  for (std::size_t b = 0; b < edges; ++b) dist_to[b] = distances_to(graph_->g, out.edge_node[b]);

  out.pair_offset.assign(1, 0);
  out.path_offset.assign(1, 0);
  std::vector<LinkId> prefix;
  for (std::size_t a = 0; a < edges; ++a) {
    for (std::size_t b = 0; b < edges; ++b) {
      const std::vector<std::uint32_t>& dist = dist_to[b];
      if (dist[out.edge_node[a]] != kUnreached) {
        enumerate_paths(graph_->g, out.edge_node[a], dist, prefix, out);
      }
      out.pair_offset.push_back(static_cast<std::uint32_t>(out.path_offset.size() - 1));
    }
  }
  return out;
}

}  // namespace fabricsim::topo
