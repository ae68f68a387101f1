// MoE dispatch copies: per_gpu sends a token once to each GPU holding one of its experts,
// per_expert once per expert. Hand-worked layers first, then properties over random loads.
#include <gtest/gtest.h>

#include <numeric>

#include "traffic/expert_load.hpp"
#include "traffic/workload.hpp"

namespace fabricsim::traffic {
namespace {

/// GPU 0 routes t0 -> {1, 2}, t1 -> {1, 2}, t2 -> {0, 1}; GPU 1 routes t3 -> {0, 2}.
TokenExperts four_tokens() {
  return {.top_k = 2, .source = {0, 0, 0, 1}, .experts = {1, 2, 1, 2, 0, 1, 0, 2}};
}

TEST(MoeDispatch, PerGpuSendsATokenOnceToAGpuHoldingTwoOfItsExpertsAfterCapacity) {
  // Experts 0, 3 on GPU 0 and 1, 2 on GPU 1; 8 routed over 4 experts with factor 1: capacity
  // 2 each. Expert 1 gets 3 (all from GPU 0): GPU 0 keeps its first two, t0 and t1. Expert 2
  // gets 2 from GPU 0 and 1 from GPU 1: floor(4/3) = 1 and floor(2/3) = 0, the leftover to
  // GPU 1 (remainder 2 beats 1): GPU 0 keeps t0 only. So GPU 0 -> GPU 1 carries t0 (experts
  // 1 and 2: one copy) and t1 (expert 1): 2 copies per GPU, 3 per expert. t2 keeps only
  // expert 0, local; t3 goes to GPU 0 for expert 0 and keeps expert 2 locally.
  const TokenExperts tokens = four_tokens();
  const ExpertMap map =
      map_experts({ExpertPlacement::Kind::listed, {0, 1, 1, 0}}, std::vector<double>(4, 1.0), 2, 0);
  const std::vector<std::int64_t> routed = routed_counts(tokens, 2, 4);
  EXPECT_EQ(routed, (std::vector<std::int64_t>{1, 3, 2, 0, 1, 0, 1, 0}));
  const LayerTraffic per_expert = layer_traffic(routed, 2, map, 1.0);
  const LayerTraffic per_gpu = layer_traffic(routed, 2, map, 1.0, &tokens);
  EXPECT_EQ(per_expert.pair_tokens, (std::vector<std::int64_t>{1, 3, 1, 1}));
  EXPECT_EQ(per_gpu.pair_tokens, (std::vector<std::int64_t>{1, 2, 1, 1}));
  // What each GPU processes and drops is the same either way.
  EXPECT_EQ(per_gpu.load.gpu_tokens, per_expert.load.gpu_tokens);
  EXPECT_EQ(per_gpu.load.dropped, 2);
}

TEST(MoeDispatch, PerGpuFollowsAReplicasShareOfTheTokens) {
  // Expert 1 (home GPU 1) has a replica on GPU 0; dropless. GPU 0's three tokens for expert
  // 1 alternate home, replica, home: t0 -> 1, t1 -> 0, t2 -> 1 (2 home, 1 replica, as
  // per_expert counts). Per GPU: t0 {1}, t1 {0, 1}, t2 {0, 1}, t3 {0, 1}: GPU 0 -> 0 gets
  // t1, t2 (2), GPU 0 -> 1 gets t0, t1, t2 (3); per expert GPU 0 -> 1 is 2 (expert 1) + 2
  // (expert 2) = 4.
  const TokenExperts tokens = four_tokens();
  const ExpertMap map{{0, 1, 1, 0}, {kNoReplica, 0, kNoReplica, kNoReplica}};
  const std::vector<std::int64_t> routed = routed_counts(tokens, 2, 4);
  EXPECT_EQ(layer_traffic(routed, 2, map, 0).pair_tokens, (std::vector<std::int64_t>{2, 4, 1, 1}));
  EXPECT_EQ(layer_traffic(routed, 2, map, 0, &tokens).pair_tokens,
            (std::vector<std::int64_t>{2, 3, 1, 1}));
}

MoeSpec sampled(Dispatch dispatch, std::uint32_t top_k) {
  MoeSpec spec;
  spec.experts = 16;
  spec.top_k = top_k;
  spec.tokens_per_gpu = 200;
  spec.hidden = 4;
  spec.bytes_per_element = 1;
  spec.skew = {LoadSpec::Dist::zipf, 1.2};
  spec.capacity_factor = 1.25;
  spec.balancer = {BalancerSpec::Kind::replicate, 0.1, 2};
  spec.dispatch = dispatch;
  return spec;
}

/// Dispatch tokens from each source to each destination, [src x dst] over `gpus` hosts.
std::vector<std::int64_t> dispatched(const Workload& w, std::uint32_t gpus,
                                     std::int64_t token_bytes) {
  std::vector<std::int64_t> out(std::size_t{gpus} * gpus, 0);
  for (const Demand& d : w.steps.at(0).demands)
    out[d.src * gpus + d.dst] += d.bytes.count() / token_bytes;
  return out;
}

TEST(MoeDispatch, PerGpuNeverSendsMoreThanPerExpertAndEqualsItForTopOne) {
  // Same seed, same draws: the routing and the expert loads are equal; per_gpu merges the
  // copies of a token bound for one GPU, so no pair carries more, some carry fewer (top-4
  // over 16 experts on 8 GPUs: two experts of a token often share a GPU), and a source never
  // sends one token to more GPUs than it has experts. With top-1 there is nothing to merge.
  for (const std::uint64_t seed : {1, 2, 3, 4, 5}) {
    SCOPED_TRACE(seed);
    const Context context{.hosts = 8, .seed = seed};
    const Workload gpu = generate({sampled(Dispatch::per_gpu, 4)}, context);
    const Workload expert = generate({sampled(Dispatch::per_expert, 4)}, context);
    EXPECT_EQ(gpu.expert_loads.at(0).tokens, expert.expert_loads.at(0).tokens);
    EXPECT_EQ(gpu.expert_loads.at(0).gpu_tokens, expert.expert_loads.at(0).gpu_tokens);
    const auto a = dispatched(gpu, 8, 4), b = dispatched(expert, 8, 4);
    for (std::size_t p = 0; p < a.size(); ++p) EXPECT_LE(a[p], b[p]) << p;
    EXPECT_LT(std::accumulate(a.begin(), a.end(), 0L), std::accumulate(b.begin(), b.end(), 0L));
    for (std::uint32_t s = 0; s < 8; ++s) {
      EXPECT_LE(std::accumulate(a.begin() + s * 8, a.begin() + s * 8 + 8, 0L), 200 * 4);
    }
    EXPECT_EQ(dispatched(generate({sampled(Dispatch::per_gpu, 1)}, context), 8, 4),
              dispatched(generate({sampled(Dispatch::per_expert, 1)}, context), 8, 4));
  }
}

TEST(MoeDispatch, CombineReturnsAsManyCopiesAsDispatchSent) {
  // FP8 dispatch, BF16 combine: combine demand k returns dispatch demand k at 2 bytes per
  // element, so it carries exactly twice the bytes under either dispatch rule.
  for (const Dispatch dispatch : {Dispatch::per_gpu, Dispatch::per_expert}) {
    MoeSpec spec = sampled(dispatch, 4);
    spec.dispatch_bytes_per_element = 1;
    spec.combine_bytes_per_element = 2;
    const Workload w = generate({spec}, Context{.hosts = 8, .seed = 7});
    ASSERT_EQ(w.steps.at(0).demands.size(), w.steps.at(1).demands.size());
    for (std::size_t k = 0; k < w.steps[0].demands.size(); ++k) {
      EXPECT_EQ(w.steps[1].demands[k].bytes.count(), 2 * w.steps[0].demands[k].bytes.count());
    }
  }
}

}  // namespace
}  // namespace fabricsim::traffic
