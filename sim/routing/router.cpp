#include "routing/router.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

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

Candidates Router::candidates(std::uint32_t src_host, std::uint32_t dst_host,
                              std::uint32_t port) const {
  Candidates out;
  const auto add = [&](std::size_t pair) {
    if (listed_[pair] != 0) {
      out.add(std::span<const topo::PathId>(live_.at(pair)));
    } else {
      out.add(fabric_.catalog.range(pair));
    }
  };
  if (fabric_.ports == 1 || port != kAnyPort) {
    add(fabric_.pair_of_ports(src_host, dst_host, fabric_.ports == 1 ? 0 : port));
    return out;
  }
  std::array<std::size_t, topo::kMaxPorts> pairs{};
  const std::uint32_t n = fabric_.pairs_between_hosts(src_host, dst_host, pairs);
  for (std::uint32_t i = 0; i < n; ++i) add(pairs[i]);
  return out;
}

void Router::pin(std::uint32_t first_app_flow, std::span<const StepFlow> flows,
                 const StepPlan& plan) {
  if (first_app_flow + 1 != pin_first_.size())
    throw std::logic_error("Router::pin: steps pinned out of app-flow order");
  const std::span<const StepPlan::Piece> pieces = plan.pieces();
  std::size_t next = 0;
  for (std::uint32_t i = 0; i < flows.size(); ++i) {
    const StepFlow& f = flows[i];
    const std::string what = "routing plan of policy: workload flow " +
                             std::to_string(first_app_flow + i) + " (host " +
                             std::to_string(f.src_host) + " -> " + std::to_string(f.dst_host) + ")";
    std::int64_t bytes = 0;
    const std::size_t first = next;
    for (; next < pieces.size() && pieces[next].flow == i; ++next) {
      const StepPlan::Piece& piece = pieces[next];
      if (piece.bytes < 0) throw std::invalid_argument(what + " has a piece of negative bytes");
      bytes += piece.bytes;
      const std::uint32_t share_first = static_cast<std::uint32_t>(pin_shares_.size());
      for (const PathShare& share : plan.shares(piece)) {
        if (share.path >= fabric_.catalog.path_count() ||
            !fabric_.joins(f.src_host, f.dst_host, share.path)) {
          throw std::invalid_argument(what + " is pinned to path " + std::to_string(share.path) +
                                      ", which does not join its hosts");
        }
        pin_shares_.push_back(share);
      }
      pin_pieces_.emplace_back(share_first, piece.shares);
    }
    if (next == first) throw std::invalid_argument(what + " has no piece");
    if (bytes != f.bytes) {
      throw std::invalid_argument(what + " has pieces of " + std::to_string(bytes) +
                                  " bytes in all, not its " + std::to_string(f.bytes));
    }
    pin_first_.push_back(static_cast<std::uint32_t>(pin_pieces_.size()));
  }
  if (next != pieces.size())
    throw std::invalid_argument("routing plan of policy: pieces of flows the step does not have");
}

std::span<const PathShare> Router::pinned(const FlowKey& flow) const {
  if (flow.reverse || flow.app_flow + 1 >= pin_first_.size()) return {};
  const std::uint32_t piece = pin_first_[flow.app_flow] + flow.subflow;
  if (piece >= pin_first_[flow.app_flow + 1]) return {};
  const auto [first, count] = pin_pieces_[piece];
  return std::span<const PathShare>(pin_shares_).subspan(first, count);
}

bool Router::live(std::size_t pair, topo::PathId path) const {
  if (listed_[pair] == 0) return true;
  const std::vector<topo::PathId>& ids = live_.at(pair);
  return std::binary_search(ids.begin(), ids.end(), path);
}

bool Router::take_pins(const FlowKey& flow, std::span<const PathShare> pins, std::uint32_t port,
                       std::vector<PathShare>& out) const {
  out.clear();
  double total = 0;
  for (const PathShare& share : pins) {
    if (!live(fabric_.catalog.pair_of(share.path), share.path)) return false;
    if (port != kAnyPort && fabric_.ports > 1 &&
        fabric_.port_of(flow.src_host, share.path, true) != port)
      continue;
    out.push_back(share);
    total += share.fraction;
  }
  if (out.empty()) return false;
  if (out.size() < pins.size()) {
    for (PathShare& share : out) share.fraction /= total;
  }
  return true;
}

void Router::choose(const FlowKey& flow, std::vector<PathShare>& out, std::uint32_t port) const {
  const std::span<const PathShare> pins = pinned(flow);
  if (!pins.empty() && take_pins(flow, pins, port, out)) return;
  policy_.choose(flow, candidates(flow.src_host, flow.dst_host, port), out);
}

topo::PathId Router::choose_packet(const FlowKey& flow, core::Time now, core::Rng& rng,
                                   const PathOccupancy& occupancy, PacketRouteState& state,
                                   std::uint32_t port) const {
  const Candidates c = candidates(flow.src_host, flow.dst_host, port);
  if (c.size() == 1) return c[0];
  const topo::PathId path = policy_.choose_packet({flow, c, now, rng, occupancy}, state);
  if (log_ != nullptr) log_->packets.push_back({flow.app_flow, flow.subflow, path, flow.reverse});
  return path;
}

topo::PathId Router::choose_hop(const FlowKey& flow, topo::PathId path, topo::NodeId at,
                                core::Rng& rng, const PathOccupancy& occupancy,
                                PacketRouteState& state) const {
  const topo::PathCatalog& catalog = fabric_.catalog;
  if (!catalog.divisible()) return path;  // next hops lead to unequal path counts: keep it
  const std::size_t pair = fabric_.ports == 1 ? fabric_.pair_of_ports(flow.src_host, flow.dst_host)
                                              : catalog.pair_of(path);
  const std::span<const topo::LinkId> hops =
      catalog.next_hops(at, static_cast<std::uint32_t>(pair % fabric_.edge_count()));
  if (hops.size() < 2) return path;
  // A next hop is live when the path it gives is among the pair's live candidates.
  hop_links_.clear();
  hop_paths_.clear();
  for (std::uint32_t j = 0; j < hops.size(); ++j) {
    const topo::PathId p = catalog.with_next_hop(pair, path, at, j);
    if (!live(pair, p)) continue;
    hop_links_.push_back(hops[j]);
    hop_paths_.push_back(p);
  }
  if (hop_paths_.size() < 2) return hop_paths_.empty() ? path : hop_paths_[0];
  const std::uint32_t hop = policy_.choose_hop({flow, hop_links_, rng, occupancy, state});
  if (log_ != nullptr)
    log_->hops.push_back({flow.app_flow, flow.subflow, hop_links_[hop], flow.reverse});
  return hop_paths_[hop];
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
