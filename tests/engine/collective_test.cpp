// Collectives through the engine: analytic completion times of uncontended rounds (each round
// ends its slowest flow's bytes/B plus route latency after its release) and a YAML scenario.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "engine/simulation.hpp"

namespace fabricsim::engine {
namespace {

using core::Bitrate;
using core::Bytes;
using core::Time;

/// A 2-leaf x 4-spine fabric, 8 hosts per leaf, 100 Gb/s and 1 us everywhere, exact completions.
scenario::Scenario fabric(traffic::CollectiveSpec spec) {
  scenario::Scenario s;
  std::get<topo::LeafSpineSpec>(s.topology).leaves = 2;
  std::get<topo::LeafSpineSpec>(s.topology).spines = 4;
  std::get<topo::LeafSpineSpec>(s.topology).hosts_per_leaf = 8;
  std::get<topo::LeafSpineSpec>(s.topology).host_link = {Bitrate::gbps(100), Time::us(1)};
  std::get<topo::LeafSpineSpec>(s.topology).fabric_link = {Bitrate::gbps(100), Time::us(1)};
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
  EXPECT_NEAR(static_cast<double>(t - 14 * 2'000'000), static_cast<double>(kBoundPs),
              0.02 * kBoundPs);
}

TEST(Collectives, RingAllReduceAcrossLeavesAddsTheLongerRouteEachRound) {
  // Ranks 0-3 on leaf 0 (hosts 0-3), ranks 4-7 on leaf 1 (hosts 8-11), listed placement:
  // the ring crosses the spines twice per round; a round ends with its slowest flow, whose
  // route is 4 links = 4 us. The spines carry 2 flows on 4 paths: never a bottleneck.
  traffic::CollectiveSpec spec{.bytes = Bytes(8 << 20)};
  spec.placement = {traffic::Placement::Kind::listed, 0, 0, 1, {0, 1, 2, 3, 8, 9, 10, 11}};
  const std::int64_t t = duration(fabric(spec));
  EXPECT_EQ(t, 14 * (kRoundPs + 4'000'000));
  EXPECT_NEAR(static_cast<double>(t - 14 * 4'000'000), static_cast<double>(kBoundPs),
              0.02 * kBoundPs);
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
  traffic::CollectiveSpec spec{.algorithm = traffic::Algorithm::double_binary_tree,
                               .bytes = Bytes(8 << 20)};
  spec.placement = {traffic::Placement::Kind::contiguous, 8, 0};
  const std::int64_t whole = duration(fabric(spec));
  spec.chunks = 8;
  EXPECT_LT(duration(fabric(spec)), whole);
}

TEST(Collectives, IterationsAddTheirComputeTimeBetweenThem) {
  // Ring reduce-scatter of M = 4 MiB on N = 4 GPUs of leaf 0: N-1 = 3 rounds of M/N = 1 MiB,
  // each 83,886,080 ps (1 MiB at 100 Gb/s) + 2 us; 3 iterations with 50 us compute between:
  // 3 x 3 x (83,886,080 + 2,000,000) + 2 x 50,000,000 ps.
  traffic::CollectiveSpec spec{.op = traffic::CollectiveSpec::Op::reduce_scatter,
                               .bytes = Bytes(4 << 20),
                               .iterations = 3,
                               .compute = Time::us(50)};
  spec.placement = {traffic::Placement::Kind::contiguous, 4, 0};
  EXPECT_EQ(duration(fabric(spec)), 9 * (kRoundPs + 2'000'000) + 2 * 50'000'000);
}

const std::string kGood = std::string(FABRICSIM_SOURCE_DIR) + "/tests/scenarios/good/";

TEST(Collectives, YamlScenarioLoadsRunsAndRoundTrips) {
  const scenario::Scenario s = scenario::load(kGood + "collectives.yaml");
  ASSERT_EQ(s.workloads.size(), 3u);
  const auto& ring = std::get<traffic::CollectiveSpec>(s.workloads[0]);
  EXPECT_EQ(ring.chunks, 2u);
  EXPECT_EQ(ring.iterations, 2u);
  EXPECT_EQ(ring.compute, Time::us(10));
  const auto& rs = std::get<traffic::CollectiveSpec>(s.workloads[1]);
  EXPECT_EQ(rs.op, traffic::CollectiveSpec::Op::reduce_scatter);
  EXPECT_EQ(rs.algorithm, traffic::Algorithm::halving_doubling);
  const auto& a2a = std::get<traffic::AllToAllSpec>(s.workloads[2]);
  EXPECT_EQ(a2a.algorithm, traffic::Algorithm::pairwise);
  EXPECT_EQ(a2a.chunks, 3u);

  // to_yaml writes every collective key; loading it back gives equal specs.
  const std::string path = testing::TempDir() + "fabricsim_collectives_round_trip.yaml";
  std::ofstream(path) << scenario::to_yaml(s);
  const scenario::Scenario back = scenario::load(path);
  ASSERT_EQ(back.workloads.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_TRUE(back.workloads[i] == s.workloads[i]) << i;

  // The jobs use disjoint hosts, each on one leaf (host links 100 Gb/s, 2 us per route).
  Simulation sim(s);
  const metrics::Results r = sim.run();
  ASSERT_EQ(r.info.status, "complete");
  std::map<std::uint32_t, std::int64_t> end;
  std::map<std::uint32_t, int> steps;
  for (const metrics::StepRecord& step : r.steps) {
    end[step.workload] = std::max(end[step.workload], step.end_ps);
    ++steps[step.workload];
  }
  // Job 0, ring all-reduce of 1 MiB on 4 GPUs in 2 chunks: 6 rounds per chunk of 128 KiB shards
  // (10,485,760 ps alone). By the pipelining rule chunk 0 round s+1 runs with chunk 1 round s
  // on the same ring links, so 5 of the 7 waves share each link between 2 flows (20,971,520 ps)
  // and 2 run alone: 2 x 10,485,760 + 5 x 20,971,520 = the bound 2(N-1)/N M/B, plus 7 route
  // latencies of 2 us. Two iterations and 10 us of compute: 2 x 139,829,120 + 10,000,000.
  EXPECT_EQ(steps[0], 2 * 12 + 1);
  EXPECT_NEAR(static_cast<double>(end[0]), 289'658'240.0, 10.0);
  // Job 1, halving reduce-scatter of 3,000,001 B on 2 GPUs: one round, the larger half
  // 1,500,001 B at 100 Gb/s = 120,000,080 ps, + 2 us.
  EXPECT_EQ(steps[1], 1);
  EXPECT_NEAR(static_cast<double>(end[1]), 122'000'080.0, 10.0);
  // Job 2, pairwise all-to-all of 64 KiB on 2 GPUs in 3 chunks (21,846 + 21,845 + 21,845 B),
  // one round each, chained, after a 5 us start: 5 us + 1,747,680 + 2 x 1,747,600 ps + 3 x 2 us.
  EXPECT_EQ(steps[2], 3);
  EXPECT_NEAR(static_cast<double>(end[2]), 16'242'880.0, 10.0);
}

}  // namespace
}  // namespace fabricsim::engine
