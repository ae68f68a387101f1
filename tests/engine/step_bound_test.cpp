#include "engine/step_bound.hpp"

#include <gtest/gtest.h>

#include "topo/leaf_spine.hpp"

namespace fabricsim::engine {
namespace {

using core::Bitrate;
using core::Bytes;
using core::Time;

constexpr std::int64_t kMiB = 1 << 20;
// 1 MiB at 100 Gb/s: 2^20 x 8 bits / 1e11 bit/s = 83,886,080 ps.
constexpr std::int64_t kMiBAt100G = 83'886'080;
constexpr std::int64_t kHop = 1'000'000;  // every link: 1 us

/// `leaves` x `spines` leaf-spine, `hosts` per leaf, every link 100 Gb/s and 1 us.
topo::Fabric fabric(std::uint32_t leaves, std::uint32_t spines, std::uint32_t hosts,
                    std::uint32_t links_per_pair = 1) {
  topo::LeafSpineSpec spec;
  spec.leaves = leaves;
  spec.spines = spines;
  spec.hosts_per_leaf = hosts;
  spec.links_per_pair = links_per_pair;
  spec.host_link = {Bitrate::gbps(100), Time::us(1)};
  spec.fabric_link = {Bitrate::gbps(100), Time::us(1)};
  return topo::build_leaf_spine(spec);
}

traffic::Step step_of(std::vector<traffic::Demand> demands, Time compute = {}) {
  traffic::Step step;
  step.kind = "test";
  step.compute = compute;
  step.demands = std::move(demands);
  return step;
}

TEST(StepBound, PermutationIsOneFlowAtHostRatePlusItsLatency) {
  // 4x4x4: host i sends 1 MiB to host i + 4 (the next leaf). Each host link carries 1 MiB:
  // 83,886,080 ps, plus the 4 hops host-leaf-spine-leaf-host. Each leaf's 4 uplinks carry
  // 4 MiB at 400 Gb/s: the same 83,886,080 ps plus 1 hop before and 3 after: a tie, so the
  // host uplink of the first host (node 0) names the bound.
  const topo::Fabric fab = fabric(4, 4, 4);
  std::vector<traffic::Demand> demands;
  for (std::uint32_t h = 0; h < 16; ++h) demands.push_back({h, (h + 4) % 16, Bytes(kMiB)});
  StepBounds bounds(fab);
  const StepBound b = bounds(step_of(demands));
  EXPECT_EQ(b.duration.ps(), kMiBAt100G + 4 * kHop);
  EXPECT_EQ(b.by, BoundBy::host_uplink);
  EXPECT_EQ(b.node, 0);
}

TEST(StepBound, RingAllReduceStepIsOneChunkPerHost) {
  // Ring all-reduce of M = 8 MiB on N = 8 GPUs (2 leaves x 4): each of its 2(N-1) = 14
  // steps sends M/N = 1 MiB from rank r to r + 1. A host link carries 1 MiB; ranks 3 -> 4
  // and 7 -> 0 cross leaves (4 hops), the others do not (2 hops), so the step's bound is
  // 83,886,080 + 4 us, set by host 3's uplink (the first cross-leaf sender). The 14 steps
  // add up to 14 x 87,886,080 ps, above the textbook 2(N-1)/N x M/B = 14 x 83,886,080 ps.
  const topo::Fabric fab = fabric(2, 4, 4);
  std::vector<traffic::Demand> demands;
  for (std::uint32_t r = 0; r < 8; ++r) demands.push_back({r, (r + 1) % 8, Bytes(kMiB)});
  StepBounds bounds(fab);
  const StepBound b = bounds(step_of(demands));
  EXPECT_EQ(b.duration.ps(), kMiBAt100G + 4 * kHop);
  EXPECT_EQ(b.by, BoundBy::host_uplink);
  EXPECT_EQ(b.node, 3);
}

TEST(StepBound, AllToAllLoadsEachHostLinkWithNMinusOneBlocks) {
  // All-to-all of 100,000 B on 2 leaves x 4 hosts: each host link carries (8 - 1) x 100,000 B
  // = 700,000 B = 56,000,000 ps at 100 Gb/s, plus the shortest latency among its flows, the
  // 2 hops within the leaf: 58,000,000 ps. A leaf's 4 uplinks carry 4 x 4 x 100,000 B at
  // 400 Gb/s = 32,000,000 ps + 4 hops, well below.
  const topo::Fabric fab = fabric(2, 4, 4);
  std::vector<traffic::Demand> demands;
  for (std::uint32_t s = 0; s < 8; ++s) {
    for (std::uint32_t d = 0; d < 8; ++d) {
      if (s != d) demands.push_back({s, d, Bytes(100'000)});
    }
  }
  StepBounds bounds(fab);
  const StepBound b = bounds(step_of(demands));
  EXPECT_EQ(b.duration.ps(), 56'000'000 + 2 * kHop);
  EXPECT_EQ(b.by, BoundBy::host_uplink);
}

TEST(StepBound, OversubscribedLeafMakesTheFabricBoundBind) {
  // 2 leaves x 1 spine x 4 hosts (4:1): every host of leaf0 sends 1 MiB to one of leaf1 and
  // back. A host link alone needs 83,886,080 ps + 4 hops, but leaf0's single 100 Gb/s uplink
  // carries 4 MiB: 4 x 83,886,080 = 335,544,320 ps, plus 1 hop before it and 3 after. The
  // edge downlinks of leaf1 tie (2 hops before, 2 after), so leaf0's uplinks (node 8) name it.
  const topo::Fabric fab = fabric(2, 1, 4);
  std::vector<traffic::Demand> demands;
  for (std::uint32_t h = 0; h < 8; ++h) demands.push_back({h, (h + 4) % 8, Bytes(kMiB)});
  StepBounds bounds(fab);
  const StepBound b = bounds(step_of(demands));
  EXPECT_EQ(b.duration.ps(), 4 * kMiBAt100G + 4 * kHop);
  EXPECT_EQ(b.by, BoundBy::edge_uplinks);
  EXPECT_EQ(b.node, 8);
}

TEST(StepBound, ParallelCablesCountOnceEachNotOncePerPath) {
  // 2 leaves x 2 spines x 8 hosts with 2 cables per leaf-spine pair: 2 x 2 x 2 = 8 paths
  // between the leaves but 4 distinct uplinks, 400 Gb/s. Leaf0's 8 hosts send 1 MiB each to
  // leaf1: 8 MiB / 400 Gb/s = 2 x 83,886,080 ps, plus 1 hop before and 3 after, twice what
  // a host link needs. Counting the uplinks once per path (800 Gb/s) would halve it.
  const topo::Fabric fab = fabric(2, 2, 8, 2);
  std::vector<traffic::Demand> demands;
  for (std::uint32_t h = 0; h < 8; ++h) demands.push_back({h, h + 8, Bytes(kMiB)});
  StepBounds bounds(fab);
  const StepBound b = bounds(step_of(demands));
  EXPECT_EQ(b.duration.ps(), 2 * kMiBAt100G + 4 * kHop);
  EXPECT_EQ(b.by, BoundBy::edge_uplinks);
}

TEST(StepBound, ComputeTimeBindsWhenTheFlowsAreShort) {
  // 1,250 B at 100 Gb/s is 100,000 ps + 2 hops = 2.1 us, below 10 us of compute; a step
  // with no flows is its compute time.
  const topo::Fabric fab = fabric(2, 2, 2);
  StepBounds bounds(fab);
  const StepBound b = bounds(step_of({{0, 1, Bytes(1'250)}}, Time::us(10)));
  EXPECT_EQ(b.duration.ps(), Time::us(10).ps());
  EXPECT_EQ(b.by, BoundBy::compute);
  EXPECT_EQ(b.node, -1);
  EXPECT_EQ(bounds(step_of({}, Time::us(3))).duration.ps(), Time::us(3).ps());
  EXPECT_EQ(bounds(step_of({{0, 1, Bytes(1'250)}})).duration.ps(), 100'000 + 2 * kHop);
}

TEST(StepBound, DownlinkOfAnIncastTarget) {
  // 3 hosts send 1 MiB each to host 0 on 2 leaves x 2 hosts: host 0's downlink carries
  // 3 MiB = 3 x 83,886,080 ps; the nearest sender (host 1, same leaf) is 2 hops away.
  const topo::Fabric fab = fabric(2, 2, 2);
  StepBounds bounds(fab);
  const StepBound b =
      bounds(step_of({{1, 0, Bytes(kMiB)}, {2, 0, Bytes(kMiB)}, {3, 0, Bytes(kMiB)}}));
  EXPECT_EQ(b.duration.ps(), 3 * kMiBAt100G + 2 * kHop);
  EXPECT_EQ(b.by, BoundBy::host_downlink);
  EXPECT_EQ(b.node, 0);
}

TEST(StepBound, ScratchStateDoesNotLeakIntoTheNextStep) {
  // The same one-flow step twice gives the same bound: 1 MiB + 2 hops within a leaf.
  const topo::Fabric fab = fabric(2, 2, 2);
  StepBounds bounds(fab);
  const traffic::Step step = step_of({{0, 1, Bytes(kMiB)}});
  EXPECT_EQ(bounds(step).duration.ps(), kMiBAt100G + 2 * kHop);
  EXPECT_EQ(bounds(step).duration.ps(), kMiBAt100G + 2 * kHop);
}

}  // namespace
}  // namespace fabricsim::engine
