#pragma once
// Building blocks of the MoE generator: expert popularity, expert placement on GPUs, and the
// per-layer accounting from routed tokens to per-GPU token counts.
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "core/rng.hpp"
#include "traffic/moe.hpp"

namespace fabricsim::traffic {

inline constexpr std::uint32_t kNoReplica = std::numeric_limits<std::uint32_t>::max();

/// Relative popularity of each expert for one draw of `load` (sums to 1). With `shuffle` the
/// ranking is a fresh random permutation (which experts are hot); lognormal weights are drawn
/// from `rng` on every call.
std::vector<double> expert_weights(const LoadSpec& load, std::uint32_t experts, bool shuffle,
                                   core::Rng& rng);

/// Where each expert lives: its home GPU (group rank) and an optional replica GPU.
struct ExpertMap {
  std::vector<std::uint32_t> home;
  std::vector<std::uint32_t> replica;  // kNoReplica when the expert has none

  std::uint32_t instances(std::uint32_t e) const { return replica[e] == kNoReplica ? 1 : 2; }
};

/// Places `expected.size()` experts on `gpus` GPUs (see ExpertPlacement), then gives the
/// `replicas` most loaded experts a copy on the least-loaded GPU that lacks one (0: none).
/// Throws std::invalid_argument on a listed placement that does not fit.
ExpertMap map_experts(const ExpertPlacement& placement, std::span<const double> expected,
                      std::uint32_t gpus, std::uint32_t replicas);

/// Draws experts with probability proportional to fixed weights (cumulative table, binary
/// search: O(log E) per draw, no allocation per draw).
class ExpertSampler {
 public:
  explicit ExpertSampler(std::span<const double> weights);
  /// One expert.
  std::uint32_t draw(core::Rng& rng) const;
  /// Appends experts to `chosen` until it holds `top_k` distinct ones.
  void fill(std::uint32_t top_k, core::Rng& rng, std::vector<std::uint32_t>& chosen) const;
  bool empty() const { return cumulative_.empty() || cumulative_.back() <= 0; }

 private:
  std::vector<double> cumulative_;
};

/// The routing of one layer token by token: token t starts on GPU source[t] (group rank)
/// and goes to the top_k distinct experts experts[t x top_k .. (t + 1) x top_k).
struct TokenExperts {
  std::uint32_t top_k = 0;
  std::vector<std::uint32_t> source;   // [tokens]
  std::vector<std::uint32_t> experts;  // [tokens x top_k]

  std::size_t tokens() const { return source.size(); }
};

/// Tokens each source GPU routes to each expert ([gpus x experts]).
std::vector<std::int64_t> routed_counts(const TokenExperts& tokens, std::uint32_t gpus,
                                        std::uint32_t experts);

/// One MoE layer of one iteration, from routing to the network: `routed` holds the tokens
/// each source GPU routes to each expert ([gpus x experts]); capacity drops the overflow,
/// the rest is split over the expert's instances. pair_tokens counts one copy per (token,
/// expert); given `tokens` (the same routing, token by token: dispatch per_gpu) it counts one
/// copy per (token, destination GPU). Which copies a GPU keeps is then per token: of the
/// tokens a source sends an expert, the first ones in token order are kept, and a replicated
/// expert's kept tokens alternate home, replica, home, ... (the totals per_expert gives).
struct LayerTraffic {
  std::vector<std::int64_t> pair_tokens;  // [src gpu x dst gpu]: token copies sent (kept ones)
  ExpertLoad load;                        // per expert routed, per GPU processed, dropped
};
LayerTraffic layer_traffic(std::span<const std::int64_t> routed, std::uint32_t gpus,
                           const ExpertMap& map, double capacity_factor,
                           const TokenExperts* tokens = nullptr);

/// Tokens an expert with `instances` copies may process when `routed` tokens are routed in
/// the layer over `experts` experts: floor(routed / experts x factor) per copy; factor 0 means
/// no limit.
std::int64_t expert_capacity(std::int64_t routed, std::uint32_t experts, double factor,
                             std::uint32_t instances);

}  // namespace fabricsim::traffic
