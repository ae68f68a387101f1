#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

#include "core/unit_parse.hpp"
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
  const char* policies[] = {"ecmp",     "spray",        "split",    "flowlet", "adaptive",
                            "spray_rr", "adaptive_hop", "ethereal", "planned"};
  scenario::Scenario s = test_support::small_fabric(leaves, spines, hosts,
                                                    policies[pick(std::size(policies))], workload);
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

TEST(Physics, RandomScenariosWithLinkFailuresKeepCapacityAndDeliverEveryByte) {
  // The same random scenarios, with a leaf-spine cable down for a while and another one at a
  // lower rate, routing told after 0, 5 or 20 us. Every flow still completes; no link runs
  // above its (original, highest) rate; bounds hold. A rerouted flow's bytes cross two
  // routes, so only host links (never rerouted) are checked window by window.
  std::mt19937_64 rng(2027);
  const auto pick = [&](std::uint64_t n) { return static_cast<std::uint32_t>(rng() % n); };
  using Action = scenario::EventSpec::Action;
  std::uint64_t packet_drops = 0;  // the failures did hit traffic
  for (int run = 0; run < 24; ++run) {
    scenario::Scenario s = random_scenario(rng);
    if (s.model == "packet")
      s.transport.kind = "dctcp";  // ideal never resends what a dead link drops
    const auto& ls = std::get<topo::LeafSpineSpec>(s.topology);
    const auto cable = [&] {
      return std::vector<std::string>{"leaf" + std::to_string(pick(ls.leaves)),
                                      "spine" + std::to_string(pick(ls.spines))};
    };
    const core::Time down = core::Time::us(pick(20)), up = down + core::Time::us(1 + pick(50));
    const std::vector<std::string> dead = cable();
    s.events = {{.at = down, .action = Action::down, .link = dead, .where = "test"},
                {.at = up, .action = Action::up, .link = dead, .where = "test"},
                {.at = core::Time::us(pick(30)),
                 .action = Action::rate,
                 .rate = core::Bitrate::gbps(25),
                 .link = cable(),
                 .where = "test"}};
    std::stable_sort(s.events.begin(), s.events.end(),
                     [](const auto& a, const auto& b) { return a.at < b.at; });
    const core::Time detection[] = {core::Time{}, core::Time::us(5), core::Time::us(20)};
    s.routing.failure_detection = detection[pick(3)];
    SCOPED_TRACE("run " + std::to_string(run) + ": " + s.model + ", " + s.routing.policy + ", " +
                 std::to_string(ls.leaves) + "x" + std::to_string(ls.spines) + "x" +
                 std::to_string(ls.hosts_per_leaf) + ", " + dead[0] + "-" + dead[1] + " down " +
                 core::format_time(down) + " to " + core::format_time(up));
    Simulation sim(s);
    metrics::Results r = sim.run();
    ASSERT_EQ(r.info.status, "complete");
    EXPECT_EQ(r.link_events.size(), 6u);
    test_support::expect_no_flow_beats_its_host_links(sim.fabric(), r);
    for (const metrics::StepRecord& step : r.steps)
      EXPECT_GE(step.end_ps - step.start_ps, step.bound_ps);
    std::int64_t bytes = 0;
    for (metrics::FlowRecord& f : r.flows) {
      bytes += f.bytes;
      f.path_id = -1;
    }
    test_support::expect_no_link_above_capacity(sim.fabric(), r);
    if (s.model == "flow") {
      // Bytes are conserved: what left the hosts is what the flows carried.
      std::int64_t sent = 0;
      for (std::uint32_t h = 0; h < sim.fabric().host_count(); ++h)
        sent += r.links[sim.fabric().host_uplink[h]].tx_bytes;
      EXPECT_NEAR(static_cast<double>(sent), static_cast<double>(bytes),
                  static_cast<double>(r.flows.size()));
    }
    for (const metrics::LinkRecord& l : r.links) packet_drops += l.drops;
  }
  EXPECT_GT(packet_drops, 0u);
}

}  // namespace
}  // namespace fabricsim::engine
