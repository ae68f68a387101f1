#include <gtest/gtest.h>

#include "engine/simulation.hpp"

namespace fabricsim::engine {
namespace {

using core::Bitrate;
using core::Bytes;
using core::Time;

/// A 2-leaf x 4-spine fabric, 8 hosts per leaf, 100 Gb/s and 1 us everywhere, exact completions.
scenario::Scenario fabric(traffic::CollectiveSpec spec) {
  scenario::Scenario s;
  s.topology.leaves = 2;
  s.topology.spines = 4;
  s.topology.hosts_per_leaf = 8;
  s.topology.host_link = {Bitrate::gbps(100), Time::us(1)};
  s.topology.fabric_link = {Bitrate::gbps(100), Time::us(1)};
  s.flow.batch_tolerance = 0;
  s.workloads = {spec};
  return s;
}

std::int64_t duration(const scenario::Scenario& s) {
  Simulation sim(s);
  const metrics::Results r = sim.run();
  EXPECT_EQ(r.info.status, "complete");
  return r.info.sim_end_ps;
}

// Ring all-reduce of M = 8 MiB on N = 8 GPUs at B = 100 Gb/s: 2(N-1) = 14 rounds, each moving
// M/N = 1 MiB per GPU to its successor; uncontended, a round takes M/N/B = 83,886,080 ps plus
// its route latency. The bandwidth term alone is the lower bound 2(N-1)/N x M/B.
constexpr std::int64_t kRoundPs = 83'886'080;
constexpr std::int64_t kBoundPs = 14 * kRoundPs;

TEST(Collectives, RingAllReduceOnOneLeafMeetsTheBound) {
  // All 8 GPUs on leaf 0: each round crosses host uplink + downlink, 2 x 1 us.
  traffic::CollectiveSpec spec{.bytes = Bytes(8 << 20)};
  spec.placement = {traffic::Placement::Kind::contiguous, 8, 0};
  const std::int64_t t = duration(fabric(spec));
  EXPECT_EQ(t, 14 * (kRoundPs + 2'000'000));
  EXPECT_NEAR(static_cast<double>(t - 14 * 2'000'000), static_cast<double>(kBoundPs), 0.02 * kBoundPs);
}

TEST(Collectives, RingAllReduceAcrossLeavesAddsTheLongerRouteEachRound) {
  // Ranks 0-3 on leaf 0 (hosts 0-3), ranks 4-7 on leaf 1 (hosts 8-11), listed placement:
  // the ring crosses the spines twice per round; a round ends with its slowest flow, whose
  // route is 4 links = 4 us. The spines carry 2 flows on 4 paths: never a bottleneck.
  traffic::CollectiveSpec spec{.bytes = Bytes(8 << 20)};
  spec.placement = {traffic::Placement::Kind::listed, 0, 0, 1, {0, 1, 2, 3, 8, 9, 10, 11}};
  const std::int64_t t = duration(fabric(spec));
  EXPECT_EQ(t, 14 * (kRoundPs + 4'000'000));
  EXPECT_NEAR(static_cast<double>(t - 14 * 4'000'000), static_cast<double>(kBoundPs), 0.02 * kBoundPs);
}

TEST(Collectives, EveryAllReduceAlgorithmFinishesNoFasterThanTheBandwidthBound) {
  for (const auto algorithm : {traffic::Algorithm::ring, traffic::Algorithm::double_binary_tree,
                               traffic::Algorithm::halving_doubling, traffic::Algorithm::direct}) {
    traffic::CollectiveSpec spec{.algorithm = algorithm, .bytes = Bytes(8 << 20), .chunks = 4};
    spec.placement = {traffic::Placement::Kind::contiguous, 8, 0};
    EXPECT_GE(duration(fabric(spec)), kBoundPs) << traffic::algorithm_name(algorithm);
  }
}

TEST(Collectives, ChunkingPipelinesATreeBelowItsUnchunkedTime) {
  // A double binary tree moves the whole half-buffer per hop; with 8 chunks the hops overlap.
  traffic::CollectiveSpec spec{.algorithm = traffic::Algorithm::double_binary_tree, .bytes = Bytes(8 << 20)};
  spec.placement = {traffic::Placement::Kind::contiguous, 8, 0};
  const std::int64_t whole = duration(fabric(spec));
  spec.chunks = 8;
  EXPECT_LT(duration(fabric(spec)), whole);
}

}  // namespace
}  // namespace fabricsim::engine
