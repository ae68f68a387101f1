// --set overrides: applied to the YAML tree before validation, values parsed as YAML,
// list indices, created maps, and errors that name the --set argument instead of a file.
#include <gtest/gtest.h>

#include "routing/policy.hpp"
#include "scenario/scenario.hpp"

namespace fabricsim::scenario {
namespace {

using namespace core::literals;

const std::string kTiny = std::string(FABRICSIM_SOURCE_DIR) + "/tests/scenarios/good/tiny.yaml";
const std::string kFull = std::string(FABRICSIM_SOURCE_DIR) + "/tests/scenarios/good/full.yaml";
const std::string kWithTopology =
    std::string(FABRICSIM_SOURCE_DIR) + "/tests/scenarios/good/with_topology.yaml";

std::string error_of(const std::string& path, const std::vector<std::string>& overrides) {
  try {
    load(path, overrides);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ScenarioError";
  return "";
}

TEST(ScenarioOverrides, ScalarsReplaceFileValues) {
  const Scenario s =
      load(kTiny, {"routing.policy=spray", "seed=7", "topology.spines=8", "name=sweep 3"});
  EXPECT_EQ(s.routing.policy, "spray");
  EXPECT_EQ(s.seed, 7u);
  EXPECT_EQ(std::get<topo::LeafSpineSpec>(s.topology).spines, 8u);
  EXPECT_EQ(s.name, "sweep 3");
  EXPECT_EQ(std::get<topo::LeafSpineSpec>(s.topology).leaves,
            2u);  // untouched keys keep the file's values
}

TEST(ScenarioOverrides, AreStoredInOrder) {
  const std::vector<std::string> args{"seed=2", "routing.policy=split", "routing.subflows=4"};
  EXPECT_EQ(load(kTiny, args).overrides, args);
}

TEST(ScenarioOverrides, LaterOverrideWins) {
  EXPECT_EQ(load(kTiny, {"seed=2", "seed=9"}).seed, 9u);
}

TEST(ScenarioOverrides, ValuesWithUnitsAreParsed) {
  const Scenario s = load(kTiny, {"workload.0.bytes=2MiB", "topology.host_link.rate=400Gbps"});
  EXPECT_EQ(std::get<traffic::PermutationSpec>(s.workloads[0]).bytes, 2_MiB);
  EXPECT_EQ(std::get<topo::LeafSpineSpec>(s.topology).host_link.rate, 400_Gbps);
  EXPECT_EQ(std::get<topo::LeafSpineSpec>(s.topology).host_link.latency,
            1_us);  // the sibling key stays
}

TEST(ScenarioOverrides, ListIndexReachesIntoAWorkload) {
  // full.yaml's third workload is the MoE one with zipf s = 1.25.
  const Scenario s = load(kFull, {"workload.2.skew.s=1.3", "workload.2.top_k=8"});
  const auto& moe = std::get<traffic::MoeSpec>(s.workloads[2]);
  EXPECT_DOUBLE_EQ(moe.skew.s, 1.3);
  EXPECT_EQ(moe.top_k, 8u);
}

TEST(ScenarioOverrides, MapValueReplacesANestedMap) {
  const Scenario s = load(kFull, {"workload.2.skew={dist: zipf, s: 0.5}"});
  EXPECT_DOUBLE_EQ(std::get<traffic::MoeSpec>(s.workloads[2]).skew.s, 0.5);
}

TEST(ScenarioOverrides, MissingMapsAreCreated) {
  // tiny.yaml has no routing.subflows and no output.sample_interval; minimal has no topology.
  const Scenario s = load(kTiny, {"routing.subflows=4", "output.sample_interval=1us"});
  EXPECT_EQ(s.routing.subflows, 4u);
  EXPECT_EQ(s.output.sample_interval, 1_us);
  const std::string minimal =
      std::string(FABRICSIM_SOURCE_DIR) + "/tests/scenarios/good/minimal.yaml";
  const Scenario m = load(minimal, {"topology.fabric_link.latency=2us"});
  EXPECT_EQ(std::get<topo::LeafSpineSpec>(m.topology).fabric_link.latency, 2_us);
  EXPECT_EQ(std::get<topo::LeafSpineSpec>(m.topology).fabric_link.rate, 400_Gbps);  // default
}

TEST(ScenarioOverrides, IndexEqualToTheLengthAppendsAWorkload) {
  const Scenario s = load(kTiny, {"workload.1={kind: all_to_all, bytes: 64KiB}"});
  ASSERT_EQ(s.workloads.size(), 2u);
  EXPECT_EQ(std::get<traffic::AllToAllSpec>(s.workloads[1]).bytes, 64_KiB);
}

TEST(ScenarioOverrides, TopologyOverridesBeatTheTopologyFile) {
  // with_topology.yaml: small.yaml has 4 leaves and fabric latency 600ns, the scenario sets
  // spines 4; the overrides beat both the file and the inline keys.
  const Scenario s = load(kWithTopology, {"topology.leaves=2", "topology.spines=1",
                                          "topology.fabric_link.latency=700ns"});
  EXPECT_EQ(std::get<topo::LeafSpineSpec>(s.topology).leaves, 2u);
  EXPECT_EQ(std::get<topo::LeafSpineSpec>(s.topology).spines, 1u);
  EXPECT_EQ(std::get<topo::LeafSpineSpec>(s.topology).fabric_link.latency, 700_ns);
  EXPECT_EQ(std::get<topo::LeafSpineSpec>(s.topology).fabric_link.rate,
            400_Gbps);  // from small.yaml
}

TEST(ScenarioOverrides, BadValueIsReportedAgainstTheArgument) {
  const std::string msg = error_of(kTiny, {"routing.policy=spary"});
  std::string valid;  // every registered policy, in registry order
  for (const routing::PolicyInfo& info : routing::policies())
    valid += (valid.empty() ? "" : ", ") + std::string(info.name);
  EXPECT_EQ(msg, "--set routing.policy=spary: routing.policy: unknown policy 'spary' (valid: " +
                     valid + "); did you mean 'spray'?");
}

TEST(ScenarioOverrides, UnknownKeyFromOverrideIsReportedAgainstTheArgument) {
  const std::string msg = error_of(kTiny, {"routing.polcy=spray"});
  EXPECT_NE(msg.find("--set routing.polcy=spray: routing.polcy: unknown key 'polcy'"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("did you mean 'policy'?"), std::string::npos) << msg;
}

TEST(ScenarioOverrides, MalformedArgumentsAreErrors) {
  EXPECT_NE(
      error_of(kTiny, {"routing.policy"}).find("--set routing.policy: expected key.path=value"),
      std::string::npos);
  EXPECT_NE(error_of(kTiny, {"=spray"}).find("--set =spray: the key before '=' is empty"),
            std::string::npos);
  EXPECT_NE(error_of(kTiny, {"routing..policy=spray"}).find("empty segment"), std::string::npos);
  EXPECT_NE(
      error_of(kTiny, {"seed={a: 1"}).find("--set seed={a: 1: YAML syntax error in the value"),
      std::string::npos);
}

TEST(ScenarioOverrides, PathThroughAScalarOrPastAListIsAnError) {
  EXPECT_NE(error_of(kTiny, {"seed.x=1"})
                .find("--set seed.x=1: seed: is the scalar '1', so it has no key 'x'"),
            std::string::npos);
  EXPECT_NE(error_of(kTiny, {"workload.5.bytes=1MiB"})
                .find("workload: index 5 is out of range (the list has 1 items)"),
            std::string::npos);
  EXPECT_NE(error_of(kTiny, {"workload.first.bytes=1MiB"}).find("'first' is not an index"),
            std::string::npos);
}

TEST(ScenarioOverrides, FlowletGapIsAPositiveTime) {
  EXPECT_EQ(load(kTiny, {"routing.flowlet_gap=2us"}).routing.flowlet_gap, 2_us);
  EXPECT_EQ(error_of(kTiny, {"routing.flowlet_gap=0us"}),
            "--set routing.flowlet_gap=0us: routing.flowlet_gap: must be greater than zero, "
            "got '0us'");
}

TEST(ScenarioOverrides, SubflowsTakesAutoOrACount) {
  EXPECT_EQ(load(kTiny, {"routing.subflows=auto"}).routing.subflows, 0u);
  EXPECT_EQ(load(kTiny, {"routing.subflows=16"}).routing.subflows, 16u);
  EXPECT_EQ(error_of(kTiny, {"routing.subflows=many"}),
            "--set routing.subflows=many: routing.subflows: expected auto or an integer >= 1, "
            "got 'many'");
  EXPECT_NE(error_of(kTiny, {"routing.subflows=2.5"}).find("expected an integer, got '2.5'"),
            std::string::npos);
}

TEST(ScenarioOverrides, SizeLimitsAreCheckedUpFront) {
  // 64 leaves x 100,000 spines x 1 link = 6,400,000 cables > 4,194,304.
  EXPECT_NE(error_of(kTiny, {"topology.leaves=64", "topology.spines=100000"})
                .find("topology.spines: leaves x spines x links_per_pair = 64 x 100000 x 1 fabric "
                      "cables, more than the limit of 4,194,304"),
            std::string::npos);
  // 4e9 tokens x 2 (top_k) x 4e9 x 2 bytes is far beyond 1 PiB per GPU.
  EXPECT_NE(error_of(kTiny, {"workload.0={kind: moe, experts: 4, tokens_per_gpu: 4000000000, "
                             "hidden: 4000000000}"})
                .find("workload.0.tokens_per_gpu: tokens_per_gpu x top_k x hidden x "
                      "bytes_per_element is more than the limit of 1024TiB per GPU"),
            std::string::npos);
  // MoE over all 4 hosts of tiny.yaml is fine, but 5,000 GPUs do not exist there.
  EXPECT_NE(error_of(kTiny, {"workload.0={kind: moe, gpus: 5000}"}).find("only 4 hosts"),
            std::string::npos);
}

TEST(ScenarioOverrides, OverrideCanFixAnInvalidFile) {
  // The override is applied before validation, so a file that alone is invalid loads.
  const std::string bad =
      std::string(FABRICSIM_SOURCE_DIR) + "/tests/scenarios/bad/unknown_policy.yaml";
  EXPECT_EQ(load(bad, {"routing.policy=spray"}).routing.policy, "spray");
}

}  // namespace
}  // namespace fabricsim::scenario
