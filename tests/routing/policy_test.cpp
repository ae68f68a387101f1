#include "routing/policy.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "routing/policies.hpp"
#include "routing/router.hpp"
#include "topo/leaf_spine.hpp"

namespace fabricsim::routing {
namespace {

using core::Time;

std::unique_ptr<Policy> make(const std::string& name, std::uint32_t subflows = 0,
                             std::uint64_t salt = 0) {
  PolicyParams params;
  params.name = name;
  params.subflows = subflows;
  params.salt = salt;
  return make_policy(params);
}

/// The candidates of a contiguous range, as the router hands them over.
Candidates ids(topo::PathRange range) { return Candidates(range); }

/// First-hop backlog per candidate, set by the test; remembers which paths were asked about.
class FakeOccupancy final : public PathOccupancy {
 public:
  FakeOccupancy(topo::PathRange candidates, std::int64_t bytes)
      : first_(candidates.first), bytes_(candidates.count, bytes) {}
  void set(topo::PathId path, std::int64_t bytes) { bytes_.at(path - first_) = bytes; }
  std::int64_t queued_bytes(topo::PathId path) const override {
    asked.push_back(path);
    return bytes_.at(path - first_);
  }
  std::int64_t link_queued_bytes(topo::LinkId) const override { return 0; }
  mutable std::vector<topo::PathId> asked;

 private:
  topo::PathId first_;
  std::vector<std::int64_t> bytes_;
};

/// Routes packets of one flow through a per-packet policy with a fixed-seed stream.
struct PacketRouter {
  const Policy& policy;
  FlowKey flow;
  topo::PathRange candidates;
  FakeOccupancy occupancy{candidates, 0};
  core::Rng rng{7, "routing.packets"};
  PacketRouteState state;

  topo::PathId route(Time now) {
    return policy.choose_packet({flow, ids(candidates), now, rng, occupancy}, state);
  }
};

topo::PathId ecmp_pick(const Policy& policy, const FlowKey& flow, topo::PathRange candidates) {
  std::vector<PathShare> out;
  policy.choose(flow, ids(candidates), out);
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

/// The plan of a step of `r` flows from leaf 0 to leaf 1 of a 2-leaf leaf-spine with `s`
/// spines, plus one flow within leaf 0 (last).
std::vector<std::uint32_t> planned(const Policy& policy, std::uint32_t r, std::uint32_t s) {
  const topo::Fabric fabric =
      topo::build_leaf_spine({.leaves = 2, .spines = s, .hosts_per_leaf = 2});
  const Router router(fabric, policy);
  std::vector<StepFlow> flows(r, StepFlow{0, 2, 1 << 20});
  flows.push_back({0, 1, 1 << 20});
  StepPlan plan;
  router.plan(flows, plan);
  // Pieces per flow, each unpinned, equal to within a byte and adding up to the flow.
  std::vector<std::uint32_t> out(flows.size(), 0);
  std::vector<std::int64_t> bytes(flows.size(), 0);
  for (const StepPlan::Piece& piece : plan.pieces()) {
    ++out.at(piece.flow);
    bytes[piece.flow] += piece.bytes;
    EXPECT_TRUE(plan.shares(piece).empty());
  }
  for (std::size_t i = 0; i < flows.size(); ++i) EXPECT_EQ(bytes[i], flows[i].bytes);
  EXPECT_EQ(out.back(), 1u) << "a flow within one leaf is never split";
  out.pop_back();
  for (const std::uint32_t k : out) EXPECT_EQ(k, out.front());
  return out;
}

TEST(Split, FixedSubflowCountIgnoresTheStep) {
  const auto split = make("split", 3);
  EXPECT_EQ(planned(*split, 6, 4).front(), 3u);
  EXPECT_EQ(planned(*split, 1, 16).front(), 3u);
  EXPECT_EQ(split->most_subflows(16, 16), 3u);
}

TEST(Split, AutoPlansTheBalancingRuleFromTheStepsFlowsAndTheLeafsUplinks) {
  const auto split = make("split", 0);
  EXPECT_EQ(planned(*split, 6, 4).front(), 2u);
  EXPECT_EQ(planned(*split, 16, 16).front(), 1u);
  EXPECT_EQ(planned(*split, 3, 16).front(), 16u);
  EXPECT_EQ(split->most_subflows(16, 16), 16u);
}

TEST(Ecmp, DoesNotSplitFlows) {
  EXPECT_EQ(planned(*make("ecmp"), 6, 4).front(), 1u);
  EXPECT_EQ(planned(*make("spray"), 6, 4).front(), 1u);
  EXPECT_EQ(make("ecmp")->most_subflows(16, 16), 1u);
}

TEST(Ecmp, PicksExactlyOneCandidateWithTheWholeFlow) {
  const auto ecmp = make("ecmp", 0, 7);
  const topo::PathRange candidates{100, 16};
  std::vector<PathShare> out{{1, 0.5}, {2, 0.5}};  // stale content must be replaced
  for (std::uint32_t port = 0; port < 200; ++port) {
    ecmp->choose({1, 2, port, 0}, ids(candidates), out);
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
    const FlowKey flow{port % 7, 100 + port % 5, port, 0};
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
    const FlowKey flow{3, 9, 10'000 + port, 0};
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
    ++hits[ecmp_pick(*ecmp, {i % 64, (i / 64) % 64, 49'152 + i, 0}, candidates)];
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
  for (std::uint32_t i = 0; i < 9000; ++i) ++hits[ecmp_pick(*ecmp, {1, 2, i, 0}, {0, 3})];
  ASSERT_EQ(hits.size(), 3u);
  for (const auto& [path, count] : hits) EXPECT_NEAR(count, 3000, 300) << "path " << path;
}

TEST(Spray, GivesEveryPathAnEqualShare) {
  const auto spray = make("spray");
  std::vector<PathShare> out;
  spray->choose({0, 1, 2, 3}, ids({40, 12}), out);
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
  make("spray")->choose({0, 2, 1, 1}, ids(fabric.paths_between_hosts(0, 2)), out);
  std::map<topo::LinkId, double> uplink_load;
  for (const PathShare& share : out) uplink_load[fabric.path(share.path).front()] += share.fraction;
  ASSERT_EQ(uplink_load.size(), fabric.uplink_count(0));
  for (const auto& [link, load] : uplink_load) EXPECT_DOUBLE_EQ(load, 0.25) << "link " << link;
}

TEST(PerPacket, OnlySprayingFlowletAdaptiveAndRepsRouteEachPacket) {
  const std::set<std::string_view> per_packet_names{"spray",    "spray_rr",     "flowlet",
                                                    "adaptive", "adaptive_hop", "reps"};
  for (const PolicyInfo& info : policies()) {
    const bool per_packet = per_packet_names.contains(info.name);
    EXPECT_EQ(make(std::string(info.name))->per_packet(), per_packet) << info.name;
  }
  const auto ecmp = make("ecmp");
  PacketRouter router{*ecmp, {1, 2, 3, 4}, {0, 4}};
  EXPECT_THROW(router.route(Time::us(1)), std::logic_error);
}

TEST(PerPacket, EveryPolicyRecordsThePathCountAndTime) {
  for (const char* name : {"spray", "spray_rr", "flowlet", "adaptive"}) {
    SCOPED_TRACE(name);
    const auto policy = make(name);
    PacketRouter router{*policy, {1, 2, 3, 4}, {20, 6}};
    for (std::uint32_t k = 1; k <= 50; ++k) {
      const Time now = Time::us(100 * k);  // beyond flowlet_gap: flowlet re-draws too
      const topo::PathId path = router.route(now);
      EXPECT_GE(path, 20u);
      EXPECT_LT(path, 26u);
      EXPECT_EQ(router.state.path, path);
      EXPECT_EQ(router.state.packets, k);
      EXPECT_EQ(router.state.last, now);
    }
  }
}

TEST(FlowModel, EveryPolicysSharesSumToOneOverCandidates) {
  const topo::PathRange candidates{10, 7};
  for (const PolicyInfo& info : policies()) {
    SCOPED_TRACE(info.name);
    const auto policy = make(std::string(info.name), 0, 5);
    std::vector<PathShare> out;
    policy->choose({1, 2, 3, 4}, ids(candidates), out);
    double total = 0;
    for (const PathShare& share : out) {
      EXPECT_GE(share.path, 10u);
      EXPECT_LT(share.path, 17u);
      total += share.fraction;
    }
    EXPECT_NEAR(total, 1.0, 1e-12);
    // Evenly spread policies give every candidate a share; the others one hashed path.
    EXPECT_EQ(out.size(), policy->spreads_evenly() ? 7u : 1u);
  }
}

TEST(FlowModel, SprayRrAndAdaptiveSpreadEvenlyFlowletIsTheEcmpPath) {
  EXPECT_TRUE(make("spray_rr")->spreads_evenly());
  EXPECT_TRUE(make("adaptive")->spreads_evenly());
  EXPECT_FALSE(make("flowlet")->spreads_evenly());
  const auto ecmp = make("ecmp", 0, 11);
  const auto flowlet = make("flowlet", 0, 11);
  for (std::uint32_t port = 0; port < 100; ++port) {
    const FlowKey flow{2, 5, port, 0};
    EXPECT_EQ(ecmp_pick(*flowlet, flow, {0, 8}), ecmp_pick(*ecmp, flow, {0, 8}));
  }
}

TEST(SprayRr, VisitsEveryCandidateOncePerRound) {
  const auto rr = make("spray_rr", 0, 3);
  PacketRouter router{*rr, {4, 9, 1000, 0}, {30, 5}};
  for (int round = 0; round < 4; ++round) {
    std::set<topo::PathId> seen;
    for (int k = 0; k < 5; ++k) seen.insert(router.route(Time::ns(k)));
    EXPECT_EQ(seen, (std::set<topo::PathId>{30, 31, 32, 33, 34})) << "round " << round;
  }
}

TEST(SprayRr, FlowsStartAtEveryOffset) {
  // 800 tuples over 8 candidates: 100 expected per offset; all eight must occur, and no
  // offset may take more than twice its share.
  const auto rr = make("spray_rr", 0, 3);
  std::map<topo::PathId, int> starts;
  for (std::uint32_t port = 0; port < 800; ++port) {
    PacketRouter router{*rr, {port % 16, 16 + port % 3, port, 0}, {0, 8}};
    ++starts[router.route(Time::us(1))];
  }
  ASSERT_EQ(starts.size(), 8u);
  for (const auto& [path, count] : starts) EXPECT_LT(count, 200) << "offset " << path;
}

TEST(Spray, DrawsEachPacketUniformly) {
  // 16,000 packets over 16 candidates: 1000 expected per path, sd ~31; +-20% is 6 sigma.
  const auto spray = make("spray");
  PacketRouter router{*spray, {1, 2, 3, 4}, {100, 16}};
  std::map<topo::PathId, int> hits;
  for (int k = 0; k < 16'000; ++k) ++hits[router.route(Time::ns(k))];
  ASSERT_EQ(hits.size(), 16u);
  for (const auto& [path, count] : hits) {
    EXPECT_GT(count, 800) << "path " << path;
    EXPECT_LT(count, 1200) << "path " << path;
  }
}

TEST(Flowlet, FirstPacketTakesTheEcmpPath) {
  const auto ecmp = make("ecmp", 0, 21);
  const auto flowlet = make("flowlet", 0, 21);
  for (std::uint32_t port = 0; port < 200; ++port) {
    const FlowKey flow{port % 5, 7, port, 0};
    PacketRouter router{*flowlet, flow, {40, 16}};
    EXPECT_EQ(router.route(Time::us(3)), ecmp_pick(*ecmp, flow, {40, 16})) << "port " << port;
  }
}

TEST(Flowlet, KeepsThePathWhileGapsStayWithinFlowletGap) {
  // Default gap 50 us: packets 1 ps to exactly 50 us apart never leave the first path.
  const auto flowlet = make("flowlet");
  PacketRouter router{*flowlet, {1, 2, 3, 4}, {0, 16}};
  Time now = Time::us(1);
  const topo::PathId first = router.route(now);
  for (std::int64_t k = 0; k < 1000; ++k) {
    now += Time::ps(1 + k * (50'000'000 - 1) / 999);  // 1 ps up to exactly 50 us
    EXPECT_EQ(router.route(now), first) << "packet " << k;
  }
}

TEST(Flowlet, RedrawsAfterALongerGap) {
  // A gap 1 ps longer than flowlet_gap draws a random path: over 400 such gaps with 16
  // candidates the path changes 375 times on average (sd ~5); require more than 300.
  PolicyParams params;
  params.name = "flowlet";
  params.flowlet_gap = Time::us(10);
  const auto flowlet = make_policy(params);
  PacketRouter router{*flowlet, {1, 2, 3, 4}, {0, 16}};
  Time now = Time::us(1);
  topo::PathId previous = router.route(now);
  int changes = 0;
  for (int k = 0; k < 400; ++k) {
    now += Time::us(10) + Time::ps(1);
    const topo::PathId path = router.route(now);
    changes += path != previous;
    previous = path;
    now += Time::us(10);  // exactly the gap: the new flowlet keeps its path
    EXPECT_EQ(router.route(now), path);
  }
  EXPECT_GT(changes, 300);
}

TEST(Adaptive, NeverTakesTheMoreLoadedOfItsTwoDraws) {
  // Every candidate has its own backlog; the two paths the policy asks about are its draws.
  const auto adaptive = make("adaptive");
  PacketRouter router{*adaptive, {1, 2, 3, 4}, {50, 8}};
  for (topo::PathId p = 50; p < 58; ++p) router.occupancy.set(p, (p * 7919) % 8 * 1000);
  std::set<topo::PathId> chosen;
  for (int k = 0; k < 2000; ++k) {
    router.occupancy.asked.clear();
    const topo::PathId path = router.route(Time::ns(k));
    const std::set<topo::PathId> drawn(router.occupancy.asked.begin(),
                                       router.occupancy.asked.end());
    ASSERT_EQ(drawn.size(), 2u) << "two distinct candidates";
    ASSERT_TRUE(drawn.count(path));
    for (const topo::PathId other : drawn) {
      EXPECT_LE(router.occupancy.queued_bytes(path), router.occupancy.queued_bytes(other));
    }
    chosen.insert(path);
  }
  EXPECT_EQ(chosen.size(), 7u) << "all but the most loaded candidate";
}

TEST(Adaptive, TieGoesToTheFirstDraw) {
  const auto adaptive = make("adaptive");
  PacketRouter router{*adaptive, {1, 2, 3, 4}, {50, 8}};
  for (int k = 0; k < 200; ++k) {
    core::Rng copy = router.rng;
    const topo::PathId first_draw = 50 + static_cast<topo::PathId>(copy.below(8));
    EXPECT_EQ(router.route(Time::ns(k)), first_draw);
  }
}

TEST(Adaptive, FindsTheOneIdleCandidate) {
  // One idle path among 8 loaded ones is in a random pair with probability 2/8, twice the
  // 1/8 of a blind draw: 2000 of 8000 packets expected (sd ~39); require more than 1600.
  const auto adaptive = make("adaptive");
  PacketRouter router{*adaptive, {1, 2, 3, 4}, {0, 8}};
  for (topo::PathId p = 0; p < 8; ++p) router.occupancy.set(p, p == 3 ? 0 : 64 * 1024);
  int idle = 0;
  for (int k = 0; k < 8000; ++k) idle += router.route(Time::ns(k)) == 3;
  EXPECT_GT(idle, 1600);
}

TEST(Adaptive, SingleCandidateIsTaken) {
  const auto adaptive = make("adaptive");
  PacketRouter router{*adaptive, {1, 2, 3, 4}, {9, 1}};
  EXPECT_EQ(router.route(Time::ns(1)), 9u);
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
  for (const char* required : {"ecmp", "spray", "spray_rr", "flowlet", "adaptive", "split"})
    EXPECT_TRUE(names.count(required));
}

}  // namespace
}  // namespace fabricsim::routing
