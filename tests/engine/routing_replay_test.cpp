// Record & replay of routing decisions (routing.record, policy: replay). A run recorded with
// every built-in policy replays to the same /flows table, in both models; a hand-written CSV
// of paths replays to hand-derived completion times; bad rows exit 2 naming file and line.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "engine/simulation.hpp"
#include "io/hdf5_writer.hpp"
#include "routing/policy.hpp"
#include "routing/replay_trace.hpp"
#include "support/cli_run.hpp"
#include "support/small_fabric.hpp"

namespace fabricsim::engine {
namespace {

namespace fs = std::filesystem;
using core::Bytes;
using core::Time;

/// Every test's files live under one folder of this process, removed when the tests end.
fs::path scratch_root() {
  return fs::temp_directory_path() / ("fabricsim_routing_replay_" + std::to_string(::getpid()));
}
struct RemoveScratch : ::testing::Environment {
  void TearDown() override { fs::remove_all(scratch_root()); }
};
[[maybe_unused]] ::testing::Environment* const kRemoveScratch =
    ::testing::AddGlobalTestEnvironment(new RemoveScratch);

fs::path scratch(const std::string& name) {
  const fs::path dir = scratch_root() / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write(const fs::path& file, const std::string& text) { std::ofstream(file) << text; }

/// An all-to-all of 256 KiB from every host to every other on a 2-leaf x 3-spine leaf-spine
/// with 4 hosts per leaf: 8 hosts, 4 of every host's 7 peers across the spines; split's auto
/// is 3 subflows here.
scenario::Scenario all_to_all(const std::string& policy, const std::string& model) {
  scenario::Scenario s =
      test_support::small_fabric(2, 3, 4, policy, traffic::AllToAllSpec{.bytes = Bytes(256 << 10)});
  s.model = model;
  s.transport.kind = "dctcp";
  s.output.sample_interval = Time{};
  return s;
}

/// The same scenario routed by replaying `trace`.
scenario::Scenario replaying(scenario::Scenario s, const fs::path& trace) {
  s.routing.policy = "replay";
  s.routing.record = "none";
  s.routing.trace = trace.string();
  return s;
}

std::vector<metrics::FlowRecord> run(const scenario::Scenario& s, const fs::path& out = {}) {
  Simulation simulation(s);
  metrics::Results results = simulation.run();
  EXPECT_EQ(results.info.status, "complete");
  if (!out.empty()) io::write_results(out.string(), simulation.fabric(), results);
  return results.flows;
}

/// Records every built-in policy's run of the all-to-all (record: `record`), replays it, and
/// expects the replay's /flows to equal the recording's in every column. The policies must
/// not all give the same flows, or the check would show nothing.
void expect_every_policy_replays(const std::string& model, const std::string& record) {
  const fs::path dir = scratch(model);
  std::set<std::vector<std::int64_t>> distinct_ends;
  for (const routing::PolicyInfo& info : routing::policies()) {
    const std::string policy(info.name);
    if (policy == "replay") continue;
    SCOPED_TRACE(policy + " in the " + model + " model");
    scenario::Scenario s = all_to_all(policy, model);
    s.routing.record = record;
    const fs::path trace = dir / (policy + ".h5");
    const std::vector<metrics::FlowRecord> recorded = run(s, trace);
    const std::vector<metrics::FlowRecord> replayed = run(replaying(s, trace));
    ASSERT_EQ(replayed.size(), recorded.size());
    for (std::size_t i = 0; i < recorded.size(); ++i) {
      ASSERT_EQ(replayed[i], recorded[i]) << "flow " << i;
    }
    std::vector<std::int64_t> ends;
    for (const metrics::FlowRecord& f : recorded) ends.push_back(f.end_ps);
    distinct_ends.insert(ends);
  }
  EXPECT_GE(distinct_ends.size(), 3u);
}

TEST(RoutingReplay, EveryPolicyRecordedInTheFlowModelReplaysToTheSameFlows) {
  expect_every_policy_replays("flow", "flows");
}

TEST(RoutingReplay, EveryPolicyRecordedPacketByPacketReplaysToTheSameFlows) {
  expect_every_policy_replays("packet", "packets");
}

TEST(RoutingReplay, ThePathsComeFromTheTraceNotFromTheHash) {
  // The ecmp salt follows the seed: seed 2 hashes the flows onto other paths (shown), yet a
  // replay under seed 2 of seed 1's trace gives seed 1's flows.
  const fs::path dir = scratch("seed");
  scenario::Scenario s = all_to_all("ecmp", "flow");
  s.routing.record = "flows";
  const std::vector<metrics::FlowRecord> seed1 = run(s, dir / "seed1.h5");
  s.seed = 2;
  const std::vector<metrics::FlowRecord> seed2 = run(s);
  EXPECT_NE(seed1, seed2);
  EXPECT_EQ(run(replaying(s, dir / "seed1.h5")), seed1);
}

TEST(RoutingReplay, PerHopChoicesAtEveryTierReplayOnAFatTree) {
  // k = 4 fat-tree: adaptive_hop chooses at the ToR and again at the aggregation switch; both
  // kinds of record replay to the same flows, and a recorded ecmp run replays in the packet
  // model from its flow records alone.
  const fs::path dir = scratch("fat_tree");
  for (const std::string policy : {"adaptive_hop", "spray", "ecmp"}) {
    SCOPED_TRACE(policy);
    scenario::Scenario s = all_to_all(policy, "packet");
    s.topology = topo::FatTreeSpec{.k = 4,
                                   .host_link = {core::Bitrate::gbps(100), Time::us(1)},
                                   .tor_link = {core::Bitrate::gbps(100), Time::us(1)},
                                   .core_link = {core::Bitrate::gbps(100), Time::us(1)}};
    s.routing.record = policy == "ecmp" ? "flows" : "packets";
    Simulation simulation(s);
    const metrics::Results recorded = simulation.run();
    io::write_results((dir / (policy + ".h5")).string(), simulation.fabric(), recorded);
    EXPECT_EQ(recorded.routing.hops.empty(), policy != "adaptive_hop");
    EXPECT_EQ(recorded.routing.packets.empty(), policy == "ecmp");
    EXPECT_EQ(run(replaying(s, dir / (policy + ".h5"))), recorded.flows);
  }
}

TEST(RoutingReplay, ATraceThatDoesNotFitTheRunIsRefusedNamingItsRow) {
  const fs::path dir = scratch("misfit");
  scenario::Scenario s = all_to_all("split", "flow");
  s.routing.record = "flows";
  run(s, dir / "split.h5");
  // Half the bytes: the recorded pieces no longer add up to the workload flows.
  s.workloads = {traffic::AllToAllSpec{.bytes = Bytes(128 << 10)}};
  try {
    run(replaying(s, dir / "split.h5"));
    ADD_FAILURE() << "no error";
  } catch (const routing::TraceInputError& e) {
    EXPECT_NE(std::string(e.what()).find("split.h5: /routing/decisions row "), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("the workload flow has 131072 bytes"), std::string::npos)
        << e.what();
  }
  // A sprayed flow recorded in the flow model is a spread over paths: the packet model needs
  // the packets' own choices to replay it.
  scenario::Scenario spray = all_to_all("spray", "flow");
  spray.routing.record = "flows";
  run(spray, dir / "spray.h5");
  spray.model = "packet";
  try {
    Simulation simulation(replaying(spray, dir / "spray.h5"));
    ADD_FAILURE() << "no error";
  } catch (const routing::TraceInputError& e) {
    EXPECT_NE(std::string(e.what()).find("record the run in the packet model with routing: "
                                         "{record: packets}"),
              std::string::npos)
        << e.what();
  }
}

/// 2 leaves x 2 spines, 2 hosts per leaf (hosts 0, 1 on leaf0; 2, 3 on leaf1), every link
/// 100 Gb/s and 1 us; host 0 sends 1,000,000 bytes to host 2 and host 1 as many to host 3,
/// both at time 0; routed by the CSV `paths`.
scenario::Scenario two_flows(const fs::path& dir, const std::string& paths) {
  write(dir / "m.cm",
        "Nodes 4\nConnections 2\n0->2 start 0 size 1000000\n"
        "1->3 start 0 size 1000000\n");
  write(dir / "paths.csv", paths);
  scenario::Scenario s = test_support::small_fabric(
      2, 2, 2, "replay", traffic::ConnectionMatrixSpec{.file = (dir / "m.cm").string()});
  s.routing.trace = (dir / "paths.csv").string();
  return s;
}

TEST(RoutingReplay, AHandWrittenCsvOfPathsGivesHandDerivedCompletionTimes) {
  const fs::path dir = scratch("csv");
  // Both flows on spine0: they share leaf0->spine0 and spine0->leaf1, 50 Gb/s each, so
  // 8,000,000 bits take 160 us; the route's four links add 4 us: 164 us.
  std::vector<metrics::FlowRecord> flows = run(two_flows(dir,
                                                         "src,dst,index,path,fraction\n"
                                                         "0,2,0,leaf0 spine0 leaf1,1\n"
                                                         "1,3,0,leaf0 spine0 leaf1,1\n"));
  ASSERT_EQ(flows.size(), 2u);
  for (const metrics::FlowRecord& f : flows) EXPECT_EQ(f.end_ps, Time::us(164).ps());
  // One on each spine: nothing shared, 100 Gb/s each: 80 us + 4 us.
  flows = run(two_flows(dir,
                        "src,dst,path\n"
                        "0,2,leaf0 spine0 leaf1\n"
                        "1,3,leaf0 spine1 leaf1\n"));
  for (const metrics::FlowRecord& f : flows) EXPECT_EQ(f.end_ps, Time::us(84).ps());
  // Host 0's flow cut 3:1 over the spines (750,000 bytes on spine0, 250,000 on spine1), host
  // 1's whole on spine1. Max-min: the 250,000-byte piece shares host 0's uplink with the
  // 750,000 one and leaf0->spine1 with host 1's flow: all three at 50 Gb/s. The small piece
  // is done at 40 us (+4: ends at 44 us); then the big piece has 500,000 bytes left, alone at
  // 100 Gb/s: 40 us more (84 us), and host 1's flow 750,000 at 100 Gb/s: 60 us more (104 us).
  flows = run(two_flows(dir,
                        "src,dst,index,path,fraction\n"
                        "0,2,0,leaf0 spine0 leaf1,3\n"
                        "0,2,0,leaf0 spine1 leaf1,1\n"
                        "1,3,0,leaf0 spine1 leaf1,\n"));
  ASSERT_EQ(flows.size(), 3u);
  EXPECT_EQ(flows[0].bytes, 750'000);
  EXPECT_EQ(flows[1].bytes, 250'000);
  EXPECT_EQ(flows[0].end_ps, Time::us(84).ps());
  EXPECT_EQ(flows[1].end_ps, Time::us(44).ps());
  EXPECT_EQ(flows[2].end_ps, Time::us(104).ps());
}

/// `fabricsim run` on the two-flow scenario with the CSV `paths` and extra routing keys.
test_support::CliOutcome run_cli(const std::string& name, const std::string& paths,
                                 const std::string& routing = "", const std::string& events = "") {
  const fs::path dir = scratch("cli_" + name);
  write(dir / "m.cm",
        "Nodes 4\nConnections 2\n0->2 start 0 size 1000000\n"
        "1->3 start 0 size 1000000\n");
  write(dir / "paths.csv", paths);
  write(dir / "s.yaml",
        "model: flow\n"
        "topology: {kind: leaf_spine, leaves: 2, spines: 2, hosts_per_leaf: 2,\n"
        "           host_link: {rate: 100Gbps, latency: 1us},\n"
        "           fabric_link: {rate: 100Gbps, latency: 1us}}\n"
        "routing: {policy: replay, trace: paths.csv, failure_detection: 0us" +
            routing + "}\n" + events +
            "workload:\n  - {kind: connection_matrix, file: m.cm}\n"
            "output: {file: out.h5}\n");
  return test_support::run_fabricsim("run --quiet " + (dir / "s.yaml").string() + " -o " +
                                     (dir / "out.h5").string());
}

TEST(RoutingReplay, EachBadRowExitsTwoNamingTheFileAndLine) {
  const std::string header = "src,dst,index,path,fraction\n0,2,0,leaf0 spine0 leaf1,1\n";
  struct Case {
    const char* name;
    const char* row;  // line 3 of paths.csv
    const char* says;
  };
  const Case cases[] = {
      {"host", "9,3,0,leaf0 spine1 leaf1,1\n", "unknown flow: host 9 is not a host index"},
      {"index", "1,3,1,leaf0 spine1 leaf1,1\n", "unknown flow: the workload has 1 flow(s)"},
      {"node", "1,3,0,leaf0 spine7 leaf1,1\n", "unknown node 'spine7'"},
      {"path_id", "1,3,0,999,1\n", "unknown path id 999"},
      {"not_a_path", "1,3,0,leaf1 spine0 leaf0,1\n", "is not a path from host 1 to host 3"},
      {"fraction", "1,3,0,leaf0 spine1 leaf1,-1\n", "fraction is '-1'"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const test_support::CliOutcome out = run_cli(c.name, header + c.row);
    EXPECT_EQ(out.exit_code, 2) << out.output;
    EXPECT_NE(out.output.find("paths.csv:3: "), std::string::npos) << out.output;
    EXPECT_NE(out.output.find(c.says), std::string::npos) << out.output;
  }
  // A path over a link that is down when the flow starts (leaf0 - spine0 dies at 0, and
  // routing knows at once).
  const test_support::CliOutcome dead =
      run_cli("dead", header + "1,3,0,leaf0 spine1 leaf1,1\n", "",
              "events:\n  - {at: 0us, link: [leaf0, spine0], action: down}\n");
  EXPECT_EQ(dead.exit_code, 2) << dead.output;
  EXPECT_NE(dead.output.find("paths.csv:2: path "), std::string::npos) << dead.output;
  EXPECT_NE(dead.output.find("crosses a link that is down"), std::string::npos) << dead.output;
}

TEST(RoutingReplay, AFlowWithNoRowNeedsAFallback) {
  const std::string one_row = "src,dst,path\n0,2,leaf0 spine0 leaf1\n";
  const test_support::CliOutcome missing = run_cli("missing", one_row);
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_NE(missing.output.find("no row for the workload flow from host 1 to host 3 index 0"),
            std::string::npos)
      << missing.output;
  EXPECT_NE(missing.output.find("routing.fallback"), std::string::npos) << missing.output;
  const test_support::CliOutcome fallback = run_cli("fallback", one_row, ", fallback: ecmp");
  EXPECT_EQ(fallback.exit_code, 0) << fallback.output;
}

}  // namespace
}  // namespace fabricsim::engine
