#include "traffic/workload.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <set>

namespace fabricsim::traffic {
namespace {

Workload gen(const std::vector<WorkloadSpec>& specs, std::uint32_t hosts, std::uint64_t seed) {
  return generate(specs, Context{.hosts = hosts, .seed = seed});
}

std::int64_t total_tokens(const Workload& w) {
  const auto& t = w.expert_loads.at(0).tokens;
  return std::accumulate(t.begin(), t.end(), std::int64_t{0});
}

TEST(Permutation, EveryHostSendsOnceAndReceivesOnceNeverToItself) {
  const Workload w = gen({PermutationSpec{core::Bytes(1000)}}, 64, 7);
  ASSERT_EQ(w.steps.size(), 1u);
  std::set<std::uint32_t> sources, destinations;
  for (const Demand& d : w.steps[0].demands) {
    EXPECT_NE(d.src, d.dst);
    EXPECT_EQ(d.bytes.count(), 1000);
    sources.insert(d.src);
    destinations.insert(d.dst);
  }
  EXPECT_EQ(sources.size(), 64u);
  EXPECT_EQ(destinations.size(), 64u);
}

TEST(Permutation, DependsOnTheSeed) {
  const auto a = gen({PermutationSpec{}}, 32, 1).steps[0].demands;
  const auto b = gen({PermutationSpec{}}, 32, 2).steps[0].demands;
  const auto a2 = gen({PermutationSpec{}}, 32, 1).steps[0].demands;
  auto dsts = [](const std::vector<Demand>& v) {
    std::vector<std::uint32_t> out;
    for (const Demand& d : v) out.push_back(d.dst);
    return out;
  };
  EXPECT_EQ(dsts(a), dsts(a2));
  EXPECT_NE(dsts(a), dsts(b));
}

TEST(AllToAll, GroupsOfGSendWithinTheGroupOnly) {
  // 16 hosts in groups of 4: each host sends to 3 peers of its group, 16 * 3 flows.
  const Workload w = gen({AllToAllSpec{core::Bytes(64), {}, 4}}, 16, 1);
  ASSERT_EQ(w.steps[0].demands.size(), 48u);
  for (const Demand& d : w.steps[0].demands) {
    EXPECT_EQ(d.src / 4, d.dst / 4);
    EXPECT_NE(d.src, d.dst);
  }
}

TEST(AllToAll, ZeroSkewMeansEveryFlowCarriesTheSameBytes) {
  const Workload w = gen({AllToAllSpec{core::Bytes(12345)}}, 12, 1);
  ASSERT_EQ(w.steps[0].demands.size(), 12u * 11);
  for (const Demand& d : w.steps[0].demands) EXPECT_EQ(d.bytes.count(), 12345);
}

TEST(Moe, BalancedTokensGiveEqualFlowsBetweenEveryPair) {
  // 8 GPUs, one expert each, top-1, 64 tokens per GPU, BASE-style balancing: 512 tokens over
  // 8 experts = 64 each; each source spreads its tokens evenly, so every pair carries
  // 64 / 8 = 8 tokens x hidden 16 x 2 B = 256 B, dispatch and combine alike.
  MoeSpec spec;
  spec.experts = 8;
  spec.top_k = 1;
  spec.tokens_per_gpu = 64;
  spec.hidden = 16;
  spec.balancer.kind = BalancerSpec::Kind::balanced;
  const Workload w = gen({spec}, 8, 5);
  for (const Step& s : w.steps) {
    ASSERT_EQ(s.demands.size(), 8u * 7) << s.kind;
    for (const Demand& d : s.demands) EXPECT_EQ(d.bytes.count(), 256) << s.kind;
  }
}

TEST(AllToAll, RejectsGroupThatDoesNotDivideTheHosts) {
  EXPECT_THROW(gen({AllToAllSpec{core::Bytes(64), {}, 5}}, 16, 1), std::invalid_argument);
}

TEST(Moe, TokensAreConservedAndBytesFollowTokenCounts) {
  MoeSpec spec;
  spec.experts = 16;
  spec.top_k = 2;
  spec.tokens_per_gpu = 100;
  spec.hidden = 8;
  spec.bytes_per_element = 2;
  const Workload w = gen({spec}, 8, 3);
  // 8 GPUs x 100 tokens x top-2 = 1600 expert assignments.
  EXPECT_EQ(total_tokens(w), 1600);
  ASSERT_EQ(w.steps.size(), 2u);
  EXPECT_EQ(w.steps[0].kind, "dispatch");
  EXPECT_EQ(w.steps[1].kind, "combine");
  EXPECT_EQ(w.steps[1].deps, std::vector<std::uint32_t>{0});
  std::int64_t dispatched = 0;
  for (const Demand& d : w.steps[0].demands) {
    EXPECT_EQ(d.bytes.count() % 16, 0) << "bytes are tokens x hidden x bytes_per_element";
    dispatched += d.bytes.count() / 16;
  }
  // Tokens whose expert sits on their own GPU stay local; the rest cross the network.
  EXPECT_LT(dispatched, 1600);
  EXPECT_GT(dispatched, 1000);
  ASSERT_EQ(w.steps[1].demands.size(), w.steps[0].demands.size());
  for (std::size_t i = 0; i < w.steps[0].demands.size(); ++i) {
    EXPECT_EQ(w.steps[1].demands[i].src, w.steps[0].demands[i].dst);
    EXPECT_EQ(w.steps[1].demands[i].bytes, w.steps[0].demands[i].bytes);
  }
}

TEST(Moe, ZipfWithZeroExponentEqualsUniform) {
  MoeSpec uniform;
  uniform.experts = 32;
  uniform.tokens_per_gpu = 200;
  MoeSpec zipf0 = uniform;
  zipf0.skew = {SkewSpec::Dist::zipf, 0.0};
  EXPECT_EQ(gen({uniform}, 8, 5).expert_loads[0].tokens, gen({zipf0}, 8, 5).expert_loads[0].tokens);
}

TEST(Moe, ZipfSkewReachesTheNetworkAsUnequalFlows) {
  // With s = 1.2 over 64 experts, expert 0 is drawn ~20x as often as expert 63, so the GPU
  // hosting the hottest experts receives far more bytes than the coldest.
  MoeSpec spec;
  spec.skew = {SkewSpec::Dist::zipf, 1.2};
  spec.tokens_per_gpu = 512;
  const Workload w = gen({spec}, 16, 9);
  std::vector<std::int64_t> into(16, 0);
  for (const Demand& d : w.steps[0].demands) into[d.dst] += d.bytes.count();
  const auto [lo, hi] = std::minmax_element(into.begin(), into.end());
  EXPECT_GT(*hi, 2 * *lo);
  const auto& tokens = w.expert_loads[0].tokens;
  EXPECT_GT(tokens.front(), 5 * tokens.back());
}

}  // namespace
}  // namespace fabricsim::traffic

namespace fabricsim::traffic {
namespace {

TEST(Placement, ContiguousStridedListedAndRandomGiveTheirHosts) {
  core::Rng rng(1, "t");
  EXPECT_EQ(place({Placement::Kind::contiguous, 3, 4}, 16, rng),
            (std::vector<std::uint32_t>{4, 5, 6}));
  EXPECT_EQ(place({Placement::Kind::strided, 3, 1, 4}, 16, rng),
            (std::vector<std::uint32_t>{1, 5, 9}));
  EXPECT_EQ(place({Placement::Kind::listed, 0, 0, 1, {7, 2}}, 16, rng),
            (std::vector<std::uint32_t>{7, 2}));
  // gpus 0: every host from `first` on, every stride-th when strided.
  EXPECT_EQ(placed_count({Placement::Kind::contiguous, 0, 10}, 16), 6u);
  EXPECT_EQ(placed_count({Placement::Kind::strided, 0, 1, 4}, 16), 4u);
  const auto random = place({Placement::Kind::random, 8}, 16, rng);
  EXPECT_EQ(std::set<std::uint32_t>(random.begin(), random.end()).size(), 8u);
  for (const auto h : random) EXPECT_LT(h, 16u);
}

TEST(Placement, RejectsHostsPastTheEnd) {
  core::Rng rng(1, "t");
  EXPECT_THROW(place({Placement::Kind::contiguous, 8, 10}, 16, rng), std::invalid_argument);
  EXPECT_THROW(place({Placement::Kind::listed, 0, 0, 1, {16}}, 16, rng), std::invalid_argument);
}

TEST(Permutation, StaysOnItsPlacedHosts) {
  PermutationSpec spec;
  spec.placement = {Placement::Kind::strided, 4, 1, 2};  // hosts 1, 3, 5, 7
  const Workload w = generate({spec}, Context{.hosts = 8, .seed = 3});
  for (const Demand& d : w.steps[0].demands) {
    EXPECT_EQ(d.src % 2, 1u);
    EXPECT_EQ(d.dst % 2, 1u);
  }
  EXPECT_EQ(w.steps[0].demands.size(), 4u);
}

}  // namespace
}  // namespace fabricsim::traffic
