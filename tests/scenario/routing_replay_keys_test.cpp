// routing.record, routing.trace and routing.fallback: defaults, validation errors naming the
// key, the trace resolved and listed among the inputs, and a round trip through to_yaml.
#include <gtest/gtest.h>

#include <fstream>

#include "scenario/scenario.hpp"

namespace fabricsim::scenario {
namespace {

const std::string kTiny = std::string(FABRICSIM_SOURCE_DIR) + "/tests/scenarios/good/tiny.yaml";

std::string error_of(const std::vector<std::string>& overrides) {
  try {
    load(kTiny, overrides);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ScenarioError";
  return "";
}

std::string csv_trace() {
  const std::string path = testing::TempDir() + "fabricsim_replay_keys.csv";
  std::ofstream(path) << "src,dst,path\n0,2,leaf0 spine0 leaf1\n";
  return path;
}

TEST(RoutingReplayKeys, NothingIsRecordedOrReplayedByDefault) {
  const Scenario s = load(kTiny);
  EXPECT_EQ(s.routing.record, "none");
  EXPECT_TRUE(s.routing.trace.empty());
  EXPECT_TRUE(s.routing.fallback.empty());
}

TEST(RoutingReplayKeys, BadValuesNameTheKeyAndTheValidChoices) {
  EXPECT_NE(error_of({"routing.record=all"})
                .find("routing.record: unknown record 'all' "
                      "(valid: none, flows, packets)"),
            std::string::npos);
  EXPECT_NE(error_of({"routing.record=packets"})
                .find("routing.record: packets logs the per-packet choices of the packet "
                      "model; with model: flow use record: flows"),
            std::string::npos);
  EXPECT_NE(error_of({"routing.policy=replay"})
                .find("routing.trace: missing: policy replay needs a trace"),
            std::string::npos);
  EXPECT_NE(error_of({"routing.trace=" + csv_trace()})
                .find("routing.trace: is read by policy: replay only"),
            std::string::npos);
  EXPECT_NE(error_of({"routing.policy=replay", "routing.trace=nope.csv"})
                .find("routing.trace: cannot find routing trace 'nope.csv'"),
            std::string::npos);
  const std::string self = error_of(
      {"routing.policy=replay", "routing.trace=" + csv_trace(), "routing.fallback=replay"});
  EXPECT_NE(self.find("routing.fallback: unknown policy 'replay'"), std::string::npos) << self;
}

TEST(RoutingReplayKeys, TheTraceIsAnInputAndTheKeysSurviveToYaml) {
  const Scenario s = load(kTiny, {"routing.policy=replay", "routing.trace=" + csv_trace(),
                                  "routing.fallback=ecmp", "routing.record=flows"});
  EXPECT_EQ(s.routing.trace, csv_trace());
  EXPECT_EQ(s.routing.fallback, "ecmp");
  ASSERT_FALSE(s.inputs.empty());
  EXPECT_EQ(s.inputs.back().role, "routing_decisions");
  EXPECT_EQ(s.inputs.back().path, csv_trace());
  const std::string yaml = to_yaml(s);
  const std::string again_path = testing::TempDir() + "fabricsim_replay_keys_again.yaml";
  std::ofstream(again_path) << yaml;
  const Scenario again = load(again_path);
  EXPECT_EQ(again.routing.policy, "replay");
  EXPECT_EQ(again.routing.trace, s.routing.trace);
  EXPECT_EQ(again.routing.fallback, "ecmp");
  EXPECT_EQ(again.routing.record, "flows");
}

}  // namespace
}  // namespace fabricsim::scenario
