// Parsing of valid scenarios into the typed structs, defaults, topology-file includes,
// and the errors that are not about one key of the scenario (missing file, included file).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "scenario/scenario.hpp"

namespace fabricsim::scenario {
namespace {

const topo::LeafSpineSpec& leaf_spine(const Scenario& s) {
  return std::get<topo::LeafSpineSpec>(s.topology);
}

using namespace core::literals;

const std::string kDir = std::string(FABRICSIM_SOURCE_DIR) + "/tests/scenarios/";

std::string error_of(const std::string& path, const std::vector<std::string>& overrides = {}) {
  try {
    load(path, overrides);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ScenarioError for " << path;
  return "";
}

/// Writes `text` to a fresh file in the test's temp folder and returns its path.
std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = testing::TempDir() + "fabricsim_load_test_" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(ScenarioLoad, FullScenarioFillsEveryField) {
  const Scenario s = load(kDir + "good/full.yaml");
  EXPECT_EQ(s.name, "full-example");
  EXPECT_EQ(s.seed, 42u);
  EXPECT_EQ(s.model, "flow");
  EXPECT_EQ(leaf_spine(s).leaves, 8u);
  EXPECT_EQ(leaf_spine(s).spines, 4u);
  EXPECT_EQ(leaf_spine(s).hosts_per_leaf, 8u);
  EXPECT_EQ(leaf_spine(s).links_per_pair, 2u);
  EXPECT_EQ(leaf_spine(s).host_link.rate, 200_Gbps);
  EXPECT_EQ(leaf_spine(s).host_link.latency, 250_ns);
  EXPECT_EQ(leaf_spine(s).fabric_link.rate.bps(), 1'600'000'000'000);  // 1.6Tbps
  EXPECT_EQ(leaf_spine(s).fabric_link.latency, 1500_ns);               // 1.5us
  EXPECT_EQ(s.routing.policy, "split");
  EXPECT_EQ(s.routing.subflows, 3u);
  EXPECT_EQ(s.routing.flowlet_gap, 20_us);
  EXPECT_EQ(s.transport.kind, "dctcp");
  EXPECT_EQ(s.transport.mtu, 9000_B);
  EXPECT_EQ(s.transport.header, 48_B);
  EXPECT_EQ(s.transport.initial_window, 128_KiB);
  EXPECT_EQ(s.transport.min_rto, 200_us);
  EXPECT_EQ(s.transport.reorder_threshold, 8u);
  EXPECT_EQ(s.transport.gain, 0.125);
  EXPECT_EQ(s.switches.latency, 250_ns);
  EXPECT_FALSE(s.switches.buffer_per_port.has_value());  // unlimited
  EXPECT_EQ(s.switches.shared_buffer, (net::SharedBufferParams{32_MiB, 0.5}));
  EXPECT_FALSE(s.switches.ecn.has_value());  // off
  ASSERT_EQ(s.workloads.size(), 3u);

  const auto& perm = std::get<traffic::PermutationSpec>(s.workloads[0]);
  EXPECT_EQ(perm.bytes, 4_MiB);
  EXPECT_EQ(perm.start, 10_us);
  const auto& a2a = std::get<traffic::AllToAllSpec>(s.workloads[1]);
  EXPECT_EQ(a2a.bytes, core::Bytes(64'000));  // KB is decimal
  EXPECT_EQ(a2a.group_size, 16u);
  EXPECT_EQ(a2a.start, core::Time::ms(2));
  const auto& moe = std::get<traffic::MoeSpec>(s.workloads[2]);
  EXPECT_EQ(moe.experts, 32u);
  EXPECT_EQ(moe.top_k, 4u);
  EXPECT_EQ(moe.tokens_per_gpu, 2048u);
  EXPECT_EQ(moe.hidden, 7168u);
  EXPECT_EQ(moe.bytes_per_element, 1u);
  EXPECT_EQ(moe.placement.gpus, 32u);
  EXPECT_EQ(moe.skew.dist, traffic::SkewSpec::Dist::zipf);
  EXPECT_DOUBLE_EQ(moe.skew.s, 1.25);
  EXPECT_EQ(moe.start, 0_ns);

  EXPECT_EQ(s.output.file, "results/full.h5");
  EXPECT_EQ(s.output.sample_interval, 5_us);
  EXPECT_TRUE(s.overrides.empty());
}

TEST(ScenarioLoad, MissingKeysTakeTheStructDefaults) {
  const Scenario s = load(kDir + "good/minimal.yaml");
  const Scenario defaults;
  const topo::LeafSpineSpec topo_defaults;
  EXPECT_EQ(s.name, defaults.name);
  EXPECT_EQ(s.seed, defaults.seed);
  EXPECT_EQ(s.model, "flow");
  EXPECT_EQ(leaf_spine(s).leaves, topo_defaults.leaves);
  EXPECT_EQ(leaf_spine(s).spines, topo_defaults.spines);
  EXPECT_EQ(leaf_spine(s).hosts_per_leaf, topo_defaults.hosts_per_leaf);
  EXPECT_EQ(leaf_spine(s).links_per_pair, topo_defaults.links_per_pair);
  EXPECT_EQ(leaf_spine(s).host_link.rate, 400_Gbps);
  EXPECT_EQ(leaf_spine(s).fabric_link.latency, 500_ns);
  EXPECT_EQ(s.routing.policy, "ecmp");
  EXPECT_EQ(s.routing.subflows, 0u);  // auto
  EXPECT_EQ(s.routing.flowlet_gap, 50_us);
  EXPECT_EQ(s.transport, net::TransportParams{});
  EXPECT_EQ(s.switches, net::SwitchParams{});
  ASSERT_EQ(s.workloads.size(), 1u);
  const auto& perm = std::get<traffic::PermutationSpec>(s.workloads[0]);
  EXPECT_EQ(perm.bytes, traffic::PermutationSpec{}.bytes);
  EXPECT_EQ(perm.start, 0_ns);
  EXPECT_EQ(s.output.file, OutputSpec{}.file);
  EXPECT_EQ(s.output.sample_interval, 10_us);
}

TEST(ScenarioLoad, SwitchMapsTurnFeaturesOnWithDefaultsAndWordsTurnThemOff) {
  const Scenario on = load(write_temp("switch_on.yaml",
                                      "transport: {initial_window: 0}\n"
                                      "switch: {shared_buffer: {alpha: 2}, ecn: {kmax: 400KiB}}\n"
                                      "workload: [{kind: permutation}]\n"));
  EXPECT_EQ(on.transport.initial_window, 0_B);  // 0 and bdp both mean one BDP
  EXPECT_EQ(on.switches.buffer_per_port, 1_MiB);
  EXPECT_EQ(on.switches.shared_buffer, (net::SharedBufferParams{16_MiB, 2.0}));
  EXPECT_EQ(on.switches.ecn, (net::EcnParams{100_KiB, 400_KiB, 1.0}));
  const Scenario off =
      load(write_temp("switch_off.yaml",
                      "transport: {initial_window: bdp}\n"
                      "switch: {buffer_per_port: unlimited, shared_buffer: off, ecn: off}\n"
                      "workload: [{kind: permutation}]\n"));
  EXPECT_EQ(off.transport.initial_window, 0_B);
  EXPECT_FALSE(off.switches.buffer_per_port.has_value());
  EXPECT_FALSE(off.switches.shared_buffer.has_value());
  EXPECT_FALSE(off.switches.ecn.has_value());
}

TEST(ScenarioLoad, TinyScenarioIsTheDocumentedOne) {
  const Scenario s = load(kDir + "good/tiny.yaml");
  EXPECT_EQ(leaf_spine(s).leaves, 2u);
  EXPECT_EQ(leaf_spine(s).spines, 2u);
  EXPECT_EQ(leaf_spine(s).hosts_per_leaf, 2u);
  EXPECT_EQ(leaf_spine(s).host_link.rate, 100_Gbps);
  EXPECT_EQ(leaf_spine(s).fabric_link.latency, 1_us);
  EXPECT_EQ(s.routing.policy, "ecmp");
  ASSERT_EQ(s.workloads.size(), 1u);
  EXPECT_EQ(std::get<traffic::PermutationSpec>(s.workloads[0]).bytes, 1_MiB);
}

TEST(ScenarioLoad, MoeDefaultsAndUniformSkew) {
  const std::string path = write_temp("moe.yaml", "workload:\n  - kind: moe\n    experts: 8\n");
  const Scenario s = load(path);
  const auto& moe = std::get<traffic::MoeSpec>(s.workloads.at(0));
  EXPECT_EQ(moe.experts, 8u);
  EXPECT_EQ(moe.top_k, 2u);
  EXPECT_EQ(moe.placement.gpus, 0u);  // all hosts
  EXPECT_EQ(moe.skew.dist, traffic::SkewSpec::Dist::uniform);
}

TEST(ScenarioLoad, TopologyFileIsIncludedAndInlineKeysWin) {
  // small.yaml: 4 leaves, 2 spines, 4 hosts/leaf, 2 links/pair, hosts 100Gbps/1us,
  // fabric 400Gbps/600ns. The scenario overrides spines (4) and host_link.rate (200Gbps);
  // host_link.latency still comes from the file (a deep merge, not a replacement).
  const Scenario s = load(kDir + "good/with_topology.yaml");
  EXPECT_EQ(leaf_spine(s).leaves, 4u);
  EXPECT_EQ(leaf_spine(s).spines, 4u);
  EXPECT_EQ(leaf_spine(s).hosts_per_leaf, 4u);
  EXPECT_EQ(leaf_spine(s).links_per_pair, 2u);
  EXPECT_EQ(leaf_spine(s).host_link.rate, 200_Gbps);
  EXPECT_EQ(leaf_spine(s).host_link.latency, 1_us);
  EXPECT_EQ(leaf_spine(s).fabric_link.rate, 400_Gbps);
  EXPECT_EQ(leaf_spine(s).fabric_link.latency, 600_ns);
}

TEST(ScenarioLoad, TopologyFileFallsBackToTheCurrentFolder) {
  // The scenario lives in the temp folder, so "tests/scenarios/topologies/small.yaml" is
  // not next to it; it is found relative to the current folder (set to the source tree).
  const std::string path = write_temp(
      "cwd.yaml",
      "topology: {file: tests/scenarios/topologies/small.yaml}\nworkload: [{kind: permutation}]\n");
  const auto old = std::filesystem::current_path();
  std::filesystem::current_path(FABRICSIM_SOURCE_DIR);
  Scenario s;
  EXPECT_NO_THROW(s = load(path));
  std::filesystem::current_path(old);
  EXPECT_EQ(leaf_spine(s).leaves, 4u);
  EXPECT_EQ(leaf_spine(s).links_per_pair, 2u);
}

TEST(ScenarioLoad, ShippedScenariosAndTopologiesLoad) {
  // Every runnable scenario under scenarios/ must pass validation and write back to YAML that
  // loads to the same scenario; every shared topology file must be includable.
  namespace fs = std::filesystem;
  const fs::path root(FABRICSIM_SOURCE_DIR);
  int scenarios = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root / "scenarios")) {
    // scenarios/sweeps holds sweep files, not scenarios (SweepCli dry-runs each).
    if (entry.path().extension() != ".yaml" || entry.path().parent_path().filename() == "sweeps") {
      continue;
    }
    SCOPED_TRACE(entry.path().string());
    ++scenarios;
    const std::string yaml = to_yaml(load(entry.path().string()));
    EXPECT_EQ(to_yaml(load(write_temp("shipped_round_trip.yaml", yaml))), yaml);
  }
  EXPECT_GE(scenarios, 10);
  for (const auto& entry : fs::directory_iterator(root / "topologies")) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().string());
    const std::string path =
        write_temp("shipped_topology.yaml", "topology: {file: " + entry.path().string() +
                                                "}\nworkload: [{kind: permutation}]\n");
    EXPECT_NO_THROW(load(path));
  }
}

TEST(ScenarioLoad, MissingScenarioFileIsAClearError) {
  const std::string msg = error_of(kDir + "good/does_not_exist.yaml");
  EXPECT_NE(msg.find("does_not_exist.yaml: cannot open scenario file (no such file)"),
            std::string::npos)
      << msg;
}

TEST(ScenarioLoad, MissingTopologyFileNamesTheKeyAndThePathsTried) {
  const std::string path = write_temp("missing_topo.yaml",
                                      "name: x\ntopology:\n  file: nowhere/topo.yaml\n"
                                      "workload: [{kind: permutation}]\n");
  const std::string msg = error_of(path);
  // The `file:` value is on line 3, column 9.
  EXPECT_NE(msg.find(path + ":3:9: topology.file: cannot find topology file 'nowhere/topo.yaml'"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("tried: " + testing::TempDir() + "nowhere/topo.yaml, nowhere/topo.yaml"),
            std::string::npos)
      << msg;
}

TEST(ScenarioLoad, SyntaxErrorInTopologyFileNamesThatFile) {
  const std::string path = write_temp(
      "broken_topo.yaml",
      "topology:\n  file: " + kDir + "topologies/broken.yaml\nworkload: [{kind: permutation}]\n");
  const std::string msg = error_of(path);
  // broken.yaml leaves a flow map open on line 4; the parser notices by line 5.
  EXPECT_NE(msg.find("topologies/broken.yaml:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("YAML syntax error"), std::string::npos) << msg;
  EXPECT_NE(msg.find("(topology file included at " + path + ":2:9)"), std::string::npos) << msg;
}

TEST(ScenarioLoad, BadValueInTopologyFileNamesThatFileAndLine) {
  const std::string path = write_temp(
      "zero_topo.yaml", "topology:\n  file: " + kDir +
                            "topologies/zero_spines.yaml\nworkload: [{kind: permutation}]\n");
  const std::string msg = error_of(path);
  // zero_spines.yaml: "spines: 0" on line 4, the value at column 9.
  EXPECT_NE(msg.find("topologies/zero_spines.yaml:4:9: topology.spines: must be at least 1, got 0"),
            std::string::npos)
      << msg;
}

TEST(ScenarioLoad, InlineKeyRepairsABadTopologyFileValue) {
  // The inline `spines: 2` wins over the file's `spines: 0`, so the file's defect is hidden.
  const std::string path =
      write_temp("repair_topo.yaml", "topology:\n  file: " + kDir +
                                         "topologies/zero_spines.yaml\n  spines: 2\n"
                                         "workload: [{kind: permutation}]\n");
  EXPECT_EQ(std::get<topo::LeafSpineSpec>(load(path).topology).spines, 2u);
}

TEST(ScenarioLoad, EmptyFileSaysSo) {
  const std::string path = write_temp("empty.yaml", "# nothing here\n");
  EXPECT_NE(error_of(path).find(path + ":1:1: (top level): the scenario is empty"),
            std::string::npos);
}

TEST(ScenarioLoad, TopLevelListIsRejected) {
  const std::string path = write_temp("list.yaml", "- kind: permutation\n");
  EXPECT_NE(error_of(path).find("a scenario must be a map of keys"), std::string::npos);
}

TEST(ScenarioLoad, CountsAcceptTheirLimitsExactly) {
  // 256 leaves x 256 hosts = 65,536 hosts: exactly the limit, so accepted (with 256 x 255 + 256
  // = 65,536 equal-cost paths, under 4M); and an all-to-all in groups of 512 makes
  // 65,536 x 511 = 33,488,896 flows, under 50,000,000.
  const std::string path = write_temp("limits.yaml",
                                      "topology: {leaves: 256, hosts_per_leaf: 256, spines: 1}\n"
                                      "workload: [{kind: all_to_all, group_size: 512}]\n");
  const Scenario s = load(path);
  EXPECT_EQ(leaf_spine(s).leaves * leaf_spine(s).hosts_per_leaf, 65'536u);
}

}  // namespace
}  // namespace fabricsim::scenario
