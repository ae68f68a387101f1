// Replayed traffic end to end: connection matrices and background flows through the engine.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <string>
#include <tuple>
#include <vector>

#include "engine/simulation.hpp"
#include "io/moe_trace_reader.hpp"
#include "support/small_fabric.hpp"
#include "traffic/replay.hpp"

namespace fabricsim::engine {
namespace {

using core::Bitrate;
using core::Time;

/// A non-blocking 4 x 4 x 4 leaf-spine at 100 Gb/s, 1 us per link, sprayed: no fabric link is
/// ever the bottleneck, so a flow's rate is set by its two host links alone.
scenario::Scenario sprayed(traffic::WorkloadSpec workload) {
  return test_support::small_fabric(4, 4, 4, "spray", std::move(workload));
}

TEST(ReplayRun, ConnectionMatrixFlowsStartAndEndWhereTheMatrixSays) {
  // sample.cm on hosts 0-7 (nodes 0-3 on leaf 0, 4-7 on leaf 1), every flow crossing leaves
  // (4 links x 1 us = 4 us of propagation):
  //   0->4, 1->5: 1 MB at t=0, alone on their host links: 80 us + 4 us.
  //   2->6: 2 MB at 10 us: 160 us + 4 us, ends at 174 us.
  //   4,5,6,7->0: 500 KB each at 50 us share host 0's downlink at 25 Gb/s: 160 us + 4 us.
  traffic::ConnectionMatrixSpec spec{.file = std::string(FABRICSIM_SOURCE_DIR) +
                                             "/scenarios/traces/sample.cm"};
  spec.placement.gpus = 8;
  Simulation sim(sprayed(spec));
  const metrics::Results r = sim.run();
  EXPECT_EQ(r.info.status, "complete");
  // (src, dst) -> (bytes, start us, end us)
  std::map<std::pair<std::uint32_t, std::uint32_t>,
           std::tuple<std::int64_t, std::int64_t, std::int64_t>>
      got;
  for (const metrics::FlowRecord& f : r.flows)
    got[{f.src, f.dst}] = {f.bytes, f.start_ps, f.end_ps};
  const std::map<std::pair<std::uint32_t, std::uint32_t>,
                 std::tuple<std::int64_t, std::int64_t, std::int64_t>>
      expected{
          {{0, 4}, {1000000, 0, Time::us(84).ps()}},
          {{1, 5}, {1000000, 0, Time::us(84).ps()}},
          {{2, 6}, {2000000, Time::us(10).ps(), Time::us(174).ps()}},
          {{4, 0}, {500000, Time::us(50).ps(), Time::us(214).ps()}},
          {{5, 0}, {500000, Time::us(50).ps(), Time::us(214).ps()}},
          {{6, 0}, {500000, Time::us(50).ps(), Time::us(214).ps()}},
          {{7, 0}, {500000, Time::us(50).ps(), Time::us(214).ps()}},
      };
  EXPECT_EQ(r.flows.size(), 7u);
  EXPECT_EQ(got, expected);
}

TEST(ReplayRun, BackgroundFlowsAllRunAndStartAtTheirArrivals) {
  // The engine releases each background step at its arrival time: the run's flows are
  // exactly the generator's arrivals (same seed, same stream "workload.0").
  const traffic::BackgroundSpec spec{.load = 0.5, .duration = Time::ms(2)};
  scenario::Scenario s = sprayed(spec);
  s.seed = 11;
  core::Rng rng(s.seed, "workload.0");
  std::vector<std::uint32_t> hosts(16);
  std::iota(hosts.begin(), hosts.end(), 0u);
  const std::vector<traffic::Arrival> arrivals =
      traffic::background_arrivals(spec, hosts, Bitrate::gbps(100), rng);
  ASSERT_GT(arrivals.size(), 50u);  // expected 16 x 0.5 x 12.5 GB/s x 2 ms / 1.67 MB = 120

  Simulation sim(s);
  const metrics::Results r = sim.run();
  EXPECT_EQ(r.info.status, "complete");
  std::vector<std::tuple<std::int64_t, std::uint32_t, std::uint32_t, std::int64_t>> want, got;
  for (const traffic::Arrival& a : arrivals)
    want.emplace_back(a.start.ps(), a.src, a.dst, a.bytes.count());
  for (const metrics::FlowRecord& f : r.flows) {
    got.emplace_back(f.start_ps, f.src, f.dst, f.bytes);
    EXPECT_GT(f.end_ps, f.start_ps);
  }
  std::sort(want.begin(), want.end());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, want);
}

TEST(ReplayRun, MoeTraceReplayRoutesTokensToTheTracedExperts) {
  // The sample trace (8 GPUs x 256 tokens, 4 layers, top-2 of 16 experts) replayed by a moe
  // workload on 8 GPUs: /moe expert_tokens of layer l must be the trace's count of tokens
  // per expert in layer l (the io tests check those counts against the script's own).
  const std::string path =
      std::string(FABRICSIM_SOURCE_DIR) + "/scenarios/traces/sample_moe_trace.h5";
  traffic::MoeSpec spec;
  spec.experts = 16;
  spec.top_k = 2;
  spec.layers = 4;
  spec.tokens_per_gpu = 256;
  spec.hidden = 1024;
  spec.routing_trace = path;
  spec.placement.gpus = 8;
  Simulation sim(sprayed(spec));
  const metrics::Results r = sim.run();
  EXPECT_EQ(r.info.status, "complete");

  const traffic::MoeTrace trace = io::read_moe_trace(path);
  ASSERT_EQ(r.expert_tokens.size(), 4u);
  for (const metrics::ExpertTokens& e : r.expert_tokens) {
    std::vector<std::int64_t> counted(16, 0);
    for (std::size_t t = 0; t < trace.tokens(); ++t) {
      for (std::uint32_t k = 0; k < 2; ++k)
        ++counted[trace.expert(t, static_cast<std::uint32_t>(e.layer), k)];
    }
    EXPECT_EQ(e.tokens, counted) << "layer " << e.layer;
  }
}

}  // namespace
}  // namespace fabricsim::engine
