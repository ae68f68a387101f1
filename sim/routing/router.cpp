#include "routing/router.hpp"

#include <algorithm>
#include <numeric>

namespace fabricsim::routing {

Router::Router(const topo::Fabric& fabric, const Policy& policy)
    : fabric_(fabric),
      policy_(policy),
      ids_(fabric.path_offset.empty() ? 0 : fabric.path_offset.size() - 1),
      down_(fabric.links.size(), 0),
      changed_(fabric.pair_offset.empty() ? 0 : fabric.pair_offset.size() - 1, 0) {
  std::iota(ids_.begin(), ids_.end(), topo::PathId{0});
  for (std::uint32_t e = 0; e < fabric.edge_count(); ++e)
    uplinks_.push_back(fabric.uplink_count(e));
}

std::size_t Router::pair_of(std::uint32_t src_host, std::uint32_t dst_host) const {
  return std::size_t{fabric_.host_edge[src_host]} * fabric_.edge_count() +
         fabric_.host_edge[dst_host];
}

std::span<const topo::PathId> Router::candidates(std::uint32_t src_host,
                                                 std::uint32_t dst_host) const {
  const std::size_t pair = pair_of(src_host, dst_host);
  if (down_count_ > 0 && live_offset_[pair + 1] > live_offset_[pair]) {
    return std::span<const topo::PathId>(live_).subspan(
        live_offset_[pair], live_offset_[pair + 1] - live_offset_[pair]);
  }
  return std::span<const topo::PathId>(ids_).subspan(
      fabric_.pair_offset[pair], fabric_.pair_offset[pair + 1] - fabric_.pair_offset[pair]);
}

void Router::choose(const FlowKey& flow, std::vector<PathShare>& out) const {
  policy_.choose(flow, candidates(flow.src_host, flow.dst_host), out);
}

topo::PathId Router::choose_packet(const FlowKey& flow, core::Time now, core::Rng& rng,
                                   const PathOccupancy& occupancy, PacketRouteState& state) const {
  const std::span<const topo::PathId> c = candidates(flow.src_host, flow.dst_host);
  if (c.size() == 1) return c[0];
  return policy_.choose_packet({flow, c, now, rng, occupancy}, state);
}

bool Router::believe(std::span<const topo::LinkId> links, bool up) {
  std::vector<std::uint8_t> flipped(down_.size(), 0);
  for (const topo::LinkId l : links) {
    if ((down_[l] == 0) == up) continue;  // routing knew already
    flipped[l] = 1;
    down_[l] = up ? 0 : 1;
    down_count_ = up ? down_count_ - 1 : down_count_ + 1;
  }
  const auto live = [&](topo::PathId p) {
    const std::span<const topo::LinkId> path = fabric_.path(p);
    return std::none_of(path.begin(), path.end(), [&](topo::LinkId l) { return down_[l] != 0; });
  };
  const std::size_t pairs = changed_.size();
  std::vector<std::uint32_t> offset(pairs + 1, 0);
  std::vector<topo::PathId> paths;
  bool any = false;
  for (std::size_t pair = 0; pair < pairs; ++pair) {
    bool crosses = false;
    for (topo::PathId p = fabric_.pair_offset[pair]; p < fabric_.pair_offset[pair + 1]; ++p) {
      const std::span<const topo::LinkId> path = fabric_.path(p);
      crosses = crosses || std::any_of(path.begin(), path.end(),
                                       [&](topo::LinkId l) { return flipped[l] != 0; });
      if (live(p)) paths.push_back(p);
    }
    offset[pair + 1] = static_cast<std::uint32_t>(paths.size());
    changed_[pair] = crosses ? 1 : 0;
    any = any || crosses;
  }
  live_offset_ = std::move(offset);
  live_ = std::move(paths);
  return any;
}

bool Router::changed(std::uint32_t src_host, std::uint32_t dst_host) const {
  return changed_[pair_of(src_host, dst_host)] != 0;
}

}  // namespace fabricsim::routing
