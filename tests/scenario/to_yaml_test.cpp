// to_yaml writes the fully resolved scenario; load reads it back into an equal Scenario.
#include <gtest/gtest.h>

#include <fstream>

#include "scenario/scenario.hpp"

namespace fabricsim::scenario {
namespace {

using namespace core::literals;

const std::string kGood = std::string(FABRICSIM_SOURCE_DIR) + "/tests/scenarios/good/";

void expect_same_link(const topo::LinkSpec& a, const topo::LinkSpec& b) {
  EXPECT_EQ(a.rate, b.rate);
  EXPECT_EQ(a.latency, b.latency);
}

/// Field-by-field equality of everything to_yaml writes (not `overrides`).
void expect_same(const Scenario& a, const Scenario& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.model, b.model);
  EXPECT_EQ(std::get<topo::LeafSpineSpec>(a.topology).leaves,
            std::get<topo::LeafSpineSpec>(b.topology).leaves);
  EXPECT_EQ(std::get<topo::LeafSpineSpec>(a.topology).spines,
            std::get<topo::LeafSpineSpec>(b.topology).spines);
  EXPECT_EQ(std::get<topo::LeafSpineSpec>(a.topology).hosts_per_leaf,
            std::get<topo::LeafSpineSpec>(b.topology).hosts_per_leaf);
  EXPECT_EQ(std::get<topo::LeafSpineSpec>(a.topology).links_per_pair,
            std::get<topo::LeafSpineSpec>(b.topology).links_per_pair);
  expect_same_link(std::get<topo::LeafSpineSpec>(a.topology).host_link,
                   std::get<topo::LeafSpineSpec>(b.topology).host_link);
  expect_same_link(std::get<topo::LeafSpineSpec>(a.topology).fabric_link,
                   std::get<topo::LeafSpineSpec>(b.topology).fabric_link);
  EXPECT_EQ(a.routing.policy, b.routing.policy);
  EXPECT_EQ(a.routing.subflows, b.routing.subflows);
  EXPECT_EQ(a.routing.flowlet_gap, b.routing.flowlet_gap);
  EXPECT_EQ(a.transport, b.transport);
  EXPECT_EQ(a.switches, b.switches);
  ASSERT_EQ(a.workloads.size(), b.workloads.size());
  for (std::size_t i = 0; i < a.workloads.size(); ++i) {
    EXPECT_TRUE(a.workloads[i] == b.workloads[i]) << "workload " << i;
  }
  EXPECT_EQ(a.flow.resolve_interval, b.flow.resolve_interval);
  EXPECT_EQ(a.output.file, b.output.file);
  EXPECT_EQ(a.output.sample_interval, b.output.sample_interval);
}

/// Writes to_yaml(s) to a temp file and loads it back.
Scenario round_trip(const Scenario& s, const std::string& name) {
  const std::string path = testing::TempDir() + "fabricsim_to_yaml_" + name + ".yaml";
  std::ofstream(path) << to_yaml(s);
  return load(path);
}

TEST(ScenarioToYaml, RoundTripOfEveryGoodFileGivesAnEqualScenario) {
  for (const char* name : {"tiny", "full", "minimal", "with_topology"}) {
    SCOPED_TRACE(name);
    const Scenario s = load(kGood + name + ".yaml");
    expect_same(round_trip(s, name), s);
  }
}

TEST(ScenarioToYaml, RoundTripKeepsOverriddenValuesButNotTheOverrideList) {
  const Scenario s = load(kGood + "full.yaml", {"workload.2.skew.s=0.1", "name='a: b # c'",
                                                "seed=18446744073709551615"});
  const Scenario back = round_trip(s, "overridden");
  expect_same(back, s);
  EXPECT_EQ(back.name, "a: b # c");  // needs quoting in YAML; the emitter must handle it
  EXPECT_TRUE(back.overrides.empty());
}

TEST(ScenarioToYaml, RoundTripKeepsEveryTransportAndSwitchSetting) {
  // full.yaml sets every transport key and turns buffers unlimited and ECN off; the overrides
  // give the other form of each optional setting.
  const Scenario s =
      load(kGood + "full.yaml",
           {"transport.initial_window=bdp", "switch.buffer_per_port=512KiB",
            "switch.shared_buffer=off", "switch.ecn={kmin: 50KiB, kmax: 200KiB, pmax: 0.2}"});
  ASSERT_EQ(s.switches.ecn, (net::EcnParams{50_KiB, 200_KiB, 0.2}));
  expect_same(round_trip(s, "switch_on"), s);
  const Scenario full = load(kGood + "full.yaml");
  expect_same(round_trip(full, "switch_off"), full);
  const std::string yaml = to_yaml(full);
  for (const char* field :
       {"kind: dctcp", "mtu: 9KB", "header: 48B", "initial_window: 128KiB", "min_rto: 200us",
        "reorder_threshold: 8", "gain: 0.125", "latency: 250ns", "buffer_per_port: unlimited",
        "shared_buffer: {size: 32MiB, alpha: 0.5}", "ecn: off"}) {
    EXPECT_NE(yaml.find(field), std::string::npos) << field << "\n" << yaml;
  }
  const std::string other = to_yaml(s);
  for (const char* field : {"initial_window: bdp", "buffer_per_port: 512KiB", "shared_buffer: off",
                            "ecn: {kmin: 50KiB, kmax: 200KiB, pmax: 0.2}"}) {
    EXPECT_NE(other.find(field), std::string::npos) << field << "\n" << other;
  }
}

TEST(ScenarioToYaml, RoundTripKeepsBackgroundSizesSourcesAndDestinations) {
  for (const char* sizes :
       {"web_search", "{dist: fixed, bytes: 1436B}", "{dist: exponential, mean: 3KB}"}) {
    SCOPED_TRACE(sizes);
    const Scenario s = load(kGood + "tiny.yaml",
                            {std::string("workload.0={kind: background, load: 0.25, sizes: ") +
                             sizes + ", sources: [3, 0], destinations: [1, 3]}"});
    const auto& w = std::get<traffic::BackgroundSpec>(s.workloads[0]);
    EXPECT_EQ(w.sources, (std::vector<std::uint32_t>{3, 0}));
    EXPECT_EQ(w.destinations, (std::vector<std::uint32_t>{1, 3}));
    expect_same(round_trip(s, "background"), s);
    EXPECT_NE(to_yaml(s).find(std::string("sizes: ") + sizes), std::string::npos) << to_yaml(s);
  }
}

TEST(ScenarioToYaml, WritesTheTopologyInlineWithExplicitUnits) {
  const std::string yaml = to_yaml(load(kGood + "with_topology.yaml"));
  EXPECT_EQ(yaml.find("file: ../topologies"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("leaves: 4"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("host_link: {rate: 200Gbps, latency: 1us}"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("fabric_link: {rate: 400Gbps, latency: 600ns}"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("subflows: auto"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("bytes: 256KiB"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("group_size: 0"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("sample_interval: 10us"), std::string::npos) << yaml;
}

TEST(ScenarioToYaml, WritesEveryMoeField) {
  const std::string yaml = to_yaml(load(kGood + "full.yaml"));
  for (const char* field : {"experts: 32", "top_k: 4", "tokens_per_gpu: 2048", "hidden: 7168",
                            "bytes_per_element: 1", "gpus: 32", "skew: {dist: zipf, s: 1.25}",
                            "subflows: 3", "rate: 1600Gbps", "latency: 1500ns"}) {
    EXPECT_NE(yaml.find(field), std::string::npos) << field << "\n" << yaml;
  }
}

}  // namespace
}  // namespace fabricsim::scenario
