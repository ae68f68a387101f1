#include "traffic/moe.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace fabricsim::traffic {
namespace {

/// Draws experts for tokens from fixed popularity weights, top_k distinct per token.
class ExpertSampler {
 public:
  ExpertSampler(const SkewSpec& skew, std::uint32_t experts) : cumulative_(experts) {
    double total = 0;
    for (std::uint32_t e = 0; e < experts; ++e) {
      total += skew.dist == SkewSpec::Dist::zipf ? std::pow(e + 1.0, -skew.s) : 1.0;
      cumulative_[e] = total;
    }
  }

  /// Appends top_k distinct experts to `chosen` (cleared first).
  void draw(std::uint32_t top_k, core::Rng& rng, std::vector<std::uint32_t>& chosen) const {
    chosen.clear();
    while (chosen.size() < top_k) {
      const std::uint32_t e = draw_one(rng);
      if (std::find(chosen.begin(), chosen.end(), e) == chosen.end()) chosen.push_back(e);
    }
  }

 private:
  std::uint32_t draw_one(core::Rng& rng) const {
    const double u = rng.uniform() * cumulative_.back();
    const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), u);
    return static_cast<std::uint32_t>(std::min<std::ptrdiff_t>(
        it - cumulative_.begin(), static_cast<std::ptrdiff_t>(cumulative_.size()) - 1));
  }
  std::vector<double> cumulative_;
};

/// Dispatch (token -> expert's GPU) then combine (back), one MoE layer.
}  // namespace

const char* kind_name(const MoeSpec&) { return "moe"; }

void add_moe(const MoeSpec& spec, std::span<const std::uint32_t> group, std::uint32_t workload,
             core::Rng& rng, const Context&, Workload& out) {
  const auto gpus = static_cast<std::uint32_t>(group.size());
  if (gpus < 2) throw std::invalid_argument("moe needs at least 2 GPUs");
  if (spec.top_k == 0 || spec.top_k > spec.experts) {
    throw std::invalid_argument("moe top_k must be in 1..experts");
  }
  const ExpertSampler sampler(spec.skew, spec.experts);
  std::vector<std::int64_t> expert_tokens(spec.experts, 0);
  std::vector<std::int64_t> pair_tokens(static_cast<std::size_t>(gpus) * gpus, 0);
  std::vector<std::uint32_t> chosen;
  for (std::uint32_t src = 0; src < gpus; ++src) {
    for (std::uint32_t t = 0; t < spec.tokens_per_gpu; ++t) {
      sampler.draw(spec.top_k, rng, chosen);
      for (const std::uint32_t e : chosen) {
        ++expert_tokens[e];
        ++pair_tokens[static_cast<std::size_t>(src) * gpus + e % gpus];
      }
    }
  }
  const std::int64_t bytes_per_token = std::int64_t{spec.hidden} * spec.bytes_per_element;
  Step dispatch{.workload = workload, .kind = "dispatch", .layer = 0, .delay = spec.start};
  Step combine{.workload = workload, .kind = "combine", .layer = 0};
  for (std::uint32_t src = 0; src < gpus; ++src) {
    for (std::uint32_t dst = 0; dst < gpus; ++dst) {
      const std::int64_t tokens = pair_tokens[static_cast<std::size_t>(src) * gpus + dst];
      if (src == dst || tokens == 0) continue;
      const core::Bytes bytes(tokens * bytes_per_token);
      dispatch.demands.push_back({group[src], group[dst], bytes});
      combine.demands.push_back({group[dst], group[src], bytes});
    }
  }
  combine.deps.push_back(out.add(std::move(dispatch)));
  out.add(std::move(combine));
  out.expert_loads.push_back({workload, 0, 0, std::move(expert_tokens), {}, 0});
}


}  // namespace fabricsim::traffic
