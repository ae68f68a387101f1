#include "routing/policies.hpp"

#include <numeric>
#include <stdexcept>

#include "core/rng.hpp"
#include "routing/router.hpp"

namespace fabricsim::routing {
namespace {

/// Records `path` as the flow's latest packet's and returns it.
topo::PathId routed(PacketRouteState& state, topo::PathId path, core::Time now) {
  state.path = path;
  ++state.packets;
  state.last = now;
  return path;
}

topo::PathId draw(const PacketContext& context) {
  return context.candidates[context.rng.below(context.candidates.size())];
}

}  // namespace

void Policy::plan(std::span<const StepFlow> flows, const Router&, StepPlan& out) const {
  for (std::uint32_t i = 0; i < flows.size(); ++i) out.add(i, flows[i].bytes);
}

std::uint32_t Policy::most_subflows(std::uint32_t, std::uint32_t) const { return 1; }

topo::PathId Policy::choose_packet(const PacketContext&, PacketRouteState&) const {
  throw std::logic_error("this routing policy routes whole flows; choose() gives their path");
}

std::uint32_t Policy::choose_hop(const HopContext&) const { return 0; }

void Policy::on_feedback(const Feedback&, PacketRouteState&) const {}

std::uint32_t balancing_subflows(std::uint32_t r, std::uint32_t s) {
  if (r == 0 || s == 0) return 1;
  return s / std::gcd(r, s);
}

std::uint32_t hash_index(std::uint64_t salt, const FlowKey& flow, std::uint32_t count) {
  // The UDP ports a RoCE v2 NIC would put on the wire: one source port per workload flow's
  // queue pair, and the subflows told apart by their destination port (4791 + index); the
  // reverse direction swaps them.
  constexpr std::uint32_t kRoceV2Port = 4791;
  const std::uint64_t forward = (std::uint64_t{flow.app_flow} << 32) | (kRoceV2Port + flow.subflow);
  const std::uint64_t backward = (std::uint64_t{kRoceV2Port + flow.subflow} << 32) | flow.app_flow;
  const std::uint64_t hosts = (std::uint64_t{flow.src_host} << 32) | flow.dst_host;
  const std::uint64_t ports = flow.reverse ? backward : forward;
  const std::uint64_t h = core::mix64(salt ^ core::mix64(hosts) ^ core::mix64(~ports));
  // Multiply-shift maps the hash onto [0, count) without the bias of a modulo by small n.
  return static_cast<std::uint32_t>((static_cast<core::uint128>(h) * count) >> 64);
}

void Ecmp::choose(const FlowKey& flow, Candidates candidates, std::vector<PathShare>& out) const {
  out.assign(1, PathShare{hashed(flow, candidates), 1.0});
}

void EvenSpread::choose(const FlowKey&, Candidates candidates, std::vector<PathShare>& out) const {
  out.clear();
  const double share = 1.0 / static_cast<double>(candidates.size());
  for (const topo::PathId p : candidates) out.push_back(PathShare{p, share});
}

topo::PathId Spray::choose_packet(const PacketContext& context, PacketRouteState& state) const {
  return routed(state, draw(context), context.now);
}

topo::PathId SprayRoundRobin::choose_packet(const PacketContext& context,
                                            PacketRouteState& state) const {
  const auto n = static_cast<std::uint32_t>(context.candidates.size());
  const std::uint32_t offset = hash_index(salt_, context.flow, n);
  const auto index = static_cast<std::uint32_t>((std::uint64_t{offset} + state.packets) % n);
  return routed(state, context.candidates[index], context.now);
}

topo::PathId Adaptive::choose_packet(const PacketContext& context, PacketRouteState& state) const {
  const Candidates c = context.candidates;
  const std::uint64_t i = context.rng.below(c.size());
  const topo::PathId first = c[i];
  if (c.size() == 1) return routed(state, first, context.now);
  // The second draw is uniform over the other n - 1 candidates.
  std::uint64_t j = context.rng.below(c.size() - 1);
  if (j >= i) ++j;
  const topo::PathId second = c[j];
  const bool take_second =
      context.occupancy.queued_bytes(second) < context.occupancy.queued_bytes(first);
  return routed(state, take_second ? second : first, context.now);
}

topo::PathId AdaptiveHop::choose_packet(const PacketContext& context,
                                        PacketRouteState& state) const {
  return routed(state, draw(context), context.now);
}

std::uint32_t AdaptiveHop::choose_hop(const HopContext& context) const {
  // Among the least backlogged next hops, the k-th of them, k drawn uniformly.
  std::int64_t least = INT64_MAX;
  std::uint32_t ties = 0;
  for (const topo::LinkId l : context.next_hops) {
    const std::int64_t queued = context.occupancy.link_queued_bytes(l);
    if (queued < least) {
      least = queued;
      ties = 1;
    } else if (queued == least) {
      ++ties;
    }
  }
  std::uint64_t k = ties > 1 ? context.rng.below(ties) : 0;
  for (std::uint32_t i = 0; i < context.next_hops.size(); ++i) {
    if (context.occupancy.link_queued_bytes(context.next_hops[i]) == least && k-- == 0) return i;
  }
  return 0;
}

topo::PathId Flowlet::choose_packet(const PacketContext& context, PacketRouteState& state) const {
  topo::PathId path = state.path;
  if (state.packets == 0) {
    path = hashed(context.flow, context.candidates);
  } else if (context.now - state.last > gap_) {
    path = draw(context);
  }
  return routed(state, path, context.now);
}

void Split::plan(std::span<const StepFlow> flows, const Router& router, StepPlan& out) const {
  const topo::Fabric& fabric = router.fabric();
  // r of the splitting rule: this step's flows leaving each edge switch for another (on a
  // multi-port fabric, the edge switches of port 0).
  const auto edge_of = [&](std::uint32_t host) { return fabric.host_edge[fabric.port(host, 0)]; };
  std::vector<std::uint32_t> leaving(fabric.edge_count(), 0);
  for (const StepFlow& f : flows) {
    if (edge_of(f.src_host) != edge_of(f.dst_host)) ++leaving[edge_of(f.src_host)];
  }
  for (std::uint32_t i = 0; i < flows.size(); ++i) {
    const StepFlow& f = flows[i];
    const std::uint32_t edge = edge_of(f.src_host);
    const std::uint32_t k =
        edge == edge_of(f.dst_host)
            ? 1
            : (subflows_ != 0 ? subflows_
                              : balancing_subflows(leaving[edge], router.uplinks(edge)));
    out.add_even(i, f.bytes, k);
  }
}

std::uint32_t Split::most_subflows(std::uint32_t uplinks, std::uint32_t) const {
  return subflows_ != 0 ? subflows_ : uplinks;  // auto's s / gcd(r, s) is largest at r = 1
}

}  // namespace fabricsim::routing
