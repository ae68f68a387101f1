#include "topo/graph.hpp"

#include <algorithm>
#include <deque>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "topo/limits.hpp"

namespace fabricsim::topo {
namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
constexpr NodeKind kKinds[] = {NodeKind::host, NodeKind::leaf,        NodeKind::spine,
                               NodeKind::tor,  NodeKind::aggregation, NodeKind::core,
                               NodeKind::rail, NodeKind::nvswitch};

bool is_host(const GraphSpec& spec, std::uint32_t n) {
  return spec.nodes[n].kind == NodeKind::host;
}

std::string quoted(const GraphSpec& spec, std::uint32_t n) {
  return "'" + spec.nodes[n].name + "'";
}

/// One end of a switch-to-switch cable, seen from the other end.
struct Neighbour {
  std::uint32_t node;
  std::uint32_t cable;
};

/// Switch-to-switch cables by node (both ends); host cables left out.
std::vector<std::vector<Neighbour>> switch_adjacency(const GraphSpec& spec) {
  std::vector<std::vector<Neighbour>> adj(spec.nodes.size());
  for (std::uint32_t c = 0; c < spec.cables.size(); ++c) {
    const GraphCable& cable = spec.cables[c];
    if (is_host(spec, cable.a) || is_host(spec, cable.b)) continue;
    adj[cable.a].push_back({cable.b, c});
    adj[cable.b].push_back({cable.a, c});
  }
  return adj;
}

/// The cable of each host (kNone when it has none); assumes check_graph passed.
std::vector<std::uint32_t> host_cables(const GraphSpec& spec) {
  std::vector<std::uint32_t> of(spec.nodes.size(), kNone);
  for (std::uint32_t c = 0; c < spec.cables.size(); ++c) {
    const GraphCable& cable = spec.cables[c];
    if (is_host(spec, cable.a)) of[cable.a] = c;
    if (is_host(spec, cable.b)) of[cable.b] = c;
  }
  return of;
}

std::uint32_t other_end(const GraphCable& cable, std::uint32_t n) {
  return cable.a == n ? cable.b : cable.a;
}

std::uint32_t find_root(std::vector<std::uint32_t>& parent, std::uint32_t x) {
  while (parent[x] != x) x = parent[x] = parent[parent[x]];
  return x;
}

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
  std::uint64_t sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? std::numeric_limits<std::uint64_t>::max() : sum;
}

core::Bitrate capped(core::uint128 bps) {
  const auto cap = static_cast<core::uint128>(std::numeric_limits<std::int64_t>::max());
  return core::Bitrate(static_cast<std::int64_t>(std::min(bps, cap)));
}

}  // namespace

std::optional<NodeKind> node_kind_from(const std::string& name) {
  for (const NodeKind kind : kKinds) {
    if (name == to_string(kind)) return kind;
  }
  return std::nullopt;
}

std::vector<std::string> node_kind_names() {
  std::vector<std::string> names;
  for (const NodeKind kind : kKinds) names.emplace_back(to_string(kind));
  return names;
}

std::optional<GraphProblem> check_graph(const GraphSpec& spec) {
  using At = GraphProblem::At;
  const auto nodes = static_cast<std::uint32_t>(spec.nodes.size());
  if (nodes == 0) return GraphProblem{At::graph, 0, "the graph has no nodes"};
  std::vector<std::uint32_t> first_cable(nodes, kNone);
  for (std::uint32_t c = 0; c < spec.cables.size(); ++c) {
    const GraphCable& cable = spec.cables[c];
    if (cable.a >= nodes || cable.b >= nodes) {
      return GraphProblem{At::cable, c,
                          "names a node index past the " + std::to_string(nodes) + " nodes"};
    }
    if (std::uint64_t{c} * 2 + 2 > kMaxLinks) {
      return GraphProblem{At::cable, c,
                          "more than the limit of " + std::to_string(kMaxLinks / 2) + " cables (" +
                              std::to_string(kMaxLinks) + " directed links)"};
    }
    if (cable.a == cable.b)
      return GraphProblem{At::cable, c, "joins " + quoted(spec, cable.a) + " to itself"};
    if (cable.link.rate.bps() <= 0)
      return GraphProblem{At::cable, c, "rate must be greater than zero"};
    if (cable.link.latency.ps() < 0)
      return GraphProblem{At::cable, c, "latency must not be negative"};
    if (is_host(spec, cable.a) && is_host(spec, cable.b)) {
      return GraphProblem{At::cable, c,
                          "joins two hosts, " + quoted(spec, cable.a) + " and " +
                              quoted(spec, cable.b) + "; a host's one link goes to a switch"};
    }
    for (const std::uint32_t end : {cable.a, cable.b}) {
      if (!is_host(spec, end)) continue;
      if (first_cable[end] != kNone) {
        return GraphProblem{
            At::cable, c,
            "host " + quoted(spec, end) +
                " has a second link; a host has exactly one link, to an edge switch",
            first_cable[end]};
      }
      first_cable[end] = c;
    }
  }
  std::uint32_t hosts = 0, first_host = kNone;
  for (std::uint32_t n = 0; n < nodes; ++n) {
    if (!is_host(spec, n)) continue;
    if (++hosts > kMaxHosts) {
      return GraphProblem{At::node, n,
                          "more than the limit of " + std::to_string(kMaxHosts) + " hosts"};
    }
    if (first_cable[n] == kNone) {
      return GraphProblem{At::node, n,
                          "host " + quoted(spec, n) +
                              " has no link; a host has exactly one link, to an edge switch"};
    }
    if (first_host == kNone) first_host = n;
  }
  if (hosts == 0) return GraphProblem{At::graph, 0, "the graph has no host (a node of kind host)"};

  // Every host must reach every other: their edge switches in one switch-connected component.
  std::vector<std::uint32_t> parent(nodes);
  std::iota(parent.begin(), parent.end(), 0u);
  for (const GraphCable& cable : spec.cables) {
    if (is_host(spec, cable.a) || is_host(spec, cable.b)) continue;
    parent[find_root(parent, cable.a)] = find_root(parent, cable.b);
  }
  const std::uint32_t home_edge = other_end(spec.cables[first_cable[first_host]], first_host);
  const std::uint32_t home = find_root(parent, home_edge);
  for (std::uint32_t n = 0; n < nodes; ++n) {
    if (!is_host(spec, n)) continue;
    const std::uint32_t edge = other_end(spec.cables[first_cable[n]], n);
    if (find_root(parent, edge) != home) {
      return GraphProblem{At::node, n,
                          "host " + quoted(spec, n) + " has no path to host " +
                              quoted(spec, first_host) + ": its switch " + quoted(spec, edge) +
                              " is not connected to " + quoted(spec, home_edge) + " over switches"};
    }
  }
  return std::nullopt;
}

TopologySize size_of(const GraphSpec& spec) {
  TopologySize size;
  const auto nodes = static_cast<std::uint32_t>(spec.nodes.size());
  size.links = 2 * std::uint64_t{spec.cables.size()};
  bool any_cable = false, any_host_cable = false;
  core::Time host_latency{};
  for (const GraphCable& cable : spec.cables) {
    size.slowest = any_cable ? std::min(size.slowest, cable.link.rate) : cable.link.rate;
    any_cable = true;
    if (cable.a >= nodes || cable.b >= nodes) continue;
    if (!is_host(spec, cable.a) && !is_host(spec, cable.b)) continue;
    size.host_link.rate =
        any_host_cable ? std::min(size.host_link.rate, cable.link.rate) : cable.link.rate;
    host_latency = any_host_cable ? std::max(host_latency, cable.link.latency) : cable.link.latency;
    any_host_cable = true;
  }
  size.host_link.latency = host_latency;
  for (std::uint32_t n = 0; n < nodes; ++n) size.hosts += is_host(spec, n) ? 1 : 0;
  size.switches = nodes - size.hosts;
  if (check_graph(spec)) return size;  // paths are only counted on a valid graph

  // Edge switches: those with hosts.
  const std::vector<std::uint32_t> host_cable = host_cables(spec);
  std::vector<bool> is_edge(nodes, false);
  for (std::uint32_t n = 0; n < nodes; ++n) {
    if (host_cable[n] != kNone) is_edge[other_end(spec.cables[host_cable[n]], n)] = true;
  }
  std::vector<std::uint32_t> edges;
  for (std::uint32_t n = 0; n < nodes; ++n) {
    if (is_edge[n]) edges.push_back(n);
  }
  size.edge_switches = edges.size();
  const std::vector<std::vector<Neighbour>> adj = switch_adjacency(spec);
  for (const std::uint32_t e : edges) {
    size.edge_uplinks = std::max(size.edge_uplinks, static_cast<std::uint32_t>(adj[e].size()));
  }

  // Every ordered pair of edge switches has a path (check_graph), so E^2 bounds the paths from
  // below: past the limit, that bound is the answer and nothing is searched. Counting also
  // stops once past the limit (the figure is then a lower bound, still past it).
  const std::uint64_t edge_pairs = std::uint64_t{edges.size()} * edges.size();
  if (edge_pairs > kMaxPaths) {
    size.paths = edge_pairs;
    return size;
  }
  // Per destination edge switch: BFS distances over switches, then in BFS order the number
  // of shortest paths from each switch (parallel cables distinct) and their largest latency.
  std::vector<std::uint32_t> dist(nodes), order;
  std::vector<std::uint64_t> count(nodes);
  std::vector<std::int64_t> latency(nodes);
  std::int64_t longest = 0;
  for (const std::uint32_t dst : edges) {
    if (size.paths > kMaxPaths) break;
    std::fill(dist.begin(), dist.end(), kNone);
    order.assign(1, dst);
    dist[dst] = 0;
    count[dst] = 1;
    latency[dst] = 0;
    for (std::size_t i = 0; i < order.size(); ++i) {
      const std::uint32_t v = order[i];
      if (v != dst) {
        count[v] = 0;
        latency[v] = 0;
        for (const Neighbour& next : adj[v]) {
          if (dist[next.node] + 1 != dist[v]) continue;
          count[v] = saturating_add(count[v], count[next.node]);
          latency[v] =
              std::max(latency[v], latency[next.node] + spec.cables[next.cable].link.latency.ps());
        }
      }
      for (const Neighbour& next : adj[v]) {
        if (dist[next.node] != kNone) continue;
        dist[next.node] = dist[v] + 1;
        order.push_back(next.node);
      }
    }
    for (const std::uint32_t src : edges) {
      if (dist[src] == kNone) continue;
      size.paths = saturating_add(size.paths, count[src]);
      size.pair_paths = static_cast<std::uint32_t>(std::max<std::uint64_t>(
          size.pair_paths, std::min<std::uint64_t>(count[src], UINT32_MAX)));
      longest = std::max(longest, latency[src]);
    }
  }
  size.longest_route = core::Time::ps(longest) + host_latency + host_latency;
  return size;
}

Fabric build_graph(const GraphSpec& spec) {
  if (const auto problem = check_graph(spec)) {
    std::string where;
    if (problem->at == GraphProblem::At::node)
      where = "node " + std::to_string(problem->index) + ": ";
    if (problem->at == GraphProblem::At::cable)
      where = "link " + std::to_string(problem->index) + ": ";
    throw std::invalid_argument("graph topology: " + where + problem->what);
  }
  const TopologySize size = size_of(spec);
  if (size.paths > kMaxPaths) {
    throw std::invalid_argument("graph topology: " + std::to_string(size.paths) +
                                " equal-cost paths, more than the limit of " +
                                std::to_string(kMaxPaths));
  }
  if (catalog_bytes(size) > kMaxCatalogBytes) {
    throw std::invalid_argument("graph topology: the path catalog would take " +
                                std::to_string(catalog_bytes(size)) +
                                " bytes (switches x edge switches entries), more than the limit "
                                "of " +
                                std::to_string(kMaxCatalogBytes));
  }
  const auto nodes = static_cast<std::uint32_t>(spec.nodes.size());
  const std::vector<std::uint32_t> host_cable = host_cables(spec);
  std::vector<bool> is_edge(nodes, false);
  for (std::uint32_t n = 0; n < nodes; ++n) {
    if (host_cable[n] != kNone) is_edge[other_end(spec.cables[host_cable[n]], n)] = true;
  }
  FabricBuilder builder;
  for (std::uint32_t n = 0; n < nodes; ++n)
    builder.add_node(spec.nodes[n].kind, spec.nodes[n].name, is_edge[n]);
  for (std::uint32_t n = 0; n < nodes; ++n) {
    if (host_cable[n] == kNone) continue;
    const GraphCable& cable = spec.cables[host_cable[n]];
    builder.attach_host(n, other_end(cable, n), cable.link);
  }
  for (const GraphCable& cable : spec.cables) {
    if (!is_host(spec, cable.a) && !is_host(spec, cable.b))
      builder.add_cable(cable.a, cable.b, cable.link);
  }
  return builder.finish();
}

void describe_tiers(const GraphSpec& spec, FabricStats& stats) {
  const auto nodes = static_cast<std::uint32_t>(spec.nodes.size());
  // Levels: hop distance from the nearest host over every cable.
  std::vector<std::uint32_t> level(nodes, kNone);
  std::vector<std::vector<Neighbour>> adj(nodes);
  for (std::uint32_t c = 0; c < spec.cables.size(); ++c) {
    adj[spec.cables[c].a].push_back({spec.cables[c].b, c});
    adj[spec.cables[c].b].push_back({spec.cables[c].a, c});
  }
  std::deque<std::uint32_t> queue;
  for (std::uint32_t n = 0; n < nodes; ++n) {
    if (is_host(spec, n)) level[n] = 0, queue.push_back(n);
  }
  std::uint32_t top = 0;
  while (!queue.empty()) {
    const std::uint32_t v = queue.front();
    queue.pop_front();
    top = std::max(top, level[v]);
    for (const Neighbour& next : adj[v]) {
      if (level[next.node] != kNone) continue;
      level[next.node] = level[v] + 1;
      queue.push_back(next.node);
    }
  }
  std::vector<core::uint128> up(nodes, 0), down(nodes, 0);
  for (const GraphCable& cable : spec.cables) {
    if (level[cable.a] == kNone || level[cable.b] == kNone) continue;
    const auto bps = static_cast<core::uint128>(cable.link.rate.bps());
    if (level[cable.a] + 1 == level[cable.b]) up[cable.a] += bps, down[cable.b] += bps;
    if (level[cable.b] + 1 == level[cable.a]) up[cable.b] += bps, down[cable.a] += bps;
  }

  std::uint32_t edges = 0;
  for (std::uint32_t n = 0; n < nodes; ++n) edges += (!is_host(spec, n) && level[n] == 1) ? 1 : 0;
  stats.description = "graph, " + std::to_string(nodes) + " nodes, " +
                      std::to_string(spec.cables.size()) + " cables, " + std::to_string(edges) +
                      " edge switches, " + std::to_string(top) + " switch level(s) above the hosts";

  // Oversubscription per switch kind, tiers ordered by their lowest level.
  struct Tier {
    std::uint32_t lowest = kNone;
    double worst = 0;
    bool any = false;
  };
  std::vector<std::pair<NodeKind, Tier>> tiers;
  for (const NodeKind kind : kKinds) {
    if (kind == NodeKind::host) continue;
    Tier tier;
    for (std::uint32_t n = 0; n < nodes; ++n) {
      if (spec.nodes[n].kind != kind || level[n] == kNone || up[n] == 0) continue;
      tier.lowest = std::min(tier.lowest, level[n]);
      tier.worst = std::max(tier.worst, static_cast<double>(down[n]) / static_cast<double>(up[n]));
      tier.any = true;
    }
    if (tier.any) tiers.emplace_back(kind, tier);
  }
  std::stable_sort(tiers.begin(), tiers.end(),
                   [](const auto& x, const auto& y) { return x.second.lowest < y.second.lowest; });
  stats.tiers.clear();
  for (const auto& [kind, tier] : tiers) stats.tiers.push_back({to_string(kind), tier.worst});

  // Bisection: the slower half of the host cables, and per level the uplinks of the half of
  // its switches (those with uplinks) that have the least.
  std::vector<core::uint128> host_rates;
  std::vector<std::vector<core::uint128>> uplinks_at(top + 1);
  for (const GraphCable& cable : spec.cables) {
    if (is_host(spec, cable.a) || is_host(spec, cable.b)) {
      host_rates.push_back(static_cast<core::uint128>(cable.link.rate.bps()));
    }
  }
  for (std::uint32_t n = 0; n < nodes; ++n) {
    if (!is_host(spec, n) && level[n] != kNone && up[n] > 0) uplinks_at[level[n]].push_back(up[n]);
  }
  const auto lower_half = [](std::vector<core::uint128> values) {
    std::sort(values.begin(), values.end());
    core::uint128 sum = 0;
    for (std::size_t i = 0; i < values.size() / 2; ++i) sum += values[i];
    return sum;
  };
  core::uint128 bisection = lower_half(host_rates);
  for (const auto& at_level : uplinks_at) {
    if (at_level.size() >= 2) bisection = std::min(bisection, lower_half(at_level));
  }
  stats.bisection = capped(bisection);
}

}  // namespace fabricsim::topo
