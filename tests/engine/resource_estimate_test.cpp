#include "engine/resource_estimate.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "support/small_fabric.hpp"

namespace fabricsim::engine {
namespace {

using namespace core::literals;
using test_support::small_fabric;

traffic::AllToAllSpec all_to_all(core::Bytes bytes) {
  traffic::AllToAllSpec a;
  a.bytes = bytes;
  return a;
}

/// The message check_resources throws, or "" when it accepts.
std::string refusal(const ResourceEstimate& e, std::uint64_t limit) {
  try {
    check_resources(e, limit, "--max-memory test");
  } catch (const ResourceError& error) {
    return error.what();
  }
  return "";
}

TEST(ResourceEstimate, CountsFlowsSubflowsPathsAndStateOfAnAllToAll) {
  // 4 leaves x 4 hosts = 16 GPUs: 16 x 15 = 240 flows, one subflow each under ecmp; paths
  // 4 x 3 x 2 spines + 4 = 28. State: 240 x (128 + 288), a catalog of (4 + 2) switches x 4
  // edges x 12-byte entries and 4 x 4 pair offsets of 4 bytes, and 32 MiB.
  const ResourceEstimate e = estimate_resources(small_fabric(4, 2, 4, "ecmp", all_to_all(1_MiB)));
  EXPECT_EQ(e.flows, 240u);
  EXPECT_EQ(e.subflows_per_flow, 1u);
  EXPECT_EQ(e.subflows, 240u);
  EXPECT_EQ(e.paths, 28u);
  EXPECT_EQ(e.packets_in_flight, 0u);
  EXPECT_EQ(e.state_bytes, 240u * (128 + 288) + 6 * 4 * 12 + 16 * 4 + (32u << 20));
  // Every byte through one 100 Gb/s link, 240 MiB x 8 / 10^11 = 20.13 ms, plus a route of
  // four 1 us links per flow, 240 x 4 us = 0.96 ms.
  EXPECT_NEAR(e.horizon_seconds, 240.0 * (1 << 20) * 8 / 1e11 + 240 * 4e-6, 1e-9);
}

TEST(ResourceEstimate, SplitMultipliesSubflowsByItsKAndAutoByTheUplinks) {
  scenario::Scenario s = small_fabric(4, 2, 4, "split", all_to_all(1_MiB));
  s.routing.subflows = 8;
  EXPECT_EQ(estimate_resources(s).subflows, 240u * 8);
  s.routing.subflows = 0;  // auto: s / gcd(r, s) is at most s = 2 spines x 1 link
  EXPECT_EQ(estimate_resources(s).subflows_per_flow, 2u);
}

TEST(ResourceEstimate, EtherealCutsAFlowIntoAtMostTheCandidatesBetweenTwoHosts) {
  scenario::Scenario s = small_fabric(4, 2, 4, "ethereal", all_to_all(1_MiB));
  EXPECT_EQ(estimate_resources(s).subflows_per_flow, 2u);  // 2 spines
  topo::FatTreeSpec tree;
  tree.k = 8;
  s.topology = tree;  // 16 paths between ToRs of two pods, through 4 aggregation uplinks
  EXPECT_EQ(estimate_resources(s).subflows_per_flow, 16u);
}

TEST(ResourceEstimate, PacketModelCountsFirstWindowsCappedByTheBytes) {
  // An explicit 64 KiB initial window at 4096 B packets: 16 packets per subflow, 240 x 16 =
  // 3,840; 1 MiB flows have more packets than that, so the windows bound it.
  scenario::Scenario s = small_fabric(4, 2, 4, "ecmp", all_to_all(1_MiB));
  s.model = "packet";
  s.transport.initial_window = 64_KiB;
  EXPECT_EQ(estimate_resources(s).packets_in_flight, 240u * 16);
  // 100-byte flows: 24,000 bytes make 24,000 / (4096 - 64) -> 6 packets, + one per subflow.
  s.workloads = {all_to_all(100_B)};
  EXPECT_EQ(estimate_resources(s).packets_in_flight, 6u + 240);
}

TEST(ResourceEstimate, RefusesPastTheMemoryTheSubflowAndTheClockLimits) {
  ResourceEstimate e = estimate_resources(small_fabric(4, 2, 4, "ecmp", all_to_all(1_MiB)));
  EXPECT_EQ(refusal(e, e.state_bytes), "");
  EXPECT_NE(
      refusal(e, e.state_bytes - 1).find("needs about 32.1 MiB of memory (240 flows, 240 subflows"),
      std::string::npos)
      << refusal(e, e.state_bytes - 1);
  e.subflows = kMaxSubflowsTotal + 1;
  EXPECT_NE(refusal(e, UINT64_MAX).find("100,000,001 subflows (up to 1 per flow)"),
            std::string::npos);
  e.subflows = kMaxSubflowsTotal;
  EXPECT_EQ(refusal(e, UINT64_MAX), "");
  e.horizon_seconds = 4.7e6;  // past 2^62 ps = 4,611,686 s
  EXPECT_NE(refusal(e, UINT64_MAX).find("more than the clock's limit"), std::string::npos);
}

TEST(ResourceEstimate, DefaultLimitIsEightTenthsOfAtMostThePhysicalMemory) {
  const std::uint64_t limit = default_memory_limit();
  EXPECT_GT(limit, 0u);
  const auto physical = static_cast<std::uint64_t>(sysconf(_SC_PHYS_PAGES)) *
                        static_cast<std::uint64_t>(sysconf(_SC_PAGE_SIZE));
  EXPECT_LE(limit, physical / 10 * 8);
}

}  // namespace
}  // namespace fabricsim::engine
