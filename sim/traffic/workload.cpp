#include "traffic/workload.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "core/rng.hpp"

namespace fabricsim::traffic {
namespace {

/// A uniformly random permutation of 0..n-1 with no fixed point (rejection: ~e tries).
std::vector<std::uint32_t> derangement(std::uint32_t n, core::Rng& rng) {
  std::vector<std::uint32_t> p(n);
  for (;;) {
    for (std::uint32_t i = 0; i < n; ++i) p[i] = i;
    for (std::uint32_t i = n - 1; i > 0; --i) {
      std::swap(p[i], p[static_cast<std::uint32_t>(rng.below(i + 1))]);
    }
    bool fixed_point = false;
    for (std::uint32_t i = 0; i < n && !fixed_point; ++i) fixed_point = p[i] == i;
    if (!fixed_point) return p;
  }
}

Step make_permutation(const PermutationSpec& spec, std::uint32_t hosts, core::Rng& rng) {
  if (hosts < 2) throw std::invalid_argument("a permutation needs at least 2 hosts");
  Step step{.kind = "permutation", .delay = spec.start};
  const std::vector<std::uint32_t> dst = derangement(hosts, rng);
  for (std::uint32_t h = 0; h < hosts; ++h) step.demands.push_back({h, dst[h], spec.bytes});
  return step;
}

Step make_all_to_all(const AllToAllSpec& spec, std::uint32_t hosts) {
  const std::uint32_t group = spec.group_size == 0 ? hosts : spec.group_size;
  if (group < 2 || hosts % group != 0) {
    throw std::invalid_argument("all_to_all group_size must be >= 2 and divide the host count");
  }
  Step step{.kind = "all_to_all", .delay = spec.start};
  step.demands.reserve(static_cast<std::size_t>(hosts) * (group - 1));
  for (std::uint32_t base = 0; base < hosts; base += group) {
    for (std::uint32_t i = base; i < base + group; ++i) {
      for (std::uint32_t j = base; j < base + group; ++j) {
        if (i != j) step.demands.push_back({i, j, spec.bytes});
      }
    }
  }
  return step;
}

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
void add_moe(const MoeSpec& spec, std::uint32_t workload, std::uint32_t hosts, core::Rng& rng,
             Workload& out) {
  const std::uint32_t gpus = spec.gpus == 0 ? hosts : spec.gpus;
  if (gpus < 2 || gpus > hosts) throw std::invalid_argument("moe gpus must be in 2..hosts");
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
      dispatch.demands.push_back({src, dst, bytes});
      combine.demands.push_back({dst, src, bytes});
    }
  }
  combine.deps.push_back(static_cast<std::uint32_t>(out.steps.size()));
  out.steps.push_back(std::move(dispatch));
  out.steps.push_back(std::move(combine));
  out.expert_loads.push_back({workload, 0, 0, std::move(expert_tokens)});
}

}  // namespace

std::span<const WorkloadKind> workload_kinds() {
  static constexpr WorkloadKind kKinds[] = {
      {"permutation", "every host sends `bytes` to one other host (random derangement)"},
      {"all_to_all", "every host sends `bytes` to every other host of its group"},
      {"moe", "one MoE layer: dispatch tokens to experts (uniform or Zipf load), then combine"},
  };
  static_assert(std::size(kKinds) == std::variant_size_v<WorkloadSpec>);
  return kKinds;
}

const char* kind_name(const WorkloadSpec& spec) { return workload_kinds()[spec.index()].name; }

Workload generate(const std::vector<WorkloadSpec>& specs, std::uint32_t hosts,
                  std::uint64_t seed) {
  Workload out;
  for (std::uint32_t w = 0; w < specs.size(); ++w) {
    core::Rng rng(seed, "workload." + std::to_string(w));
    if (const auto* p = std::get_if<PermutationSpec>(&specs[w])) {
      out.steps.push_back(make_permutation(*p, hosts, rng));
    } else if (const auto* a = std::get_if<AllToAllSpec>(&specs[w])) {
      out.steps.push_back(make_all_to_all(*a, hosts));
    } else {
      add_moe(std::get<MoeSpec>(specs[w]), w, hosts, rng, out);
      continue;
    }
    out.steps.back().workload = w;
  }
  return out;
}

}  // namespace fabricsim::traffic
