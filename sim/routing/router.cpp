#include "routing/router.hpp"

#include <algorithm>

namespace fabricsim::routing {

Router::Router(const topo::Fabric& fabric, const Policy& policy)
    : fabric_(fabric),
      policy_(policy),
      down_(fabric.links.size(), 0),
      listed_(fabric.catalog.pair_count(), 0),
      changed_(fabric.catalog.pair_count(), 0) {
  for (std::uint32_t e = 0; e < fabric.edge_count(); ++e)
    uplinks_.push_back(fabric.uplink_count(e));
}

Candidates Router::candidates(std::uint32_t src_host, std::uint32_t dst_host) const {
  Candidates out;
  const auto add = [&](std::size_t pair) {
    if (listed_[pair] != 0) {
      out.add(std::span<const topo::PathId>(live_.at(pair)));
    } else {
      out.add(fabric_.catalog.range(pair));
    }
  };
  if (fabric_.ports == 1) {
    add(fabric_.pair_of_ports(src_host, dst_host));
    return out;
  }
  std::array<std::size_t, topo::kMaxPorts> pairs{};
  const std::uint32_t n = fabric_.pairs_between_hosts(src_host, dst_host, pairs);
  for (std::uint32_t i = 0; i < n; ++i) add(pairs[i]);
  return out;
}

void Router::choose(const FlowKey& flow, std::vector<PathShare>& out) const {
  policy_.choose(flow, candidates(flow.src_host, flow.dst_host), out);
}

topo::PathId Router::choose_packet(const FlowKey& flow, core::Time now, core::Rng& rng,
                                   const PathOccupancy& occupancy, PacketRouteState& state) const {
  const Candidates c = candidates(flow.src_host, flow.dst_host);
  if (c.size() == 1) return c[0];
  return policy_.choose_packet({flow, c, now, rng, occupancy}, state);
}

bool Router::believe(std::span<const topo::LinkId> links, bool up) {
  std::vector<topo::LinkId> flipped;
  for (const topo::LinkId l : links) {
    if ((down_[l] == 0) == up) continue;  // routing knew already
    down_[l] = up ? 0 : 1;
    flipped.push_back(l);
  }
  const topo::PathCatalog& catalog = fabric_.catalog;
  bool any = false;
  for (std::size_t pair = 0; pair < changed_.size(); ++pair) {
    const bool crosses = std::any_of(flipped.begin(), flipped.end(), [&](topo::LinkId l) {
      return catalog.crosses(pair, l, fabric_.links[l].src);
    });
    changed_[pair] = crosses ? 1 : 0;
    if (!crosses) continue;
    any = true;
    // The pair's live paths; none live, or all of them: the pair keeps its whole range.
    const topo::PathRange range = catalog.range(pair);
    std::vector<topo::PathId> live;
    for (topo::PathId p = range.first; p < range.first + range.count; ++p) {
      const topo::PathLinks path = catalog.links(pair, p);
      if (std::none_of(path.begin(), path.end(), [&](topo::LinkId l) { return down_[l] != 0; }))
        live.push_back(p);
    }
    const bool listed = !live.empty() && live.size() < range.count;
    listed_[pair] = listed ? 1 : 0;
    if (listed) {
      live_[pair] = std::move(live);
    } else {
      live_.erase(pair);
    }
  }
  return any;
}

bool Router::changed(std::uint32_t src_host, std::uint32_t dst_host) const {
  std::array<std::size_t, topo::kMaxPorts> pairs{};
  const std::uint32_t n = fabric_.pairs_between_hosts(src_host, dst_host, pairs);
  return std::any_of(pairs.begin(), pairs.begin() + n,
                     [&](std::size_t pair) { return changed_[pair] != 0; });
}

}  // namespace fabricsim::routing
