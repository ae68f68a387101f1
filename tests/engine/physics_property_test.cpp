#include <gtest/gtest.h>

#include <random>
#include <string>

#include "engine/simulation.hpp"
#include "support/physics.hpp"
#include "support/small_fabric.hpp"

namespace fabricsim::engine {
namespace {

using core::Bytes;

/// One random small scenario: fabric size and oversubscription, workload, policy, model and
/// transport all drawn from `rng`.
scenario::Scenario random_scenario(std::mt19937_64& rng) {
  const auto pick = [&](std::uint64_t n) { return static_cast<std::uint32_t>(rng() % n); };
  const std::uint32_t leaves = 2 + pick(3), spines = 1 + pick(4), hosts = 2 + pick(3);
  const Bytes bytes(16'384 + 1'000 * static_cast<std::int64_t>(pick(200)));
  traffic::WorkloadSpec workload;
  switch (pick(4)) {
    case 0:
      workload = traffic::PermutationSpec{bytes};
      break;
    case 1:
      workload = traffic::AllToAllSpec{bytes};
      break;
    case 2: {
      traffic::CollectiveSpec ring;
      ring.bytes = bytes;
      ring.chunks = 1 + pick(2);
      workload = ring;
      break;
    }
    default: {
      traffic::MoeSpec moe;
      moe.experts = 2 * leaves * hosts;
      moe.tokens_per_gpu = 32 + pick(64);
      moe.hidden = 256;
      moe.skew = {traffic::SkewSpec::Dist::zipf, 0.8};
      workload = moe;
    }
  }
  const char* policies[] = {"ecmp", "spray", "split", "flowlet", "adaptive", "spray_rr"};
  scenario::Scenario s =
      test_support::small_fabric(leaves, spines, hosts, policies[pick(6)], workload);
  s.seed = rng();
  if (pick(2) == 1) {
    s.model = "packet";
    s.transport.kind = pick(2) == 1 ? "dctcp" : "ideal";
  }
  return s;
}

TEST(Physics, RandomScenariosKeepCapacityBottlenecksAndStepBounds) {
  // Whatever the fabric, workload, policy, model and transport: no link carries more than
  // its capacity over any window, no flow ends before its bytes at its host links plus the
  // shortest route latency, and no step ends before its bound_ps.
  std::mt19937_64 rng(2026);
  int packet_runs = 0;
  const int runs = 40;
  for (int run = 0; run < runs; ++run) {
    const scenario::Scenario s = random_scenario(rng);
    packet_runs += s.model == "packet" ? 1 : 0;
    SCOPED_TRACE("run " + std::to_string(run) + ": " + s.model + "/" + s.transport.kind + ", " +
                 s.routing.policy + ", " +
                 std::to_string(std::get<topo::LeafSpineSpec>(s.topology).leaves) + "x" +
                 std::to_string(std::get<topo::LeafSpineSpec>(s.topology).spines) + "x" +
                 std::to_string(std::get<topo::LeafSpineSpec>(s.topology).hosts_per_leaf));
    Simulation sim(s);
    const metrics::Results r = sim.run();
    ASSERT_EQ(r.info.status, "complete");
    test_support::expect_no_link_above_capacity(sim.fabric(), r);
    test_support::expect_no_flow_beats_its_host_links(sim.fabric(), r);
    for (const metrics::StepRecord& step : r.steps) {
      EXPECT_GE(step.end_ps - step.start_ps, step.bound_ps)
          << "step " << step.id << " (" << step.kind << ")";
    }
  }
  EXPECT_GT(packet_runs, runs / 4);
  EXPECT_LT(packet_runs, 3 * runs / 4);
}

}  // namespace
}  // namespace fabricsim::engine
