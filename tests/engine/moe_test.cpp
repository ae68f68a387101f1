// An MoE job through the engine: steps run in DAG order and compute steps last their time.
#include <gtest/gtest.h>

#include <algorithm>

#include "engine/simulation.hpp"

namespace fabricsim::engine {
namespace {

TEST(MoeRun, TwoLayersTwoIterationsFinishWithStepsInOrder) {
  // 2 x 2 x 4 hosts at 100 Gb/s; 2 layers x 2 iterations of dispatch -> compute -> combine:
  // 12 steps in one chain. Each step starts when the one before it ends (no delay), every
  // step finishes, and a compute step (no flows) lasts exactly its compute time:
  // busiest GPU tokens x 1e6 FLOPs / 1e12 FLOP/s = 1 us per token.
  scenario::Scenario s;
  std::get<topo::LeafSpineSpec>(s.topology).leaves = 2;
  std::get<topo::LeafSpineSpec>(s.topology).spines = 2;
  std::get<topo::LeafSpineSpec>(s.topology).hosts_per_leaf = 4;
  std::get<topo::LeafSpineSpec>(s.topology).host_link = {core::Bitrate::gbps(100),
                                                         core::Time::us(1)};
  std::get<topo::LeafSpineSpec>(s.topology).fabric_link = {core::Bitrate::gbps(100),
                                                           core::Time::us(1)};
  s.routing.policy = "ecmp";
  traffic::MoeSpec moe;
  moe.experts = 16;
  moe.tokens_per_gpu = 64;
  moe.hidden = 256;
  moe.skew = {traffic::LoadSpec::Dist::zipf, 1.0};
  moe.layers = 2;
  moe.iterations = 2;
  moe.flops_per_token = 1e6;
  moe.gpu_flops = 1e12;
  s.workloads = {moe};
  Simulation sim(s);
  const metrics::Results r = sim.run();
  ASSERT_EQ(r.steps.size(), 12u);
  EXPECT_EQ(r.info.status, "complete");
  ASSERT_EQ(r.expert_tokens.size(), 4u);
  for (std::size_t i = 0; i < r.steps.size(); ++i) {
    const metrics::StepRecord& step = r.steps[i];
    SCOPED_TRACE(i);
    EXPECT_GE(step.end_ps, step.start_ps);
    EXPECT_EQ(step.layer, static_cast<std::int32_t>((i / 3) % 2));
    EXPECT_EQ(step.iteration, static_cast<std::int32_t>(i / 6));
    if (i > 0) {
      EXPECT_EQ(step.start_ps, r.steps[i - 1].end_ps);
    }
    if (step.kind == "compute") {
      const auto& gpu = r.expert_tokens[i / 3].gpu_tokens;
      const std::int64_t busiest = *std::max_element(gpu.begin(), gpu.end());
      EXPECT_EQ(step.end_ps - step.start_ps, busiest * 1'000'000);
    }
  }
}

}  // namespace
}  // namespace fabricsim::engine
