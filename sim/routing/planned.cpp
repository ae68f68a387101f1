#include "routing/planned.hpp"

#include <algorithm>
#include <array>
#include <map>

#include "routing/planned_step.hpp"

namespace fabricsim::routing {
namespace planned {

std::vector<Commodity> group_flows(std::span<const StepFlow> flows, const Router& router,
                                   const PlannerOptions& options) {
  const topo::Fabric& fabric = router.fabric();
  const topo::PathCatalog& catalog = fabric.catalog;
  // A commodity is keyed by the edge pairs joining its hosts (one per plane); pairs with one
  // candidate (hosts under one edge switch) make none.
  using Key = std::array<std::size_t, topo::kMaxPorts>;
  std::map<Key, std::uint32_t> index;
  std::vector<Commodity> out;
  constexpr std::uint32_t kSingle = 0xffffffffu;
  for (std::uint32_t i = 0; i < flows.size(); ++i) {
    const StepFlow& f = flows[i];
    Key key{};
    key.fill(SIZE_MAX);
    const std::uint32_t n = fabric.pairs_between_hosts(f.src_host, f.dst_host, key);
    const auto [it, fresh] = index.try_emplace(key, kSingle);
    if (fresh) {
      const Candidates candidates = router.candidates(f.src_host, f.dst_host);
      if (candidates.size() < 2 || n == 0) continue;
      Commodity c;
      for (const topo::PathId p : candidates) {
        const std::size_t pair = catalog.pair_of(p);
        const auto plane =
            static_cast<std::uint32_t>(std::find(key.begin(), key.end(), pair) - key.begin());
        c.paths.push_back(p);
        c.colours.push_back((plane << 24) | (p - catalog.range(pair).first));
      }
      c.src_edge = static_cast<std::uint32_t>(key[0] / fabric.edge_count());
      c.dst_edge = static_cast<std::uint32_t>(key[0] % fabric.edge_count());
      c.max_pieces = options.max_pieces != 0 ? options.max_pieces : router.uplinks(c.src_edge);
      it->second = static_cast<std::uint32_t>(out.size());
      out.push_back(std::move(c));
    }
    if (it->second == kSingle) continue;
    Commodity& c = out[it->second];
    c.flows.push_back(i);
    c.bytes += f.bytes;
  }
  return out;
}

std::vector<double> spray_bytes(std::span<const Commodity> commodities,
                                const topo::Fabric& fabric) {
  std::vector<double> bytes(fabric.links.size(), 0.0);
  for (const Commodity& c : commodities) {
    const double each = static_cast<double>(c.bytes) / static_cast<double>(c.paths.size());
    for (const topo::PathId p : c.paths) {
      for (const topo::LinkId l : fabric.path(p)) bytes[l] += each;
    }
  }
  return bytes;
}

std::vector<double> cut_bytes(std::span<const Cut> cuts, const topo::Fabric& fabric) {
  std::vector<double> bytes(fabric.links.size(), 0.0);
  for (const Cut& cut : cuts) {
    for (const topo::LinkId l : fabric.path(cut.path)) bytes[l] += static_cast<double>(cut.bytes);
  }
  return bytes;
}

double max_load(std::span<const double> bytes, const topo::Fabric& fabric) {
  double most = 0;
  for (topo::LinkId l = 0; l < bytes.size(); ++l)
    most = std::max(most, bytes[l] * seconds_per_byte(fabric, l));
  return most;
}

}  // namespace planned

PlanReport plan_step(std::span<const StepFlow> flows, const Router& router,
                     const PlannerOptions& options, StepPlan& out) {
  const topo::Fabric& fabric = router.fabric();
  const std::vector<planned::Commodity> commodities = planned::group_flows(flows, router, options);
  PlanReport report;
  const std::vector<double> spray = planned::spray_bytes(commodities, fabric);
  report.spray_max = planned::max_load(spray, fabric);
  std::vector<planned::Cut> cuts;
  std::vector<double> bytes;
  report.exact = planned::plan_exact(commodities, flows, fabric, spray, cuts, bytes);
  if (!report.exact) {
    planned::plan_balanced(commodities, flows, fabric, options, cuts, report);
    bytes = planned::cut_bytes(cuts, fabric);
  }
  report.max_load = planned::max_load(bytes, fabric);

  // Pieces go out in flow order; a flow without cuts (one candidate) is one unpinned piece.
  std::stable_sort(cuts.begin(), cuts.end(),
                   [](const planned::Cut& a, const planned::Cut& b) { return a.flow < b.flow; });
  std::size_t next = 0;
  for (std::uint32_t i = 0; i < flows.size(); ++i) {
    const std::size_t first = next;
    while (next < cuts.size() && cuts[next].flow == i) {
      out.add(i, cuts[next].bytes, cuts[next].path);
      ++next;
    }
    if (next == first) out.add(i, flows[i].bytes);
    report.most_pieces = std::max(
        report.most_pieces, static_cast<std::uint32_t>(std::max<std::size_t>(next - first, 1)));
  }
  report.pieces = out.pieces().size();
  return report;
}

void Planned::plan(std::span<const StepFlow> flows, const Router& router, StepPlan& out) const {
  plan_step(flows, router, options_, out);
}

std::uint32_t Planned::most_subflows(std::uint32_t uplinks, std::uint32_t) const {
  return options_.max_pieces != 0 ? options_.max_pieces : uplinks;
}

}  // namespace fabricsim::routing
