// MoE generator: token accounting, capacity, balancers, compute steps, the step DAG and
// routing-trace replay. Each test states its expectation from first principles.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "traffic/expert_load.hpp"
#include "traffic/workload.hpp"

namespace fabricsim::traffic {
namespace {

Workload gen(const MoeSpec& spec, std::uint32_t hosts, std::uint64_t seed,
             const Context& base = {}) {
  Context context = base;
  context.hosts = hosts;
  context.seed = seed;
  return generate({spec}, context);
}

std::int64_t sum(const std::vector<std::int64_t>& v) {
  return std::accumulate(v.begin(), v.end(), std::int64_t{0});
}
std::int64_t most(const std::vector<std::int64_t>& v) {
  return *std::max_element(v.begin(), v.end());
}

/// max/mean of tokens per expert (the ML imbalance measure).
double imbalance(const ExpertLoad& load) {
  return static_cast<double>(most(load.tokens)) * static_cast<double>(load.tokens.size()) /
         static_cast<double>(sum(load.tokens));
}

MoeSpec skewed(double s) {
  MoeSpec spec;
  spec.experts = 16;
  spec.top_k = 2;
  spec.tokens_per_gpu = 256;
  spec.hidden = 8;
  spec.skew = {LoadSpec::Dist::zipf, s};
  return spec;
}

TEST(Moe, RoutedTokensAreProcessedOrDroppedInEveryLayerAndIteration) {
  // 8 GPUs x 256 tokens x top-2 = 4096 routed per layer; with a capacity factor of 1 the hot
  // experts overflow, and every routed token is either processed on a GPU or dropped.
  MoeSpec spec = skewed(1.0);
  spec.layers = 3;
  spec.iterations = 2;
  spec.capacity_factor = 1.0;
  spec.balancer.kind = BalancerSpec::Kind::replicate;
  spec.balancer.replicas = 2;
  const Workload w = gen(spec, 8, 4);
  ASSERT_EQ(w.expert_loads.size(), 6u);
  std::int64_t dropped = 0;
  for (const ExpertLoad& load : w.expert_loads) {
    EXPECT_EQ(sum(load.tokens), 4096);
    EXPECT_EQ(sum(load.tokens), sum(load.gpu_tokens) + load.dropped)
        << "layer " << load.layer << " iteration " << load.iteration;
    dropped += load.dropped;
  }
  EXPECT_GT(dropped, 0);
}

TEST(Moe, CapacityDropsExactlyTheOverflowSharedBySources) {
  // 2 GPUs, 2 experts (expert e on GPU e). GPU 0 routes 6 tokens to expert 0, GPU 1 routes 3
  // to expert 0 and 1 to expert 1: 10 routed, capacity = floor(10 / 2 x 1.0) = 5 per expert.
  // Expert 0 keeps 5 of 9 (drops 4): GPU 0 keeps floor(6 x 5/9) = 3, GPU 1 floor(3 x 5/9) = 1
  // plus the leftover token (its remainder 15 mod 9 = 6 beats 30 mod 9 = 3).
  const std::vector<std::int64_t> routed = {6, 0, 3, 1};
  const ExpertMap map = map_experts({}, std::vector<double>{0.5, 0.5}, 2, 0);
  const LayerTraffic t = layer_traffic(routed, 2, map, 1.0);
  EXPECT_EQ(t.load.tokens, (std::vector<std::int64_t>{9, 1}));
  EXPECT_EQ(t.load.dropped, 4);
  EXPECT_EQ(t.load.gpu_tokens, (std::vector<std::int64_t>{5, 1}));
  EXPECT_EQ(t.pair_tokens, (std::vector<std::int64_t>{3, 0, 2, 1}));
  // Dropless (factor 0) keeps everything.
  EXPECT_EQ(layer_traffic(routed, 2, map, 0).load.dropped, 0);
}

TEST(Moe, GeneratedDropsAreTheSumOfPerExpertOverflow) {
  // dropped = sum over experts of max(0, routed_e - floor(R / E x CF)).
  MoeSpec spec = skewed(1.2);
  spec.capacity_factor = 1.25;
  const Workload w = gen(spec, 8, 2);
  const ExpertLoad& load = w.expert_loads.at(0);
  const std::int64_t cap = expert_capacity(sum(load.tokens), spec.experts, 1.25, 1);
  EXPECT_EQ(cap, 4096 * 5 / 4 / 16);
  std::int64_t overflow = 0;
  for (const std::int64_t n : load.tokens) overflow += std::max<std::int64_t>(0, n - cap);
  EXPECT_GT(overflow, 0);
  EXPECT_EQ(load.dropped, overflow);
}

TEST(Moe, BiasBalancerLowersMaxOverMeanOverIterations) {
  // Zipf s = 1.2 over 16 experts: the hottest expert gets ~4.5x the mean. The bias moves
  // each expert's weight by e^-+0.2 per iteration against its load, so after 20 iterations
  // the hot experts have lost most of their excess; without it the imbalance stays.
  MoeSpec spec = skewed(1.2);
  spec.iterations = 20;
  MoeSpec biased = spec;
  biased.balancer = {BalancerSpec::Kind::bias, 0.2, 1};
  const Workload plain = gen(spec, 8, 6), balanced = gen(biased, 8, 6);
  const double first = imbalance(balanced.expert_loads.front());
  const double last = imbalance(balanced.expert_loads.back());
  EXPECT_GT(first, 3.0);
  EXPECT_LT(last, 1.6);
  EXPECT_GT(imbalance(plain.expert_loads.back()), 3.0);
}

TEST(Moe, ReplicatingTheHottestExpertsLowersTheHottestGpu) {
  // Same draws (replication changes no routing); the replicas halve the two hottest experts'
  // load on their home GPU, so the busiest GPU processes fewer tokens.
  MoeSpec spec = skewed(1.2);
  MoeSpec replicated = spec;
  replicated.balancer = {BalancerSpec::Kind::replicate, 0.1, 2};
  const ExpertLoad a = gen(spec, 8, 3).expert_loads.at(0);
  const ExpertLoad b = gen(replicated, 8, 3).expert_loads.at(0);
  EXPECT_EQ(a.tokens, b.tokens);
  EXPECT_LT(most(b.gpu_tokens), most(a.gpu_tokens));
  EXPECT_EQ(sum(a.gpu_tokens), sum(b.gpu_tokens));
}

TEST(Moe, BalancedBalancerGivesEveryExpertTheSameTokens) {
  // 7 GPUs x 100 tokens x top-2 = 1400 over 16 experts: 87 or 88 each (87.5 on average).
  MoeSpec spec = skewed(2.0);
  spec.tokens_per_gpu = 100;
  spec.balancer.kind = BalancerSpec::Kind::balanced;
  const ExpertLoad load = gen(spec, 7, 1).expert_loads.at(0);
  EXPECT_EQ(sum(load.tokens), 1400);
  const auto [lo, hi] = std::minmax_element(load.tokens.begin(), load.tokens.end());
  EXPECT_EQ(*lo, 87);
  EXPECT_EQ(*hi, 88);
}

TEST(Moe, ComputeStepLastsTheBusiestGpusTokensTimesFlopsOverThroughput) {
  // 1e6 FLOPs per token at 1e12 FLOP/s = 1 us per token; backward costs twice as much.
  MoeSpec spec = skewed(1.0);
  spec.flops_per_token = 1e6;
  spec.gpu_flops = 1e12;
  spec.backward = true;
  const Workload w = gen(spec, 8, 5);
  ASSERT_EQ(w.steps.size(), 6u);
  const std::int64_t busiest = most(w.expert_loads.at(0).gpu_tokens);
  EXPECT_EQ(w.steps[1].kind, "compute");
  EXPECT_TRUE(w.steps[1].demands.empty());
  EXPECT_EQ(w.steps[1].compute, core::Time::us(busiest));
  EXPECT_EQ(w.steps[4].compute, core::Time::us(2 * busiest));
}

TEST(Moe, LayersRunInOrderThenBackwardInReverseEachIterationAfterTheLast) {
  // 2 layers x 2 iterations with backward: per iteration 2 forward + 2 backward layer passes
  // of dispatch -> compute -> combine, one chain, 2 x 4 x 3 = 24 steps.
  MoeSpec spec = skewed(0.5);
  spec.layers = 2;
  spec.iterations = 2;
  spec.backward = true;
  spec.flops_per_token = 1e6;
  spec.dispatch_bytes_per_element = 1;
  spec.combine_bytes_per_element = 2;
  spec.start = core::Time::us(3);
  const Workload w = gen(spec, 4, 1);
  ASSERT_EQ(w.steps.size(), 24u);
  const std::int32_t layer_order[] = {0, 1, 1, 0};
  const char* const kinds[] = {"dispatch", "compute", "combine"};
  for (std::uint32_t s = 0; s < w.steps.size(); ++s) {
    const Step& step = w.steps[s];
    EXPECT_EQ(step.kind, kinds[s % 3]) << s;
    EXPECT_EQ(step.layer, layer_order[(s / 3) % 4]) << s;
    EXPECT_EQ(step.iteration, static_cast<std::int32_t>(s / 12)) << s;
    if (s == 0) {
      EXPECT_TRUE(step.deps.empty());
      EXPECT_EQ(step.delay, core::Time::us(3));
    } else {
      EXPECT_EQ(step.deps, std::vector<std::uint32_t>{s - 1}) << s;
    }
  }
  // FP8 dispatch, BF16 combine: the combine flow of a pair carries twice the dispatch bytes.
  ASSERT_EQ(w.steps[0].demands.size(), w.steps[2].demands.size());
  for (std::size_t i = 0; i < w.steps[0].demands.size(); ++i) {
    EXPECT_EQ(w.steps[2].demands[i].bytes.count(), 2 * w.steps[0].demands[i].bytes.count());
    EXPECT_EQ(w.steps[0].demands[i].bytes.count() % spec.hidden, 0);
  }
  EXPECT_EQ(w.expert_loads.size(), 4u);  // forward only: one per layer and iteration
}

TEST(Moe, HotDistributionGivesTheHotExpertsTheirShare) {
  // 8 experts, fraction 0.25 -> 2 hot experts sharing 0.5: 0.25 each; 6 cold share 0.5.
  core::Rng rng(1, "t");
  const LoadSpec hot{.dist = LoadSpec::Dist::hot, .fraction = 0.25, .share = 0.5};
  const std::vector<double> w = expert_weights(hot, 8, false, rng);
  EXPECT_DOUBLE_EQ(w[0], 0.25);
  EXPECT_DOUBLE_EQ(w[1], 0.25);
  for (int e = 2; e < 8; ++e) EXPECT_DOUBLE_EQ(w[e], 0.5 / 6);
  // Shuffled: the same weights, on other experts.
  std::vector<double> shuffled = expert_weights(hot, 8, true, rng);
  EXPECT_NE(shuffled, w);
  std::sort(shuffled.rbegin(), shuffled.rend());
  for (int e = 0; e < 8; ++e) EXPECT_DOUBLE_EQ(shuffled[e], w[e]);
}

TEST(Moe, VaryLayerMovesTheHotExpertBetweenLayersButNotIterations) {
  // One hot expert takes 90 %: it is the most loaded expert of its layer. With vary: layer
  // each layer draws its own hot expert (8 layers all equal has odds 16^-7); iterations
  // repeat them.
  MoeSpec spec = skewed(0);
  spec.skew = {.dist = LoadSpec::Dist::hot,
               .fraction = 1.0 / 16,
               .share = 0.9,
               .vary = LoadSpec::Vary::layer};
  spec.layers = 8;
  spec.iterations = 2;
  const Workload w = gen(spec, 4, 8);
  std::vector<long> hottest;
  for (const ExpertLoad& load : w.expert_loads) {
    hottest.push_back(std::max_element(load.tokens.begin(), load.tokens.end()) -
                      load.tokens.begin());
  }
  EXPECT_TRUE(std::equal(hottest.begin(), hottest.begin() + 8, hottest.begin() + 8));
  EXPECT_NE(std::count(hottest.begin(), hottest.begin() + 8, hottest[0]), 8);
}

TEST(Moe, BalancedPlacementEvensTheExpectedLoadPerGpu) {
  // Largest first onto the least-loaded GPU with a free slot (3 per GPU): 8 -> g0, 4 -> g1,
  // 3 -> g1, 3 -> g1 (7 < 8, now full), 1 -> g0, 1 -> g0: 10 and 10.
  const std::vector<double> expected = {1, 8, 3, 4, 1, 3};
  const ExpertMap map = map_experts({ExpertPlacement::Kind::balanced, {}}, expected, 2, 0);
  EXPECT_EQ(map.home, (std::vector<std::uint32_t>{0, 0, 1, 1, 0, 1}));
  // Contiguous blocks and round robin.
  EXPECT_EQ(map_experts({ExpertPlacement::Kind::contiguous, {}}, expected, 2, 0).home,
            (std::vector<std::uint32_t>{0, 0, 0, 1, 1, 1}));
  EXPECT_EQ(map_experts({}, expected, 2, 0).home, (std::vector<std::uint32_t>{0, 1, 0, 1, 0, 1}));
  // A replica of the hottest (expert 1, on GPU 1) goes to the other GPU.
  EXPECT_EQ(map_experts({}, expected, 2, 1).replica[1], 0u);
  EXPECT_THROW(map_experts({ExpertPlacement::Kind::listed, {0, 1}}, expected, 2, 0),
               std::invalid_argument);
}

TEST(Moe, RoutingTraceReplayGivesExactlyTheTracedCounts) {
  // 4 tokens (2 on GPU 0, 2 on GPU 1), 2 layers, top-2 over 4 experts.
  MoeTrace trace;
  trace.experts = 4;
  trace.layers = 2;
  trace.top_k = 2;
  trace.source_gpu = {0, 0, 1, 1};
  trace.expert_ids = {0, 1, /*l1*/ 2, 3,   // token 0
                      0, 2, /*l1*/ 2, 3,   // token 1
                      0, 3, /*l1*/ 2, 1,   // token 2
                      1, 3, /*l1*/ 2, 0};  // token 3
  MoeSpec spec;
  spec.experts = 4;
  spec.top_k = 2;
  spec.layers = 2;
  spec.hidden = 4;
  spec.routing_trace = "mem";
  Context context;
  context.moe_trace = [&](const std::string& path) -> const MoeTrace& {
    EXPECT_EQ(path, "mem");
    return trace;
  };
  const Workload w = gen(spec, 2, 1, context);
  ASSERT_EQ(w.expert_loads.size(), 2u);
  EXPECT_EQ(w.expert_loads[0].tokens, (std::vector<std::int64_t>{3, 2, 1, 2}));
  EXPECT_EQ(w.expert_loads[1].tokens, (std::vector<std::int64_t>{1, 1, 4, 2}));
  // Layer 1, round robin (experts 0, 2 on GPU 0): GPU 0 sends 2 tokens to expert 3 (GPU 1);
  // GPU 1 sends token 2 (expert 2) and token 3 (experts 2 and 0, both on GPU 0) to GPU 0:
  // 2 copies per GPU (the default dispatch), 3 per expert. One flow each way, hidden 4 x 2 B.
  const Step& dispatch = w.steps[2];
  EXPECT_EQ(dispatch.layer, 1);
  ASSERT_EQ(dispatch.demands.size(), 2u);
  EXPECT_EQ(dispatch.demands[0].bytes.count(), 2 * 4 * 2);
  EXPECT_EQ(dispatch.demands[1].bytes.count(), 2 * 4 * 2);
  spec.dispatch = Dispatch::per_expert;
  EXPECT_EQ(gen(spec, 2, 1, context).steps[2].demands[1].bytes.count(), 3 * 4 * 2);
  // A trace that does not match the spec is refused.
  spec.experts = 8;
  EXPECT_THROW(gen(spec, 2, 1, context), std::invalid_argument);
}

}  // namespace
}  // namespace fabricsim::traffic
