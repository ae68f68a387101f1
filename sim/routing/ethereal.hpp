#pragma once
#include "routing/policies.hpp"

namespace fabricsim::routing {

/// The Ethereal rule as a host runs it (the seed paper's artifact): each source host takes the
/// flows it starts toward one destination rack (edge switch) at once as a batch of n flows
/// over the s paths it believes alive. n - (n mod s) flows go whole, round-robin over the
/// paths; the n mod s others are cut into s / gcd(n mod s, s) equal pieces that continue the
/// round-robin, so every path gets the same number of pieces of each size. The round-robin
/// starts at an offset hashed on the host and the rack, so hosts do not all start on the same
/// path. No host sees another's batch: uplinks are balanced, downlinks only as the offsets
/// fall (compare `planned`, which plans the whole step). Unpinned and rerouted subflows are
/// hashed like ecmp.
class Ethereal : public Ecmp {
 public:
  explicit Ethereal(std::uint64_t salt) : Ecmp(salt), salt_(salt) {}
  void plan(std::span<const StepFlow> flows, const Router& router, StepPlan& out) const override;
  /// s / gcd(n mod s, s) is at most s, the candidates between two hosts.
  std::uint32_t most_subflows(std::uint32_t, std::uint32_t paths) const override { return paths; }

 private:
  std::uint64_t salt_;
};

}  // namespace fabricsim::routing
