#include "traffic/expert_load.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "traffic/workload.hpp"

namespace fabricsim::traffic {
namespace {

double max_over_mean(const std::vector<double>& w) {
  const double mean = std::accumulate(w.begin(), w.end(), 0.0) / static_cast<double>(w.size());
  return *std::max_element(w.begin(), w.end()) / mean;
}

TEST(ExpertLoad, LognormalWithZeroSigmaIsUniformAndSkewGrowsWithSigma) {
  // w = exp(sigma x N(0,1)): sigma 0 gives equal weights; a larger sigma spreads them more.
  core::Rng rng(4, "t");
  LoadSpec load{.dist = LoadSpec::Dist::lognormal, .sigma = 0.0};
  const auto flat = expert_weights(load, 64, false, rng);
  for (const double w : flat) EXPECT_DOUBLE_EQ(w, 1.0 / 64);
  load.sigma = 0.5;
  const double mild = max_over_mean(expert_weights(load, 64, false, rng));
  load.sigma = 1.5;
  const auto wide = expert_weights(load, 64, false, rng);
  EXPECT_NEAR(std::accumulate(wide.begin(), wide.end(), 0.0), 1.0, 1e-12);
  EXPECT_GT(mild, 1.0);
  EXPECT_GT(max_over_mean(wide), mild);
}

/// Tokens each source GPU dispatches to each destination GPU in one layer's dispatch step.
std::vector<std::int64_t> dispatch_matrix(const Workload& w, std::int32_t layer,
                                          std::uint32_t gpus) {
  std::vector<std::int64_t> m(static_cast<std::size_t>(gpus) * gpus, 0);
  for (const Step& s : w.steps) {
    if (s.kind != "dispatch" || s.layer != layer) continue;
    for (const Demand& d : s.demands) m[d.src * gpus + d.dst] += d.bytes.count();
  }
  return m;
}

TEST(ExpertLoad, FullAffinityKeepsEveryTokenOnItsGpuFromLayerToLayer) {
  // One expert per GPU and top-1: with affinity 1 every token's layer-1 expert sits on the
  // GPU of its layer-0 expert, so layer 1 dispatches exactly what layer 0 did; with
  // affinity 0 the second layer is drawn afresh and differs.
  MoeSpec spec;
  spec.experts = 8;
  spec.top_k = 1;
  spec.tokens_per_gpu = 256;
  spec.hidden = 16;
  spec.layers = 2;
  spec.skew = {.dist = LoadSpec::Dist::zipf, .s = 0.8, .affinity = 1.0};
  const Context context{.hosts = 8, .seed = 11};
  const Workload sticky = generate({spec}, context);
  EXPECT_EQ(dispatch_matrix(sticky, 0, 8), dispatch_matrix(sticky, 1, 8));
  spec.skew.affinity = 0.0;
  const Workload fresh = generate({spec}, context);
  EXPECT_NE(dispatch_matrix(fresh, 0, 8), dispatch_matrix(fresh, 1, 8));
}

}  // namespace
}  // namespace fabricsim::traffic
