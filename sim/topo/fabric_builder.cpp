#include "topo/fabric_builder.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <unordered_map>
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

/// Hashes a next-hop set so that equal sets are stored once.
struct SetHash {
  std::size_t operator()(const std::vector<LinkId>& set) const {
    std::size_t h = set.size();
    for (const LinkId l : set) h = h * 1'000'003u ^ l;
    return h;
  }
};

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
  if (host_of_node_.size() <= host) host_of_node_.resize(host + 1, kNoEdge);
  if (host_of_node_[host] == kNoEdge) {
    host_of_node_[host] = static_cast<std::uint32_t>(fabric_.host_node.size());
    fabric_.host_node.push_back(host);
    ports_.emplace_back();
  }
  const auto uplink = static_cast<LinkId>(fabric_.links.size());
  ports_[host_of_node_[host]].push_back({edge_of_node_[edge], uplink, uplink + 1});
  add_cable(host, edge, spec);
}

/// For every destination edge switch, a BFS gives each switch its distance; its next hops are
/// its out-links (in insertion order) to switches one hop closer, and its path count the sum
/// of theirs. Equal next-hop sets are stored once.
Fabric FabricBuilder::finish() {
  Fabric out = std::move(fabric_);
  out.ports = ports_.empty() ? 1 : static_cast<std::uint32_t>(ports_[0].size());
  for (std::uint32_t h = 0; h < ports_.size(); ++h) {
    if (ports_[h].size() != out.ports || out.ports > kMaxPorts) {
      throw std::logic_error(
          "host " + out.nodes[out.host_node[h]].name + " has " + std::to_string(ports_[h].size()) +
          " ports, host " + out.nodes[out.host_node[0]].name + " " + std::to_string(out.ports) +
          " (at most " + std::to_string(kMaxPorts) + ", the same on every host)");
    }
    for (const Port& p : ports_[h]) {
      out.host_edge.push_back(p.edge);
      out.host_uplink.push_back(p.uplink);
      out.host_downlink.push_back(p.downlink);
    }
  }
  const auto edges = static_cast<std::uint32_t>(out.edge_node.size());
  std::vector<std::uint32_t> switch_row(out.nodes.size(), PathCatalog::kNoSet);
  std::vector<NodeId> switches;
  for (NodeId n = 0; n < out.nodes.size(); ++n) {
    if (out.nodes[n].kind == NodeKind::host) continue;
    switch_row[n] = static_cast<std::uint32_t>(switches.size());
    switches.push_back(n);
  }
  std::vector<PathCatalog::Entry> entries(switches.size() * edges);
  std::vector<std::uint32_t> set_offset{0};
  std::vector<LinkId> set_links;
  std::unordered_map<std::vector<LinkId>, std::uint32_t, SetHash> set_id;
  std::vector<LinkId> hops;
  std::vector<NodeId> by_distance;
  for (std::uint32_t b = 0; b < edges; ++b) {
    const std::vector<std::uint32_t> dist = distances_to(graph_->g, out.edge_node[b]);
    by_distance.clear();
    for (const NodeId n : switches) {
      if (dist[n] != kUnreached) by_distance.push_back(n);
    }
    std::stable_sort(by_distance.begin(), by_distance.end(),
                     [&](NodeId x, NodeId y) { return dist[x] < dist[y]; });
    for (const NodeId n : by_distance) {
      PathCatalog::Entry& e = entries[std::size_t{switch_row[n]} * edges + b];
      if (dist[n] > kMaxPathLinks) {
        throw std::invalid_argument("topology: a path between edge switches crosses more than " +
                                    std::to_string(kMaxPathLinks) + " links");
      }
      e.distance = static_cast<std::uint8_t>(dist[n]);
      if (dist[n] == 0) {
        e.paths = 1;
        continue;
      }
      hops.clear();
      std::uint64_t paths = 0;
      for (const auto edge : boost::make_iterator_range(boost::out_edges(n, graph_->g))) {
        const Vertex next = boost::target(edge, graph_->g);
        if (switch_row[next] == PathCatalog::kNoSet || dist[next] != dist[n] - 1) continue;
        hops.push_back(graph_->g[edge].id);
        paths += entries[std::size_t{switch_row[next]} * edges + b].paths;
      }
      if (paths > kMaxPaths) {
        throw std::invalid_argument("topology: more than " + std::to_string(kMaxPaths) +
                                    " equal-cost paths between two edge switches");
      }
      e.paths = static_cast<std::uint32_t>(paths);
      const auto [it, added] =
          set_id.try_emplace(hops, static_cast<std::uint32_t>(set_offset.size() - 1));
      if (added) {
        set_links.insert(set_links.end(), hops.begin(), hops.end());
        set_offset.push_back(static_cast<std::uint32_t>(set_links.size()));
      }
      e.hops = it->second;
    }
  }
  std::uint64_t total = 0;
  for (std::uint32_t a = 0; a < edges; ++a) {
    for (std::uint32_t b = 0; b < edges; ++b)
      total += entries[std::size_t{switch_row[out.edge_node[a]]} * edges + b].paths;
  }
  if (total > kMaxPaths) {
    throw std::invalid_argument("topology: " + std::to_string(total) +
                                " equal-cost paths, more than the limit of " +
                                std::to_string(kMaxPaths));
  }
  std::vector<NodeId> link_dst;
  link_dst.reserve(out.links.size());
  for (const Link& l : out.links) link_dst.push_back(l.dst);
  out.catalog = PathCatalog(out.edge_node, std::move(switch_row), std::move(entries),
                            std::move(set_offset), std::move(set_links), std::move(link_dst));
  return out;
}

}  // namespace fabricsim::topo
