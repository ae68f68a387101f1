#include "topo/topology.hpp"

#include <algorithm>
#include <map>

namespace fabricsim::topo {
namespace {
template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;  // clang 14 does not deduce aggregates of lambdas
}  // namespace

const char* kind_name(const TopologySpec& spec) {
  return std::visit(
      Overloaded{[](const LeafSpineSpec&) { return "leaf_spine"; },
                 [](const FatTreeSpec&) { return "fat_tree"; },
                 [](const RailSpec&) { return "rail"; }, [](const GraphSpec&) { return "graph"; }},
      spec);
}

TopologySize size_of(const TopologySpec& spec) {
  return std::visit([](const auto& s) { return size_of(s); }, spec);
}

Fabric build_fabric(const TopologySpec& spec) {
  return std::visit(Overloaded{[](const LeafSpineSpec& s) { return build_leaf_spine(s); },
                               [](const FatTreeSpec& s) { return build_fat_tree(s); },
                               [](const RailSpec& s) { return build_rail(s); },
                               [](const GraphSpec& s) { return build_graph(s); }},
                    spec);
}

FabricStats describe(const TopologySpec& spec, const Fabric& fabric) {
  FabricStats stats;
  stats.hosts = fabric.host_count();
  stats.switches = static_cast<std::uint32_t>(fabric.nodes.size()) - stats.hosts;
  stats.links = static_cast<std::uint32_t>(fabric.links.size());
  std::map<NodeKind, std::uint32_t> by_kind;
  for (const Node& n : fabric.nodes) ++by_kind[n.kind];
  for (const auto& [kind, count] : by_kind)
    stats.nodes_by_kind.emplace_back(to_string(kind), count);
  const std::uint32_t edges = fabric.edge_count();
  bool any_pair = false;
  for (std::uint32_t a = 0; a < edges; ++a) {
    for (std::uint32_t b = 0; b < edges; ++b) {
      if (a == b) continue;
      const std::size_t pair = std::size_t{a} * edges + b;
      const std::uint32_t count = fabric.catalog.range(pair).count;
      if (count == 0) continue;  // edge switches of two planes
      stats.min_paths = any_pair ? std::min(stats.min_paths, count) : count;
      stats.max_paths = any_pair ? std::max(stats.max_paths, count) : count;
      any_pair = true;
    }
  }
  std::visit([&](const auto& s) { describe_tiers(s, stats); }, spec);
  if (!stats.tiers.empty()) stats.oversubscription = stats.tiers.front().oversubscription;
  return stats;
}

}  // namespace fabricsim::topo
