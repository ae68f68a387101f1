#include "flow/max_min.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace fabricsim::flow {
namespace {

std::uint32_t add(MaxMinSolver& solver, std::vector<LinkUse> uses) { return solver.add(uses); }

TEST(MaxMin, TwoFlowsOnOneLinkGetHalfEach) {
  // One link of capacity 100: two flows share it equally, 50 each.
  MaxMinSolver solver({100.0});
  const auto a = add(solver, {{0, 1.0}});
  const auto b = add(solver, {{0, 1.0}});
  solver.solve();
  EXPECT_DOUBLE_EQ(solver.rate(a), 50.0);
  EXPECT_DOUBLE_EQ(solver.rate(b), 50.0);
}

TEST(MaxMin, ParkingLotGivesEveryFlowOnEqualLinksTheSameShare) {
  // Three links of capacity 1 in a chain; a long flow crosses all three, one short flow per
  // link. Every link carries two flows, so every flow gets 1/2.
  MaxMinSolver solver({1.0, 1.0, 1.0});
  const auto longf = add(solver, {{0, 1.0}, {1, 1.0}, {2, 1.0}});
  const auto s0 = add(solver, {{0, 1.0}});
  const auto s1 = add(solver, {{1, 1.0}});
  const auto s2 = add(solver, {{2, 1.0}});
  solver.solve();
  for (const auto f : {longf, s0, s1, s2}) EXPECT_DOUBLE_EQ(solver.rate(f), 0.5);
}

TEST(MaxMin, ParkingLotWithUnequalLinksGivesLeftoverToTheShortFlow) {
  // Links L0 = 1, L1 = 2. The long flow crosses both; f0 uses L0, f1 uses L1.
  // L0 saturates first at level 1/2 (long = f0 = 0.5); L1 then has 2 - 0.5 = 1.5 for f1.
  MaxMinSolver solver({1.0, 2.0});
  const auto longf = add(solver, {{0, 1.0}, {1, 1.0}});
  const auto f0 = add(solver, {{0, 1.0}});
  const auto f1 = add(solver, {{1, 1.0}});
  solver.solve();
  EXPECT_DOUBLE_EQ(solver.rate(longf), 0.5);
  EXPECT_DOUBLE_EQ(solver.rate(f0), 0.5);
  EXPECT_DOUBLE_EQ(solver.rate(f1), 1.5);
}

TEST(MaxMin, FlowLimitedByItsHostLinkLeavesTheRestOfTheFabricLink) {
  // Host link of A is 100, fabric link is 400, shared by A and B (B's host link is 400).
  // A is held to 100 by its host link; B takes the remaining 300 of the fabric link.
  MaxMinSolver solver({100.0, 400.0, 400.0});
  const auto a = add(solver, {{0, 1.0}, {1, 1.0}});
  const auto b = add(solver, {{2, 1.0}, {1, 1.0}});
  solver.solve();
  EXPECT_DOUBLE_EQ(solver.rate(a), 100.0);
  EXPECT_DOUBLE_EQ(solver.rate(b), 300.0);
}

TEST(MaxMin, SprayedFlowCountsItsFractionOnEachPath) {
  // Flow S sprays half its rate on each of links 0 and 1 (capacity 1); flow P uses link 0.
  // Link 0 carries 0.5 x + x = 1 at saturation, so x = 2/3 for both flows; link 1 then
  // carries 1/3 and is not a bottleneck.
  MaxMinSolver solver({1.0, 1.0});
  const auto s = add(solver, {{0, 0.5}, {1, 0.5}});
  const auto p = add(solver, {{0, 1.0}});
  solver.solve();
  EXPECT_NEAR(solver.rate(s), 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(solver.rate(p), 2.0 / 3.0, 1e-12);
}

TEST(MaxMin, RemovedFlowReleasesItsShare) {
  MaxMinSolver solver({10.0});
  const auto a = add(solver, {{0, 1.0}});
  const auto b = add(solver, {{0, 1.0}});
  solver.solve();
  solver.remove(a);
  solver.solve();
  EXPECT_DOUBLE_EQ(solver.rate(b), 10.0);
  EXPECT_EQ(solver.active().size(), 1u);
}

TEST(MaxMin, RejectsNonPositiveCapacity) {
  EXPECT_THROW(MaxMinSolver({1.0, 0.0}), std::invalid_argument);
  MaxMinSolver solver({1.0});
  EXPECT_THROW(solver.set_capacity(0, -1.0), std::invalid_argument);
}

TEST(MaxMin, DownLinkStopsItsFlowsAndTheOthersTakeWhatTheyLeave) {
  // Link 0 (capacity 1) carries a; link 1 (capacity 1) carries a and b: 0.5 each. Link 0 goes
  // down: a stops (rate 0, exactly) and b takes all of link 1. Link 0 back: 0.5 each again.
  // Link 0 up to 3: link 1 still binds, nothing moves.
  MaxMinSolver solver({1.0, 1.0});
  const auto a = add(solver, {{0, 1.0}, {1, 1.0}});
  const auto b = add(solver, {{1, 1.0}});
  solver.solve();
  solver.set_capacity(0, 0.0);
  solver.solve();
  EXPECT_EQ(solver.rate(a), 0.0);
  EXPECT_EQ(solver.group(a), 0u);
  EXPECT_DOUBLE_EQ(solver.rate(b), 1.0);
  solver.set_capacity(0, 1.0);
  solver.solve();
  EXPECT_DOUBLE_EQ(solver.rate(a), 0.5);
  EXPECT_DOUBLE_EQ(solver.rate(b), 0.5);
  solver.set_capacity(0, 3.0);
  solver.solve();
  EXPECT_TRUE(solver.refrozen().empty())
      << "a rise on a link that bottlenecks no flow re-solves nothing";
  EXPECT_DOUBLE_EQ(solver.rate(a), 0.5);
}

TEST(MaxMin, DepartureThatMakesANewBottleneckReLevelsWithThatLink) {
  // Link 0 (capacity 3) carries p, q, r: 1 each. p and q also cross link 1 (capacity 2.5,
  // load 2: no bottleneck). Link 2 (capacity 1) carries s and t: 0.5 each, slower than all.
  // r leaves: p and q would rise to 1.5 on link 0, 3 > 2.5 on link 1, so link 1 binds at
  // 1.25 and becomes their group; s and t keep their group and level (not re-solved).
  MaxMinSolver solver({3.0, 2.5, 1.0});
  const auto p = add(solver, {{0, 1.0}, {1, 1.0}});
  const auto q = add(solver, {{0, 1.0}, {1, 1.0}});
  const auto r = add(solver, {{0, 1.0}});
  const auto s = add(solver, {{2, 1.0}});
  const auto t = add(solver, {{2, 1.0}});
  solver.solve();
  EXPECT_DOUBLE_EQ(solver.rate(p), 1.0);
  EXPECT_EQ(solver.group(p), 0u);
  solver.remove(r);
  solver.solve();
  EXPECT_DOUBLE_EQ(solver.rate(p), 1.25);
  EXPECT_DOUBLE_EQ(solver.rate(q), 1.25);
  EXPECT_EQ(solver.group(p), 1u);
  EXPECT_EQ(solver.group(q), 1u);
  EXPECT_DOUBLE_EQ(solver.rate(s), 0.5);
  EXPECT_DOUBLE_EQ(solver.rate(t), 0.5);
  EXPECT_TRUE(std::find(solver.refrozen().begin(), solver.refrozen().end(), 2u) ==
              solver.refrozen().end());
  EXPECT_EQ(solver.group_count(), 2u);
}

/// Rates of `active` flows solved from scratch by a fresh solver (its first solve is full).
/// Capacities may be 0: the fresh solver gets them before any flow.
std::vector<double> from_scratch(const MaxMinSolver& solver, const std::vector<double>& capacity) {
  MaxMinSolver fresh(std::vector<double>(capacity.size(), 1.0));
  for (std::uint32_t l = 0; l < capacity.size(); ++l) fresh.set_capacity(l, capacity[l]);
  for (const std::uint32_t f : solver.active()) fresh.add(solver.uses(f));
  fresh.solve();
  std::vector<double> rates;
  for (std::uint32_t i = 0; i < solver.active().size(); ++i) rates.push_back(fresh.rate(i));
  return rates;
}

TEST(MaxMin, IncrementalSolvesEqualSolvesFromScratchOnRandomFlowSets) {
  // Random links and flows (1-4 links each, whole or halved fractions); batches of flows come
  // and go, and after every solve each active flow's rate equals the from-scratch solve's.
  for (std::uint32_t seed = 1; seed <= 8; ++seed) {
    std::mt19937_64 rng(seed);
    const std::uint32_t links = 4 + static_cast<std::uint32_t>(rng() % 24);
    std::vector<double> capacity;
    for (std::uint32_t l = 0; l < links; ++l)
      capacity.push_back(1.0 + static_cast<double>(rng() % 9));
    MaxMinSolver solver(capacity);
    std::uint64_t partial = 0;
    for (int round = 0; round < 150; ++round) {
      const std::uint64_t arrivals = rng() % 6, departures = rng() % 6;
      for (std::uint64_t i = 0; i < arrivals; ++i) {
        std::vector<LinkUse> uses;
        const std::uint64_t hops = 1 + rng() % 4;
        for (std::uint64_t h = 0; h < hops; ++h) {
          const auto l = static_cast<std::uint32_t>(rng() % links);
          if (std::none_of(uses.begin(), uses.end(),
                           [&](const LinkUse& u) { return u.link == l; })) {
            uses.push_back({l, rng() % 3 == 0 ? 0.5 : 1.0});
          }
        }
        solver.add(uses);
      }
      for (std::uint64_t i = 0; i < departures && !solver.active().empty(); ++i) {
        solver.remove(solver.active()[rng() % solver.active().size()]);
      }
      solver.solve();
      if (solver.refrozen().size() < solver.group_count()) ++partial;
      const std::vector<double> expected = from_scratch(solver, capacity);
      for (std::size_t i = 0; i < expected.size(); ++i) {
        const std::uint32_t f = solver.active()[i];
        EXPECT_NEAR(solver.rate(f), expected[i], 1e-9 * expected[i])
            << "seed " << seed << " round " << round;
      }
    }
    EXPECT_GT(partial, 0u) << "some solves must have kept levels (seed " << seed << ")";
  }
}

TEST(MaxMin, DeparturesReLevelGroupsAndMoveFlowsExactlyAsFromScratch) {
  // Departures alone take the re-levelling path (groups keep their flows unless a flow must
  // freeze on another group's link). Flows leave one at a time until none is left; after
  // every solve each rate equals the from-scratch solve's, and some solves moved flows.
  std::uint64_t moved = 0;
  for (std::uint32_t seed = 1; seed <= 8; ++seed) {
    std::mt19937_64 rng(100 + seed);
    const std::uint32_t links = 6 + static_cast<std::uint32_t>(rng() % 10);
    std::vector<double> capacity;
    for (std::uint32_t l = 0; l < links; ++l)
      capacity.push_back(1.0 + static_cast<double>(rng() % 5));
    MaxMinSolver solver(capacity);
    for (int i = 0; i < 80; ++i) {
      std::vector<LinkUse> uses;
      for (std::uint64_t h = 0, hops = 1 + rng() % 3; h < hops; ++h) {
        const auto l = static_cast<std::uint32_t>(rng() % links);
        if (std::none_of(uses.begin(), uses.end(), [&](const LinkUse& u) { return u.link == l; })) {
          uses.push_back({l, rng() % 4 == 0 ? 0.25 : 1.0});
        }
      }
      solver.add(uses);
    }
    solver.solve();
    while (!solver.active().empty()) {
      solver.remove(solver.active()[rng() % solver.active().size()]);
      solver.solve();
      for (const MaxMinSolver::Move& m : solver.moves()) {
        if (m.from != MaxMinSolver::kNoGroup) ++moved;
      }
      const std::vector<double> expected = from_scratch(solver, capacity);
      for (std::size_t i = 0; i < expected.size(); ++i) {
        const std::uint32_t f = solver.active()[i];
        EXPECT_NEAR(solver.rate(f), expected[i], 1e-9 * expected[i]) << "seed " << seed;
        const std::uint32_t g = solver.group(f);
        ASSERT_NE(g, MaxMinSolver::kNoGroup);
        EXPECT_TRUE(std::any_of(solver.uses(f).begin(), solver.uses(f).end(),
                                [&](const LinkUse& u) { return u.link == g; }))
            << "a flow's group is a link it crosses";
      }
    }
  }
  EXPECT_GT(moved, 0u) << "some departures must move flows between groups";
}

TEST(MaxMin, SolvesAfterCapacityChangesEqualSolvesFromScratch) {
  // Random flow sets; every round some flows come and go and 1-3 links change capacity:
  // down (0), back to their first capacity, or to a random one (up or down). After every
  // solve each active flow's rate equals the from-scratch solve's (exactly 0 on a down link).
  std::uint64_t partial = 0, stopped = 0;
  for (std::uint32_t seed = 1; seed <= 8; ++seed) {
    std::mt19937_64 rng(200 + seed);
    const std::uint32_t links = 4 + static_cast<std::uint32_t>(rng() % 16);
    std::vector<double> first;
    for (std::uint32_t l = 0; l < links; ++l) first.push_back(1.0 + static_cast<double>(rng() % 9));
    std::vector<double> capacity = first;
    MaxMinSolver solver(capacity);
    for (int round = 0; round < 150; ++round) {
      for (std::uint64_t i = 0, n = rng() % 5; i < n; ++i) {
        std::vector<LinkUse> uses;
        for (std::uint64_t h = 0, hops = 1 + rng() % 4; h < hops; ++h) {
          const auto l = static_cast<std::uint32_t>(rng() % links);
          if (std::none_of(uses.begin(), uses.end(),
                           [&](const LinkUse& u) { return u.link == l; })) {
            uses.push_back({l, rng() % 3 == 0 ? 0.5 : 1.0});
          }
        }
        solver.add(uses);
      }
      for (std::uint64_t i = 0, n = rng() % 4; i < n && !solver.active().empty(); ++i) {
        solver.remove(solver.active()[rng() % solver.active().size()]);
      }
      for (std::uint64_t i = 0, n = 1 + rng() % 3; i < n; ++i) {
        const auto l = static_cast<std::uint32_t>(rng() % links);
        const std::uint64_t kind = rng() % 3;
        capacity[l] = kind == 0   ? 0.0
                      : kind == 1 ? first[l]
                                  : 0.5 + static_cast<double>(rng() % 12);
        solver.set_capacity(l, capacity[l]);
      }
      solver.solve();
      if (solver.refrozen().size() < solver.group_count()) ++partial;
      const std::vector<double> expected = from_scratch(solver, capacity);
      for (std::size_t i = 0; i < expected.size(); ++i) {
        const std::uint32_t f = solver.active()[i];
        if (expected[i] == 0.0) ++stopped;
        EXPECT_NEAR(solver.rate(f), expected[i], 1e-9 * expected[i])
            << "seed " << seed << " round " << round;
      }
    }
  }
  EXPECT_GT(partial, 0u) << "some solves must have kept levels";
  EXPECT_GT(stopped, 0u) << "some flows must have crossed a down link";
}

TEST(MaxMin, LeavingFlowKeepsSlowerFlowsUntouched) {
  // Link 0 (capacity 1) carries a and b: 0.5 each. Link 1 (capacity 10) carries b and c:
  // c gets 9.5. a and b are slower than c, so when c leaves they keep their rates and the
  // re-solve sets none.
  MaxMinSolver solver({1.0, 10.0});
  const auto a = add(solver, {{0, 1.0}});
  const auto b = add(solver, {{0, 1.0}, {1, 1.0}});
  const auto c = add(solver, {{1, 1.0}});
  solver.solve();
  EXPECT_DOUBLE_EQ(solver.rate(c), 9.5);
  solver.remove(c);
  solver.solve();
  EXPECT_TRUE(solver.refrozen().empty());
  EXPECT_DOUBLE_EQ(solver.rate(a), 0.5);
  EXPECT_DOUBLE_EQ(solver.rate(b), 0.5);
}

}  // namespace
}  // namespace fabricsim::flow
