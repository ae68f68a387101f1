#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "engine/simulation.hpp"
#include "support/physics.hpp"

namespace fabricsim::engine {
namespace {

const std::string kGood = std::string(FABRICSIM_SOURCE_DIR) + "/tests/scenarios/good/";

/// The end_ps column recorded in a reference file (one number a line after a # comment).
std::vector<std::int64_t> reference_ends(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::vector<std::int64_t> ends;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != '#') ends.push_back(std::stoll(line));
  }
  return ends;
}

TEST(FlowExact, IncrementalSolverReproducesTheSolveEverythingSolver) {
  // exact_reference_end_ps.txt holds every flow's end of exact_reference.yaml as the solver
  // that re-solved all flows at every event computed it (the former batch_tolerance: 0).
  // Rates now come from partial re-solves summed in another order, so a completion may round
  // to the next picosecond; nothing may move by more than a few.
  const scenario::Scenario s = scenario::load(kGood + "exact_reference.yaml");
  Simulation sim(s);
  const metrics::Results r = sim.run();
  const std::vector<std::int64_t> expected = reference_ends(kGood + "exact_reference_end_ps.txt");
  ASSERT_EQ(r.flows.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(static_cast<double>(r.flows[i].end_ps), static_cast<double>(expected[i]), 4.0)
        << "flow " << i;
  }
  test_support::expect_no_link_above_capacity(sim.fabric(), r);
  test_support::expect_no_flow_beats_its_host_links(sim.fabric(), r);
}

}  // namespace
}  // namespace fabricsim::engine
