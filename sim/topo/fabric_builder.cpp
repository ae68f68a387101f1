#include "topo/fabric_builder.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/reverse_graph.hpp>
#include <boost/graph/visitors.hpp>

#include "topo/limits.hpp"

namespace fabricsim::topo {
namespace {

constexpr std::uint32_t kUnreached = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint32_t kNoEdge = std::numeric_limits<std::uint32_t>::max();

/// The switches alone (vertex = switch row), one edge per switch-to-switch link: paths
/// between edge switches never transit a host.
using SwitchGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS>;

/// Hop distance from every switch to switch row `dst`, and the switches it reaches in the
/// order the search met them (by distance): a BFS on the reversed switch graph, so it
/// follows links in the direction traffic would take them.
void distances_to(const SwitchGraph& graph, std::uint32_t dst, std::vector<std::uint32_t>& dist,
                  std::vector<std::uint32_t>& order) {
  const boost::reverse_graph<SwitchGraph> reversed(graph);
  dist.assign(boost::num_vertices(graph), kUnreached);
  order.clear();
  dist[dst] = 0;
  auto met = std::back_inserter(order);
  boost::breadth_first_search(
      reversed, dst,
      boost::visitor(boost::make_bfs_visitor(
          std::make_pair(boost::record_distances(dist.data(), boost::on_tree_edge{}),
                         boost::write_property(boost::typed_identity_property_map<std::uint32_t>(),
                                               met, boost::on_discover_vertex{})))));
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

FabricBuilder::FabricBuilder() = default;
FabricBuilder::~FabricBuilder() = default;

NodeId FabricBuilder::add_node(NodeKind kind, std::string name, bool edge) {
  const auto id = static_cast<NodeId>(fabric_.nodes.size());
  fabric_.nodes.push_back(Node{kind, std::move(name)});
  edge_of_node_.push_back(edge ? static_cast<std::uint32_t>(fabric_.edge_node.size()) : kNoEdge);
  if (edge) fabric_.edge_node.push_back(id);
  return id;
}

void FabricBuilder::add_cable(NodeId a, NodeId b, const LinkSpec& spec) {
  for (const auto& [src, dst] : {std::pair{a, b}, std::pair{b, a}}) {
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
  // The switch-to-switch links: a graph for the searches, and each switch's out-links in
  // link-id order (CSR by switch row) for the next hops.
  SwitchGraph switch_graph(switches.size());
  std::vector<std::uint32_t> first_out(switches.size() + 1, 0);
  const auto between_switches = [&](const Link& l) {
    return switch_row[l.src] != PathCatalog::kNoSet && switch_row[l.dst] != PathCatalog::kNoSet;
  };
  for (const Link& l : out.links) {
    if (!between_switches(l)) continue;
    boost::add_edge(switch_row[l.src], switch_row[l.dst], switch_graph);
    ++first_out[switch_row[l.src] + 1];
  }
  for (std::size_t r = 0; r < switches.size(); ++r) first_out[r + 1] += first_out[r];
  std::vector<LinkId> out_link(first_out.back());
  std::vector<std::uint32_t> filled(first_out.begin(), first_out.end() - 1);
  for (LinkId l = 0; l < out.links.size(); ++l) {
    if (between_switches(out.links[l])) out_link[filled[switch_row[out.links[l].src]]++] = l;
  }
  std::vector<std::uint32_t> row_dist, order;
  for (std::uint32_t b = 0; b < edges; ++b) {
    distances_to(switch_graph, switch_row[out.edge_node[b]], row_dist, order);
    for (const std::uint32_t row : order) {
      PathCatalog::Entry& e = entries[std::size_t{row} * edges + b];
      if (row_dist[row] > kMaxPathLinks) {
        throw std::invalid_argument("topology: a path between edge switches crosses more than " +
                                    std::to_string(kMaxPathLinks) + " links");
      }
      e.distance = static_cast<std::uint8_t>(row_dist[row]);
      if (row_dist[row] == 0) {
        e.paths = 1;
        continue;
      }
      hops.clear();
      std::uint64_t paths = 0;
      for (std::uint32_t k = first_out[row]; k < first_out[row + 1]; ++k) {
        const std::uint32_t next = switch_row[out.links[out_link[k]].dst];
        if (row_dist[next] != row_dist[row] - 1) continue;
        hops.push_back(out_link[k]);
        paths += entries[std::size_t{next} * edges + b].paths;
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
