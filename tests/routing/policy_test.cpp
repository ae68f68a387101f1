#include "routing/policy.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "topo/leaf_spine.hpp"

namespace fabricsim::routing {
namespace {

std::unique_ptr<Policy> make(const std::string& name, std::uint32_t subflows = 0,
                             std::uint64_t salt = 0) {
  PolicyParams params;
  params.name = name;
  params.subflows = subflows;
  params.salt = salt;
  return make_policy(params);
}

topo::PathId ecmp_pick(const Policy& policy, const FlowTuple& flow, topo::PathRange candidates) {
  std::vector<PathShare> out;
  policy.choose(flow, candidates, out);
  EXPECT_EQ(out.size(), 1u);
  return out.at(0).path;
}

TEST(BalancingSubflows, IsSpinesOverGcd) {
  EXPECT_EQ(balancing_subflows(4, 4), 1u);  // s divides r: every uplink gets r/s flows
  EXPECT_EQ(balancing_subflows(8, 4), 1u);
  EXPECT_EQ(balancing_subflows(6, 4), 2u);  // gcd 2: 4/2 = 2 subflows, 12 over 4 uplinks
  EXPECT_EQ(balancing_subflows(3, 4), 4u);  // gcd 1: s subflows
  EXPECT_EQ(balancing_subflows(5, 16), 16u);
  EXPECT_EQ(balancing_subflows(12, 16), 4u);
  EXPECT_EQ(balancing_subflows(0, 16), 1u);  // degenerate inputs never split
  EXPECT_EQ(balancing_subflows(5, 0), 1u);
}

TEST(BalancingSubflows, ResultSpreadsFlowsEvenlyOverUplinks) {
  // r * k subflows must be a multiple of s for every uplink to carry the same count.
  for (std::uint32_t r = 1; r <= 40; ++r) {
    for (std::uint32_t s = 1; s <= 32; ++s) {
      EXPECT_EQ(r * balancing_subflows(r, s) % s, 0u) << "r=" << r << " s=" << s;
    }
  }
}

TEST(Split, FixedSubflowCountIgnoresTheContext) {
  const auto split = make("split", 3);
  EXPECT_EQ(split->subflows({6, 4}), 3u);
  EXPECT_EQ(split->subflows({1, 16}), 3u);
}

TEST(Split, AutoUsesTheBalancingRule) {
  const auto split = make("split", 0);
  EXPECT_EQ(split->subflows({6, 4}), 2u);
  EXPECT_EQ(split->subflows({16, 16}), 1u);
  EXPECT_EQ(split->subflows({3, 16}), 16u);
}

TEST(Ecmp, DoesNotSplitFlows) {
  EXPECT_EQ(make("ecmp")->subflows({6, 4}), 1u);
  EXPECT_EQ(make("spray")->subflows({6, 4}), 1u);
}

TEST(Ecmp, PicksExactlyOneCandidateWithTheWholeFlow) {
  const auto ecmp = make("ecmp", 0, 7);
  const topo::PathRange candidates{100, 16};
  std::vector<PathShare> out{{1, 0.5}, {2, 0.5}};  // stale content must be replaced
  for (std::uint32_t port = 0; port < 200; ++port) {
    ecmp->choose({1, 2, port, 4791}, candidates, out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_GE(out[0].path, 100u);
    EXPECT_LT(out[0].path, 116u);
    EXPECT_EQ(out[0].fraction, 1.0);
  }
}

TEST(Ecmp, IsDeterministicPerTupleAndSalt) {
  const auto a = make("ecmp", 0, 42);
  const auto b = make("ecmp", 0, 42);
  const topo::PathRange candidates{0, 16};
  for (std::uint32_t port = 0; port < 500; ++port) {
    const FlowTuple flow{port % 7, 100 + port % 5, port, 4791};
    const topo::PathId first = ecmp_pick(*a, flow, candidates);
    EXPECT_EQ(ecmp_pick(*a, flow, candidates), first);
    EXPECT_EQ(ecmp_pick(*b, flow, candidates), first);
  }
}

TEST(Ecmp, ChangesWithTheSalt) {
  // With 16 candidates, an independent re-hash keeps the same path with probability 1/16,
  // so about 94% of 1000 flows should move; require more than 80%.
  const auto one = make("ecmp", 0, 1);
  const auto two = make("ecmp", 0, 2);
  const topo::PathRange candidates{0, 16};
  int moved = 0;
  for (std::uint32_t port = 0; port < 1000; ++port) {
    const FlowTuple flow{3, 9, 10'000 + port, 4791};
    moved += ecmp_pick(*one, flow, candidates) != ecmp_pick(*two, flow, candidates);
  }
  EXPECT_GT(moved, 800);
}

TEST(Ecmp, SpreadsManyFlowsRoughlyUniformly) {
  // 16,000 tuples over 16 candidates: 1000 per path expected, standard deviation ~31.
  // A +-20% band (6 sigma) is loose; it fails only if the hash is badly skewed.
  const auto ecmp = make("ecmp", 0, 12345);
  const topo::PathRange candidates{50, 16};
  std::map<topo::PathId, int> hits;
  for (std::uint32_t i = 0; i < 16'000; ++i) {
    ++hits[ecmp_pick(*ecmp, {i % 64, (i / 64) % 64, 49'152 + i, 4791}, candidates)];
  }
  ASSERT_EQ(hits.size(), 16u);
  for (const auto& [path, count] : hits) {
    EXPECT_GT(count, 800) << "path " << path;
    EXPECT_LT(count, 1200) << "path " << path;
  }
}

TEST(Ecmp, SpreadsOverThreeCandidatesToo) {
  // A count that is not a power of two: 9000 flows, 3000 expected each (sd ~45).
  const auto ecmp = make("ecmp", 0, 99);
  std::map<topo::PathId, int> hits;
  for (std::uint32_t i = 0; i < 9000; ++i) ++hits[ecmp_pick(*ecmp, {1, 2, i, 4791}, {0, 3})];
  ASSERT_EQ(hits.size(), 3u);
  for (const auto& [path, count] : hits) EXPECT_NEAR(count, 3000, 300) << "path " << path;
}

TEST(Spray, GivesEveryPathAnEqualShare) {
  const auto spray = make("spray");
  std::vector<PathShare> out;
  spray->choose({0, 1, 2, 3}, {40, 12}, out);
  ASSERT_EQ(out.size(), 12u);
  double total = 0;
  std::set<topo::PathId> paths;
  for (const PathShare& share : out) {
    EXPECT_DOUBLE_EQ(share.fraction, 1.0 / 12);
    total += share.fraction;
    paths.insert(share.path);
  }
  EXPECT_NEAR(total, 1.0, 1e-12);
  EXPECT_EQ(paths, (std::set<topo::PathId>{40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51}));
}

TEST(Spray, PutsOneOverSOnEachUplinkOfALeafSpine) {
  // 2 leaves x 4 spines: spraying a flow from leaf 0 to leaf 1 loads each of leaf 0's four
  // uplinks with exactly 1/4 of the flow.
  topo::LeafSpineSpec spec;
  spec.leaves = 2;
  spec.spines = 4;
  spec.hosts_per_leaf = 2;
  const topo::Fabric fabric = topo::build_leaf_spine(spec);
  std::vector<PathShare> out;
  make("spray")->choose({0, 2, 1, 1}, fabric.paths_between_hosts(0, 2), out);
  std::map<topo::LinkId, double> uplink_load;
  for (const PathShare& share : out) uplink_load[fabric.path(share.path).front()] += share.fraction;
  ASSERT_EQ(uplink_load.size(), fabric.uplink_count(0));
  for (const auto& [link, load] : uplink_load) EXPECT_DOUBLE_EQ(load, 0.25) << "link " << link;
}

TEST(Registry, UnknownNameListsKnownPolicies) {
  try {
    make("ecmpp");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("ecmpp"), std::string::npos) << msg;
    for (const PolicyInfo& info : policies()) {
      EXPECT_NE(msg.find(std::string(info.name)), std::string::npos) << msg;
    }
  }
}

TEST(Registry, EveryListedPolicyCanBeMadeAndHasHelp) {
  std::set<std::string> names;
  for (const PolicyInfo& info : policies()) {
    EXPECT_FALSE(info.help.empty()) << info.name;
    EXPECT_NE(make(std::string(info.name)), nullptr) << info.name;
    names.insert(std::string(info.name));
  }
  for (const char* required : {"ecmp", "spray", "split"}) EXPECT_TRUE(names.count(required));
}

}  // namespace
}  // namespace fabricsim::routing
