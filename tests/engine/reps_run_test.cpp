// REPS through the engine: a scenario with a dead leaf-spine cable that routing hears of only
// after the run (routing.failure_detection 1 s), in the packet model with dctcp.
#include <gtest/gtest.h>

#include <algorithm>

#include "engine/simulation.hpp"
#include "support/small_fabric.hpp"

namespace fabricsim::engine {
namespace {

using core::Time;

/// A random permutation of 1 MiB per host on a 4 x 4 leaf-spine with 4 hosts per leaf.
scenario::Scenario dead_cable(const std::string& policy) {
  scenario::Scenario s = test_support::small_fabric(4, 4, 4, policy, traffic::PermutationSpec{});
  s.model = "packet";
  s.transport.kind = "dctcp";
  s.routing.failure_detection = Time::ms(1000);
  s.events = {{.at = Time{},
               .action = scenario::EventSpec::Action::down,
               .link = {"leaf0", "spine0"},
               .where = "test"}};
  return s;
}

struct Outcome {
  std::uint64_t dead_drops = 0;  // packets lost on the dead cable's two links
  std::int64_t end_ps = 0;       // the last flow's end
};

Outcome run(const scenario::Scenario& s) {
  Simulation sim(s);
  const metrics::Results r = sim.run();
  EXPECT_EQ(r.info.status, "complete");
  Outcome o;
  EXPECT_EQ(r.link_events.size(), 2u);
  for (const metrics::LinkEventRecord& e : r.link_events) {
    const auto link =
        std::find_if(r.links.begin(), r.links.end(),
                     [&](const metrics::LinkRecord& l) { return l.link_id == e.link_id; });
    if (link != r.links.end()) o.dead_drops += link->drops;
  }
  for (const metrics::FlowRecord& f : r.flows) o.end_ps = std::max(o.end_ps, f.end_ps);
  return o;
}

TEST(RepsRun, LosesFarFewerPacketsThanSprayOnACableRoutingDoesNotKnowIsDead) {
  const Outcome reps = run(dead_cable("reps"));
  const Outcome spray = run(dead_cable("spray"));
  EXPECT_GT(spray.dead_drops, 0u);
  EXPECT_LT(reps.dead_drops * 3, spray.dead_drops);
  EXPECT_LT(reps.end_ps, spray.end_ps);
}

TEST(RepsRun, TheEntropyCountReachesThePolicy) {
  // One entropy: every fresh draw takes the first candidate, so a flow recycles only that
  // path; on a healthy fabric all traffic between two leaves crowds onto one spine.
  scenario::Scenario s = dead_cable("reps");
  s.events.clear();
  s.routing.entropies = 1;
  Simulation sim(s);
  const metrics::Results one = sim.run();
  s.routing.entropies = 256;
  Simulation sim256(s);
  const metrics::Results many = sim256.run();
  std::int64_t end_one = 0;
  std::int64_t end_many = 0;
  for (const metrics::FlowRecord& f : one.flows) end_one = std::max(end_one, f.end_ps);
  for (const metrics::FlowRecord& f : many.flows) end_many = std::max(end_many, f.end_ps);
  EXPECT_GT(end_one, end_many);
}

}  // namespace
}  // namespace fabricsim::engine
