#pragma once
#include "routing/policy.hpp"

namespace fabricsim::routing {

/// Per-flow hashing: the 5-tuple, mixed with a seeded salt, picks one candidate path.
class Ecmp : public Policy {
 public:
  explicit Ecmp(std::uint64_t salt) : salt_(salt) {}
  void choose(const FlowTuple& flow, topo::PathRange candidates,
              std::vector<PathShare>& out) const override;

 private:
  std::uint64_t salt_;
};

/// Per-packet spraying: each packet takes a uniformly drawn path; in the fluid limit the flow
/// spreads evenly over all paths.
class Spray : public Policy {
 public:
  bool spreads_evenly() const override { return true; }
  bool per_packet() const override { return true; }
  topo::PathId choose_packet(const PacketContext& context, PacketRouteState& state) const override;
  void choose(const FlowTuple& flow, topo::PathRange candidates,
              std::vector<PathShare>& out) const override;
};

/// Singlepath transport with application-level splitting: each flow becomes k equal
/// subflows (k fixed, or s / gcd(r, s) when k = 0), each hashed on its own 5-tuple.
class Split : public Ecmp {
 public:
  Split(std::uint64_t salt, std::uint32_t subflows) : Ecmp(salt), subflows_(subflows) {}
  std::uint32_t subflows(const SplitContext& context) const override;

 private:
  std::uint32_t subflows_;
};

}  // namespace fabricsim::routing
