#pragma once
#include "routing/policy.hpp"

namespace fabricsim::routing {

/// The ECMP hash: the 5-tuple, mixed with `salt`, mapped onto [0, count); count > 0.
std::uint32_t hash_index(std::uint64_t salt, const FlowKey& flow, std::uint32_t count);

/// Per-flow hashing: the 5-tuple, mixed with a seeded salt, picks one candidate path.
class Ecmp : public Policy {
 public:
  explicit Ecmp(std::uint64_t salt) : salt_(salt) {}
  void choose(const FlowKey& flow, Candidates candidates,
              std::vector<PathShare>& out) const override;
  /// The candidate the hash picks for `flow`.
  topo::PathId hashed(const FlowKey& flow, Candidates candidates) const {
    return candidates[hash_index(salt_, flow, static_cast<std::uint32_t>(candidates.size()))];
  }

 private:
  std::uint64_t salt_;
};

/// Base of the per-packet policies that load every path alike in the long run: in the fluid
/// limit the flow spreads evenly over all its candidates.
class EvenSpread : public Policy {
 public:
  bool spreads_evenly() const override { return true; }
  bool per_packet() const override { return true; }
  void choose(const FlowKey& flow, Candidates candidates,
              std::vector<PathShare>& out) const override;
};

/// Random per-packet spraying: each packet takes a uniformly drawn candidate.
class Spray : public EvenSpread {
 public:
  topo::PathId choose_packet(const PacketContext& context, PacketRouteState& state) const override;
};

/// Round-robin spraying: packet k of a flow takes candidate (offset + k) mod n, the offset
/// being the flow's ECMP hash, so flows do not all start on the same path.
class SprayRoundRobin : public EvenSpread {
 public:
  explicit SprayRoundRobin(std::uint64_t salt) : salt_(salt) {}
  topo::PathId choose_packet(const PacketContext& context, PacketRouteState& state) const override;

 private:
  std::uint64_t salt_;
};

/// Power of two choices: of two distinct random candidates, the one whose first hop has
/// fewer queued bytes (the first drawn on a tie).
class Adaptive : public EvenSpread {
 public:
  topo::PathId choose_packet(const PacketContext& context, PacketRouteState& state) const override;
};

/// Per-hop adaptive routing, as switches do it (InfiniBand, Slingshot): every switch sends
/// the packet out of its least backlogged live next hop toward the destination (a random one
/// among equals), so the decision is taken at every tier, not only at the first switch.
/// Packets start on a random candidate. In the fluid limit the flow spreads evenly.
class AdaptiveHop : public EvenSpread {
 public:
  bool per_hop() const override { return true; }
  topo::PathId choose_packet(const PacketContext& context, PacketRouteState& state) const override;
  std::uint32_t choose_hop(const HopContext& context) const override;
};

/// Flowlet switching: a flow keeps its path until it has been idle for more than `gap`, then
/// the next packet draws a random candidate. Its first packet takes the ECMP path. A fluid
/// flow never idles, so in the flow model the whole flow stays on that hashed path.
class Flowlet : public Ecmp {
 public:
  Flowlet(std::uint64_t salt, core::Time gap) : Ecmp(salt), gap_(gap) {}
  bool per_packet() const override { return true; }
  topo::PathId choose_packet(const PacketContext& context, PacketRouteState& state) const override;

 private:
  core::Time gap_;
};

/// Singlepath transport with application-level splitting: each flow becomes k equal
/// subflows (k fixed, or s / gcd(r, s) when k = 0), each hashed on its own 5-tuple.
class Split : public Ecmp {
 public:
  Split(std::uint64_t salt, std::uint32_t subflows) : Ecmp(salt), subflows_(subflows) {}
  /// k for every flow between two edge switches, or s / gcd(r, s) with r the step's flows
  /// leaving the source edge for another and s that edge's uplinks; 1 within an edge switch.
  void plan(std::span<const StepFlow> flows, const Router& router, StepPlan& out) const override;
  std::uint32_t most_subflows(std::uint32_t uplinks, std::uint32_t paths) const override;

 private:
  std::uint32_t subflows_;
};

}  // namespace fabricsim::routing
