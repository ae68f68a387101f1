// The `routing.entropies` key (reps): default, a value, and the round trip through to_yaml.
// Its errors are fixtures in tests/scenarios/bad/ (entropies_*.yaml).
#include <gtest/gtest.h>

#include <fstream>

#include "scenario/scenario.hpp"

namespace fabricsim::scenario {
namespace {

Scenario load_text(const std::string& name, const std::string& text) {
  const std::string path = testing::TempDir() + "fabricsim_entropies_" + name;
  std::ofstream(path) << text;
  return load(path);
}

TEST(RoutingEntropies, DefaultTo256AndReadACount) {
  EXPECT_EQ(load_text("default.yaml", "workload: [{kind: permutation}]\n").routing.entropies, 256u);
  const Scenario s = load_text("set.yaml",
                               "routing: {policy: reps, entropies: 65536}\n"
                               "workload: [{kind: permutation}]\n");
  EXPECT_EQ(s.routing.policy, "reps");
  EXPECT_EQ(s.routing.entropies, 65536u);
}

TEST(RoutingEntropies, RoundTripThroughToYaml) {
  const Scenario s = load_text("trip.yaml",
                               "routing: {policy: reps, entropies: 64}\n"
                               "workload: [{kind: permutation}]\n");
  const std::string yaml = to_yaml(s);
  EXPECT_NE(yaml.find("entropies: 64"), std::string::npos) << yaml;
  EXPECT_EQ(load_text("back.yaml", yaml).routing.entropies, 64u);
}

}  // namespace
}  // namespace fabricsim::scenario
