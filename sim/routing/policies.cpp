#include "routing/policies.hpp"

#include <numeric>
#include <stdexcept>

#include "core/rng.hpp"

namespace fabricsim::routing {

std::uint32_t Policy::subflows(const SplitContext&) const { return 1; }

topo::PathId Policy::choose_packet(const PacketContext& context, PacketRouteState& state) const {
  (void)context;
  (void)state;
  throw std::logic_error("this routing policy routes whole flows; choose() gives their path");
}

std::uint32_t balancing_subflows(std::uint32_t r, std::uint32_t s) {
  if (r == 0 || s == 0) return 1;
  return s / std::gcd(r, s);
}

void Ecmp::choose(const FlowTuple& flow, topo::PathRange candidates,
                  std::vector<PathShare>& out) const {
  const std::uint64_t hosts = (std::uint64_t{flow.src_host} << 32) | flow.dst_host;
  const std::uint64_t ports = (std::uint64_t{flow.src_port} << 32) | flow.dst_port;
  const std::uint64_t h = core::mix64(salt_ ^ core::mix64(hosts) ^ core::mix64(~ports));
  // Multiply-shift maps the hash onto [0, count) without the bias of a modulo by small n.
  const auto index = static_cast<std::uint32_t>(
      (static_cast<core::uint128>(h) * candidates.count) >> 64);
  out.assign(1, PathShare{candidates.first + index, 1.0});
}

void Spray::choose(const FlowTuple&, topo::PathRange candidates,
                   std::vector<PathShare>& out) const {
  out.clear();
  const double share = 1.0 / candidates.count;
  for (std::uint32_t i = 0; i < candidates.count; ++i) {
    out.push_back(PathShare{candidates.first + i, share});
  }
}

topo::PathId Spray::choose_packet(const PacketContext& context, PacketRouteState& state) const {
  state.path = context.candidates.first +
               static_cast<topo::PathId>(context.rng.below(context.candidates.count));
  ++state.packets;
  state.last = context.now;
  return state.path;
}

std::uint32_t Split::subflows(const SplitContext& context) const {
  return subflows_ != 0 ? subflows_ : balancing_subflows(context.flows_from_leaf, context.uplinks);
}

}  // namespace fabricsim::routing
