// /app_flows and /steps bound_ps as the engine fills them, on hand-computed cases.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "engine/simulation.hpp"
#include "support/small_fabric.hpp"

namespace fabricsim::engine {
namespace {

using core::Bytes;
using core::Time;

constexpr std::int64_t kMiBAt100G = 83'886'080;  // 2^20 x 8 bits at 1e11 bit/s, in ps
constexpr std::int64_t kHop = 1'000'000;         // 1 us per link

metrics::Results run(scenario::Scenario s) {
  Simulation sim(s);
  return sim.run();
}

std::int64_t duration(const metrics::StepRecord& s) { return s.end_ps - s.start_ps; }

TEST(AppFlows, SplitFlowsHaveOneRowWithTheirSubflowCountEndingWithTheLastSubflow) {
  // All-to-all of 90,000 B on 2 leaves x 3 spines x 2 hosts: 12 application flows. Each
  // leaf sends r = 4 flows to the other leaf, s = 3: 3 / gcd(4, 3) = 3 subflows of 30,000 B
  // per cross-leaf flow; the 4 flows within a leaf stay whole.
  scenario::Scenario s =
      test_support::small_fabric(2, 3, 2, "split", traffic::AllToAllSpec{Bytes(90'000)});
  const metrics::Results r = run(s);
  ASSERT_EQ(r.app_flows.size(), 12u);
  EXPECT_EQ(r.flows.size(), 8u * 3 + 4);
  std::map<std::uint32_t, std::vector<const metrics::FlowRecord*>> parts;
  for (const metrics::FlowRecord& f : r.flows) parts[f.app_flow].push_back(&f);
  for (const metrics::AppFlowRecord& a : r.app_flows) {
    SCOPED_TRACE("app flow " + std::to_string(a.id));
    const bool same_leaf = a.src / 2 == a.dst / 2;
    EXPECT_EQ(a.subflows, same_leaf ? 1u : 3u);
    ASSERT_EQ(parts[a.id].size(), a.subflows);
    EXPECT_EQ(a.bytes, 90'000);
    std::int64_t bytes = 0, last = 0;
    for (const metrics::FlowRecord* f : parts[a.id]) {
      EXPECT_EQ(f->src, a.src);
      EXPECT_EQ(f->dst, a.dst);
      EXPECT_EQ(f->start_ps, a.start_ps);
      EXPECT_EQ(f->step_id, a.step_id);
      bytes += f->bytes;
      last = std::max(last, f->end_ps);
    }
    EXPECT_EQ(bytes, a.bytes);
    EXPECT_EQ(a.end_ps, last);
    EXPECT_EQ(a.start_ps, r.steps[a.step_id].start_ps);
  }
}

TEST(AppFlows, UnsplitFlowsMirrorTheirOnlySubflow) {
  const metrics::Results r =
      run(test_support::small_fabric(2, 2, 2, "ecmp", traffic::PermutationSpec{}));
  ASSERT_EQ(r.app_flows.size(), r.flows.size());
  for (std::size_t i = 0; i < r.flows.size(); ++i) {
    EXPECT_EQ(r.flows[i].app_flow, i);
    EXPECT_EQ(r.app_flows[i].subflows, 1u);
    EXPECT_EQ(r.app_flows[i].end_ps, r.flows[i].end_ps);
  }
}

TEST(StepBoundRun, SprayedPermutationEndsExactlyAtItsBound) {
  // Non-blocking 4x4x4, 1 MiB per host, sprayed: every flow runs at 100 Gb/s; the step lasts
  // 83,886,080 ps + 4 hops (a cross-leaf flow), which is also its bound: 1 MiB on a host link
  // plus that flow's latency.
  const metrics::Results r =
      run(test_support::small_fabric(4, 4, 4, "spray", traffic::PermutationSpec{Bytes(1 << 20)}));
  ASSERT_EQ(r.steps.size(), 1u);
  EXPECT_EQ(r.steps[0].bound_ps, kMiBAt100G + 4 * kHop);
  EXPECT_EQ(duration(r.steps[0]), r.steps[0].bound_ps);
  EXPECT_EQ(r.steps[0].bound_by, "host_uplink");
}

TEST(StepBoundRun, OversubscribedAllToAllIsBoundByTheLeafUplinkAndMeetsIt) {
  // 2 leaves x 1 spine x 4 hosts (4:1), all-to-all of 100,000 B: a host link carries
  // 7 x 100,000 B = 56 us + 2 hops, but leaf0's one uplink carries 4 x 4 x 100,000 B =
  // 1.6 MB = 128,000,000 ps, plus 1 hop before and 3 after: 132,000,000 ps. Max-min gives
  // the 16 remote flows 100/16 Gb/s each on it for the whole step, so they end exactly then.
  const metrics::Results r =
      run(test_support::small_fabric(2, 1, 4, "ecmp", traffic::AllToAllSpec{Bytes(100'000)}));
  ASSERT_EQ(r.steps.size(), 1u);
  EXPECT_EQ(r.steps[0].bound_ps, 128'000'000 + 4 * kHop);
  EXPECT_EQ(r.steps[0].bound_by, "edge_uplinks");
  EXPECT_EQ(r.steps[0].bound_node, 8);  // leaf0: nodes 0..7 are the hosts
  EXPECT_EQ(duration(r.steps[0]), r.steps[0].bound_ps);
}

TEST(StepBoundRun, RingAllReduceStepsEachMeetTheirBound) {
  // Ring all-reduce of 8 MiB on 8 GPUs, 2 leaves x 4 spines x 4 hosts: 2 x 7 = 14 steps, each
  // rank sending 1 MiB to the next. Each host link carries one flow, and the two cross-leaf
  // flows (3 -> 4, 7 -> 0) leave different leaves, so every step lasts 1 MiB at 100 Gb/s
  // plus 4 hops: its bound, 87,886,080 ps.
  traffic::CollectiveSpec ring;
  ring.bytes = Bytes(8 << 20);
  const metrics::Results r = run(test_support::small_fabric(2, 4, 4, "ecmp", ring));
  ASSERT_EQ(r.steps.size(), 14u);
  for (const metrics::StepRecord& s : r.steps) {
    EXPECT_EQ(s.bound_ps, kMiBAt100G + 4 * kHop) << "step " << s.id;
    EXPECT_EQ(duration(s), s.bound_ps) << "step " << s.id;
  }
}

TEST(StepBoundRun, ComputeStepsAreBoundByTheirComputeTime) {
  // Two ring iterations with 20 us of compute between them: the compute step has no flows
  // and lasts exactly its bound, 20 us.
  traffic::CollectiveSpec ring;
  ring.bytes = Bytes(64 << 10);
  ring.iterations = 2;
  ring.compute = Time::us(20);
  const metrics::Results r = run(test_support::small_fabric(2, 2, 2, "ecmp", ring));
  const auto compute =
      std::find_if(r.steps.begin(), r.steps.end(),
                   [](const metrics::StepRecord& s) { return s.kind == "compute"; });
  ASSERT_NE(compute, r.steps.end());
  EXPECT_EQ(compute->bound_ps, Time::us(20).ps());
  EXPECT_EQ(compute->bound_by, "compute");
  EXPECT_EQ(duration(*compute), compute->bound_ps);
}

/// Checks every finished step of `r` against its bound.
void expect_no_step_beats_its_bound(const metrics::Results& r, const std::string& what) {
  for (const metrics::StepRecord& s : r.steps) {
    ASSERT_GE(s.end_ps, 0) << what;
    EXPECT_GT(s.bound_ps, 0) << what << " step " << s.id;
    EXPECT_GE(duration(s), s.bound_ps) << what << " step " << s.id << " (" << s.kind << ")";
  }
}

TEST(StepBoundRun, NoStepOfAnyPolicyOrSeedEndsBeforeItsBound) {
  // Property: a 2:1 oversubscribed 4x2x4 fabric, permutation, all-to-all and skewed MoE,
  // five seeds and three policies; the fluid model never finishes a step below its bound.
  traffic::MoeSpec moe;
  moe.experts = 16;
  moe.tokens_per_gpu = 256;
  moe.hidden = 512;
  moe.skew = {traffic::SkewSpec::Dist::zipf, 1.0};
  for (const traffic::WorkloadSpec& w :
       {traffic::WorkloadSpec{traffic::PermutationSpec{Bytes(1 << 20)}},
        traffic::WorkloadSpec{traffic::AllToAllSpec{Bytes(50'000)}}, traffic::WorkloadSpec{moe}}) {
    for (const char* policy : {"ecmp", "spray", "split"}) {
      for (std::uint64_t seed = 1; seed <= 5; ++seed) {
        scenario::Scenario s = test_support::small_fabric(4, 2, 4, policy, w);
        s.seed = seed;
        expect_no_step_beats_its_bound(run(s), std::string(traffic::kind_name(w)) + " " + policy +
                                                   " seed " + std::to_string(seed));
      }
    }
  }
}

TEST(StepBoundRun, PacketModelStepsNeverEndBeforeTheirBound) {
  // Per-packet serialization and headers only slow a flow down: the packet model on the
  // same oversubscribed fabric stays above the bound too.
  for (const char* policy : {"ecmp", "spray"}) {
    scenario::Scenario s =
        test_support::small_fabric(4, 2, 4, policy, traffic::AllToAllSpec{Bytes(20'000)});
    s.model = "packet";
    expect_no_step_beats_its_bound(run(s), std::string("packet ") + policy);
  }
}

}  // namespace
}  // namespace fabricsim::engine
