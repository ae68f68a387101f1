#include "io/hdf5_writer.hpp"
#include "io/hdf5_topology.hpp"
#include "topo/fabric_builder.hpp"
#include "topo/topology.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "hdf5_read.hpp"

namespace fabricsim::io {
namespace {

namespace fs = std::filesystem;
using namespace fabricsim::io::testing;
using core::Bitrate;
using core::Time;

// Two hosts under one leaf, one spine above it: 4 nodes, 6 directed links.
// Links 0-3 are the hosts' (up, down each), 4 and 5 leaf0 <-> spine0; the one pair (leaf0,
// leaf0) has path 0, which has no links.
topo::Fabric tiny_fabric() {
  topo::FabricBuilder b;
  const topo::NodeId host0 = b.add_node(topo::NodeKind::host, "host0");
  const topo::NodeId host1 = b.add_node(topo::NodeKind::host, "host1");
  const topo::NodeId leaf = b.add_node(topo::NodeKind::leaf, "leaf0", true);
  const topo::NodeId spine = b.add_node(topo::NodeKind::spine, "spine0");
  const topo::LinkSpec host_link{Bitrate::gbps(100), Time::ns(500)};
  b.attach_host(host0, leaf, host_link);
  b.attach_host(host1, leaf, host_link);
  b.add_cable(leaf, spine, {Bitrate::gbps(400), Time::us(1)});
  return b.finish();
}

metrics::Results small_results() {
  metrics::Results r;
  r.info.name = "tiny";
  r.info.scenario_yaml = "name: tiny\nseed: 7\n";
  r.info.overrides = "routing.policy=spray\nseed=7";
  r.info.seed = 7;
  r.info.model = "flow";
  r.info.status = "complete";
  r.info.sim_end_ps = 123'456'789;
  r.info.events = 42;
  r.info.wall_seconds = 0.25;
  r.info.warnings = "first warning\nsecond warning\n";
  r.info.command_line = "fabricsim run 'a b.yaml' --set 'workload.0={kind: permutation}'";
  r.info.start_time_utc = "2026-11-24T19:37:47Z";
  r.info.host_name = "node17";
  // Application flow 0 was split into subflows 0 and 1; flow 2 is its own, unfinished.
  r.app_flows = {{0, 0, 1, (1 << 20) + 4096, 0, 90'000'000, 2, 0}, {1, 0, 1, 512, 5'000, -1, 1, 1}};
  // Flow 2 is unfinished (end -1) and spread over several paths (path -1).
  r.flows = {{0, 0, 1, 1 << 20, 0, 90'000'000, 0, 0, 3, 270, 10, 7, 3, 2, 1},
             {1, 0, 1, 4096, 0, 2'000'000, 0, 0, 4, 2, 1, 0, 0, 1, 0},
             {2, 0, 1, 512, 5'000, -1, 1, 1, -1, 0, 0, 0, 0, 0, 0}};
  r.steps = {{0, 0, "permutation", -1, 0, 0, 90'000'000, 85'000'000, "host_uplink", 0},
             {1, 1, "dispatch", 3, 2, 5'000, 123'456'789, 7'000'000, "compute", -1}};
  r.links = {{0, 1 << 20, 0.5, 65'536, 3, 12'288, 17, 4096}, {4, 4096, 0.125, 0, 0, 0, 0, 0}};
  // Three samples of the 6 links of tiny_fabric, row t = sample t.
  r.link_series.time_ps = {0, 10'000'000, 20'000'000};
  r.link_series.queue_bytes = {0,    0, 0, 0, 0,    0,  //
                               4096, 0, 0, 0, 8192, 0,  //
                               0,    0, 0, 0, 4160, 0};
  r.link_series.tx_bytes = {0,   0, 0, 0, 0,   0,  //
                            100, 0, 0, 0, 50,  0,  //
                            200, 0, 0, 0, 120, 0};
  // Workload 1: 2 iterations x 2 layers x 3 experts on 2 GPUs, cell (1,0) never recorded.
  r.expert_tokens = {{1, 0, 0, {10, 20, 30}, {30, 20}, 10},
                     {1, 1, 0, {1, 2, 3}, {3, 3}, 0},
                     {1, 1, 1, {7, 8, 9}, {9, 15}, 0},
                     {3, 0, 0, {5, 6}, {5, 6}, 0}};
  return r;
}

/// Each test writes into its own fresh temporary folder, removed afterwards.
class Hdf5Writer : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("fabricsim_io_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

TEST_F(Hdf5Writer, WritesRootAttributes) {
  const std::string out = path("run.h5");
  write_results(out, tiny_fabric(), small_results());
  const Id file = open_file(out);
  EXPECT_EQ(read_attribute<std::int32_t>(file.get(), "/", "schema_version"), 2);
  // The project version ("0.1.0") and the commit it was built from.
  const std::string version = read_string_attribute(file.get(), "/", "fabricsim_version");
  ASSERT_FALSE(version.empty());
  EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(version[0]))) << version;
  EXPECT_FALSE(read_string_attribute(file.get(), "/", "git_sha").empty());
  EXPECT_EQ(read_string_attribute(file.get(), "/", "name"), "tiny");
  EXPECT_EQ(read_string_attribute(file.get(), "/", "scenario_yaml"), "name: tiny\nseed: 7\n");
  EXPECT_EQ(read_string_attribute(file.get(), "/", "overrides"), "routing.policy=spray\nseed=7");
  EXPECT_EQ(read_attribute<std::uint64_t>(file.get(), "/", "seed"), 7u);
  EXPECT_EQ(read_string_attribute(file.get(), "/", "model"), "flow");
  EXPECT_EQ(read_string_attribute(file.get(), "/", "status"), "complete");
  EXPECT_EQ(read_attribute<std::int64_t>(file.get(), "/", "sim_end_ps"), 123'456'789);
  EXPECT_EQ(read_attribute<std::uint64_t>(file.get(), "/", "events"), 42u);
  EXPECT_DOUBLE_EQ(read_attribute<double>(file.get(), "/", "wall_seconds"), 0.25);
  EXPECT_EQ(read_string_attribute(file.get(), "/", "warnings"), "first warning\nsecond warning\n");
  EXPECT_TRUE(is_string_attribute(file.get(), "/", "name"));
  EXPECT_EQ(read_string_attribute(file.get(), "/", "command_line"),
            "fabricsim run 'a b.yaml' --set 'workload.0={kind: permutation}'");
  EXPECT_EQ(read_string_attribute(file.get(), "/", "start_time_utc"), "2026-11-24T19:37:47Z");
  EXPECT_EQ(read_string_attribute(file.get(), "/", "host_name"), "node17");
}

TEST_F(Hdf5Writer, WritesTopologyTables) {
  const std::string out = path("run.h5");
  write_results(out, tiny_fabric(), small_results());
  const Id f = open_file(out);
  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/topology/nodes/id"),
            (std::vector<std::uint32_t>{0, 1, 2, 3}));
  EXPECT_EQ(read_strings(f.get(), "/topology/nodes/kind"),
            (std::vector<std::string>{"host", "host", "leaf", "spine"}));
  EXPECT_EQ(read_strings(f.get(), "/topology/nodes/name"),
            (std::vector<std::string>{"host0", "host1", "leaf0", "spine0"}));
  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/topology/links/id"),
            (std::vector<std::uint32_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/topology/links/src"),
            (std::vector<std::uint32_t>{0, 2, 1, 2, 2, 3}));
  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/topology/links/dst"),
            (std::vector<std::uint32_t>{2, 0, 2, 1, 3, 2}));
  const std::int64_t g100 = 100'000'000'000, g400 = 400'000'000'000;
  EXPECT_EQ(read_numbers<std::int64_t>(f.get(), "/topology/links/rate_bps"),
            (std::vector<std::int64_t>{g100, g100, g100, g100, g400, g400}));
  // 500 ns = 500,000 ps; 1 us = 1,000,000 ps.
  EXPECT_EQ(read_numbers<std::int64_t>(f.get(), "/topology/links/latency_ps"),
            (std::vector<std::int64_t>{500'000, 500'000, 500'000, 500'000, 1'000'000, 1'000'000}));
}

TEST_F(Hdf5Writer, PastTheListingLimitOnlyThePathsFlowsNameAreWritten) {
  // A k = 16 fat-tree with two cables per ToR-aggregation pair numbers 3,960,960 paths, past
  // kListedPaths: /topology/paths holds the two the flows name (path 7 twice), each whole.
  topo::FatTreeSpec spec;
  spec.k = 16;
  spec.tor_agg_links = 2;
  const topo::Fabric fabric = topo::build_fabric(spec);
  ASSERT_GT(fabric.path_count(), kListedPaths);
  metrics::Results r = small_results();
  r.links.clear();
  r.link_series = {};
  r.flows[0].path_id = 2'000'000;
  r.flows[1].path_id = 7;
  r.flows.push_back(r.flows[1]);
  const std::string out = path("big.h5");
  write_results(out, fabric, r);
  const Id f = open_file(out);
  const auto ids = read_numbers<std::uint32_t>(f.get(), "/topology/paths/path_id");
  const auto links = read_numbers<std::int32_t>(f.get(), "/topology/paths/link");
  const topo::PathLinks seven = fabric.path(7), far = fabric.path(2'000'000);
  std::vector<std::uint32_t> want(1 + seven.size(), 7);
  want.insert(want.end(), 1 + far.size(), 2'000'000);
  EXPECT_EQ(ids, want);
  std::vector<std::int32_t> want_links{-1};
  for (const topo::LinkId l : seven) want_links.push_back(static_cast<std::int32_t>(l));
  want_links.push_back(-1);
  for (const topo::LinkId l : far) want_links.push_back(static_cast<std::int32_t>(l));
  EXPECT_EQ(links, want_links);
}

TEST_F(Hdf5Writer, WritesOneHostRowPerPort) {
  // A rail fabric of 2 servers x 2 GPUs: each GPU has a NIC (port 0, on rail<i>) and an
  // NVLink port (port 1, on its server's NVSwitch).
  topo::RailSpec spec;
  spec.servers = 2;
  spec.gpus_per_server = 2;
  spec.spines = 1;
  const topo::Fabric fabric = topo::build_fabric(spec);
  metrics::Results r = small_results();
  r.links.clear();
  r.link_series = {};
  const std::string out = path("rail.h5");
  write_results(out, fabric, r);
  const Id f = open_file(out);
  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/topology/hosts/id"),
            (std::vector<std::uint32_t>{0, 0, 1, 1, 2, 2, 3, 3}));
  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/topology/hosts/port"),
            (std::vector<std::uint32_t>{0, 1, 0, 1, 0, 1, 0, 1}));
  std::vector<std::string> edge_names;
  for (const std::uint32_t n : read_numbers<std::uint32_t>(f.get(), "/topology/hosts/edge"))
    edge_names.push_back(fabric.nodes[n].name);
  EXPECT_EQ(edge_names, (std::vector<std::string>{"rail0", "nvswitch0", "rail1", "nvswitch0",
                                                  "rail0", "nvswitch1", "rail1", "nvswitch1"}));
}

TEST_F(Hdf5Writer, WritesFlowStepAndLinkTables) {
  const std::string out = path("run.h5");
  write_results(out, tiny_fabric(), small_results());
  const Id f = open_file(out);
  EXPECT_EQ(shape(f.get(), "/flows/id"), (std::vector<hsize_t>{3}));
  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/flows/src"),
            (std::vector<std::uint32_t>{0, 0, 0}));
  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/flows/dst"),
            (std::vector<std::uint32_t>{1, 1, 1}));
  EXPECT_EQ(read_numbers<std::int64_t>(f.get(), "/flows/bytes"),
            (std::vector<std::int64_t>{1 << 20, 4096, 512}));
  EXPECT_EQ(read_numbers<std::int64_t>(f.get(), "/flows/start_ps"),
            (std::vector<std::int64_t>{0, 0, 5'000}));
  EXPECT_EQ(read_numbers<std::int64_t>(f.get(), "/flows/end_ps"),
            (std::vector<std::int64_t>{90'000'000, 2'000'000, -1}));
  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/flows/step_id"),
            (std::vector<std::uint32_t>{0, 0, 1}));
  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/flows/app_flow"),
            (std::vector<std::uint32_t>{0, 0, 1}));
  EXPECT_FALSE(exists(f.get(), "/flows/subflow_of"));
  EXPECT_EQ(read_numbers<std::int32_t>(f.get(), "/flows/path_id"),
            (std::vector<std::int32_t>{3, 4, -1}));
  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/flows/packets"),
            (std::vector<std::uint32_t>{270, 2, 0}));
  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/flows/retransmits"),
            (std::vector<std::uint32_t>{10, 1, 0}));
  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/flows/reordered_packets"),
            (std::vector<std::uint32_t>{7, 0, 0}));
  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/flows/max_reorder"),
            (std::vector<std::uint32_t>{3, 0, 0}));
  for (const char* c : {"packets", "retransmits", "reordered_packets", "max_reorder"}) {
    EXPECT_EQ(read_string_attribute(f.get(), std::string("/flows/") + c, "units"), "packets") << c;
  }
  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/flows/probes"),
            (std::vector<std::uint32_t>{2, 1, 0}));
  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/flows/timeouts"),
            (std::vector<std::uint32_t>{1, 0, 0}));
  EXPECT_EQ(read_string_attribute(f.get(), "/flows/timeouts", "units"), "expiries");

  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/steps/workload"),
            (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(read_strings(f.get(), "/steps/kind"),
            (std::vector<std::string>{"permutation", "dispatch"}));
  EXPECT_EQ(read_numbers<std::int32_t>(f.get(), "/steps/layer"),
            (std::vector<std::int32_t>{-1, 3}));
  EXPECT_EQ(read_numbers<std::int32_t>(f.get(), "/steps/iteration"),
            (std::vector<std::int32_t>{0, 2}));
  EXPECT_EQ(read_numbers<std::int64_t>(f.get(), "/steps/end_ps"),
            (std::vector<std::int64_t>{90'000'000, 123'456'789}));
  EXPECT_EQ(read_numbers<std::int64_t>(f.get(), "/steps/bound_ps"),
            (std::vector<std::int64_t>{85'000'000, 7'000'000}));
  EXPECT_EQ(read_strings(f.get(), "/steps/bound_by"),
            (std::vector<std::string>{"host_uplink", "compute"}));
  EXPECT_EQ(read_numbers<std::int32_t>(f.get(), "/steps/bound_node"),
            (std::vector<std::int32_t>{0, -1}));
  EXPECT_EQ(read_string_attribute(f.get(), "/steps/bound_ps", "units"), "ps");

  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/links/summary/link_id"),
            (std::vector<std::uint32_t>{0, 4}));
  EXPECT_EQ(read_numbers<std::int64_t>(f.get(), "/links/summary/tx_bytes"),
            (std::vector<std::int64_t>{1 << 20, 4096}));
  EXPECT_EQ(read_numbers<double>(f.get(), "/links/summary/busy_fraction"),
            (std::vector<double>{0.5, 0.125}));
  EXPECT_EQ(read_numbers<std::int64_t>(f.get(), "/links/summary/max_queue_bytes"),
            (std::vector<std::int64_t>{65'536, 0}));
  EXPECT_EQ(read_numbers<std::uint64_t>(f.get(), "/links/summary/drops"),
            (std::vector<std::uint64_t>{3, 0}));
  EXPECT_EQ(read_numbers<std::int64_t>(f.get(), "/links/summary/dropped_bytes"),
            (std::vector<std::int64_t>{12'288, 0}));
  EXPECT_EQ(read_numbers<std::uint64_t>(f.get(), "/links/summary/ecn_marks"),
            (std::vector<std::uint64_t>{17, 0}));
  EXPECT_EQ(read_string_attribute(f.get(), "/links/summary/max_queue_bytes", "units"), "bytes");
  EXPECT_EQ(read_string_attribute(f.get(), "/links/summary/drops", "units"), "packets");
  EXPECT_EQ(read_string_attribute(f.get(), "/links/summary/dropped_bytes", "units"), "bytes");
  EXPECT_EQ(read_string_attribute(f.get(), "/links/summary/ecn_marks", "units"), "packets");
  EXPECT_EQ(read_numbers<std::int64_t>(f.get(), "/links/summary/lost_bytes"),
            (std::vector<std::int64_t>{4096, 0}));
  EXPECT_EQ(read_string_attribute(f.get(), "/links/summary/lost_bytes", "units"), "bytes");
}

TEST_F(Hdf5Writer, WritesOneAppFlowRowPerWorkloadFlow) {
  const std::string out = path("run.h5");
  write_results(out, tiny_fabric(), small_results());
  const Id f = open_file(out);
  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/app_flows/id"),
            (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/app_flows/src"),
            (std::vector<std::uint32_t>{0, 0}));
  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/app_flows/dst"),
            (std::vector<std::uint32_t>{1, 1}));
  EXPECT_EQ(read_numbers<std::int64_t>(f.get(), "/app_flows/bytes"),
            (std::vector<std::int64_t>{(1 << 20) + 4096, 512}));
  EXPECT_EQ(read_numbers<std::int64_t>(f.get(), "/app_flows/start_ps"),
            (std::vector<std::int64_t>{0, 5'000}));
  EXPECT_EQ(read_numbers<std::int64_t>(f.get(), "/app_flows/end_ps"),
            (std::vector<std::int64_t>{90'000'000, -1}));
  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/app_flows/subflows"),
            (std::vector<std::uint32_t>{2, 1}));
  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/app_flows/step_id"),
            (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(read_string_attribute(f.get(), "/app_flows/end_ps", "units"), "ps");
  EXPECT_EQ(read_string_attribute(f.get(), "/app_flows/subflows", "units"), "1");
}

TEST_F(Hdf5Writer, WritesLinkNamesAndTheHostToNodeMap) {
  const std::string out = path("run.h5");
  write_results(out, tiny_fabric(), small_results());
  const Id f = open_file(out);
  EXPECT_EQ(read_strings(f.get(), "/topology/links/name"),
            (std::vector<std::string>{"host0->leaf0", "leaf0->host0", "host1->leaf0",
                                      "leaf0->host1", "leaf0->spine0", "spine0->leaf0"}));
  // Host index -> node id, its edge switch's node id, and its up and down links.
  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/topology/hosts/id"),
            (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/topology/hosts/node"),
            (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/topology/hosts/edge"),
            (std::vector<std::uint32_t>{2, 2}));
  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/topology/hosts/uplink"),
            (std::vector<std::uint32_t>{0, 2}));
  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/topology/hosts/downlink"),
            (std::vector<std::uint32_t>{1, 3}));
  // The one path, within leaf0, crosses only leaf0.
  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/topology/paths/path_id"),
            (std::vector<std::uint32_t>{0}));
  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/topology/paths/node"),
            (std::vector<std::uint32_t>{2}));
  EXPECT_EQ(read_numbers<std::int32_t>(f.get(), "/topology/paths/link"),
            (std::vector<std::int32_t>{-1}));
}

TEST_F(Hdf5Writer, WritesLinkSeriesAsTimeByLinkMatrices) {
  const std::string out = path("run.h5");
  write_results(out, tiny_fabric(), small_results());
  const Id f = open_file(out);
  EXPECT_EQ(shape(f.get(), "/links/series/time_ps"), (std::vector<hsize_t>{3}));
  EXPECT_EQ(read_numbers<std::int64_t>(f.get(), "/links/series/time_ps"),
            (std::vector<std::int64_t>{0, 10'000'000, 20'000'000}));
  // [samples x links], row-major: element (t, l) is link l at time_ps[t].
  EXPECT_EQ(shape(f.get(), "/links/series/queue_bytes"), (std::vector<hsize_t>{3, 6}));
  EXPECT_EQ(shape(f.get(), "/links/series/tx_bytes"), (std::vector<hsize_t>{3, 6}));
  const auto queue = read_numbers<std::int64_t>(f.get(), "/links/series/queue_bytes");
  const auto tx = read_numbers<std::int64_t>(f.get(), "/links/series/tx_bytes");
  EXPECT_EQ(queue, small_results().link_series.queue_bytes);
  EXPECT_EQ(queue[1 * 6 + 4], 8192);
  EXPECT_EQ(tx[2 * 6 + 0], 200);
  EXPECT_EQ(read_string_attribute(f.get(), "/links/series/time_ps", "units"), "ps");
  EXPECT_EQ(read_string_attribute(f.get(), "/links/series/queue_bytes", "units"), "bytes");
  EXPECT_EQ(read_string_attribute(f.get(), "/links/series/tx_bytes", "units"), "bytes");
}

TEST_F(Hdf5Writer, WritesNoSeriesGroupWhenNothingWasSampled) {
  const std::string out = path("run.h5");
  auto results = small_results();
  results.link_series = {};
  write_results(out, tiny_fabric(), results);
  const Id f = open_file(out);
  EXPECT_TRUE(exists(f.get(), "/links/summary"));
  EXPECT_FALSE(exists(f.get(), "/links/series"));
}

TEST_F(Hdf5Writer, RejectsASeriesWhoseMatricesDoNotMatchTheLinksWithoutLeavingAFile) {
  const std::string out = path("bad.h5");
  auto results = small_results();
  results.link_series.tx_bytes.pop_back();
  try {
    write_results(out, tiny_fabric(), results);
    FAIL() << "expected OutputError";
  } catch (const OutputError& e) {
    EXPECT_NE(std::string(e.what()).find("3 samples x 6 links"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(partial_path(out)));
}

TEST_F(Hdf5Writer, BuildsExpertTokenCubePerWorkload) {
  const std::string out = path("run.h5");
  write_results(out, tiny_fabric(), small_results());
  const Id f = open_file(out);
  // Workload 1: iterations 0..1 x layers 0..1 x 3 experts, row-major; the unrecorded
  // cell (iteration 1, layer 0) is all zeros.
  EXPECT_EQ(shape(f.get(), "/moe/w1/expert_tokens"), (std::vector<hsize_t>{2, 2, 3}));
  EXPECT_EQ(read_numbers<std::int64_t>(f.get(), "/moe/w1/expert_tokens"),
            (std::vector<std::int64_t>{10, 20, 30, 1, 2, 3, 0, 0, 0, 7, 8, 9}));
  EXPECT_EQ(shape(f.get(), "/moe/w3/expert_tokens"), (std::vector<hsize_t>{1, 1, 2}));
  EXPECT_FALSE(exists(f.get(), "/moe/w0"));
}

TEST_F(Hdf5Writer, WritesGpuTokensDropsAndImbalancePerLayer) {
  const std::string out = path("run.h5");
  write_results(out, tiny_fabric(), small_results());
  const Id f = open_file(out);
  EXPECT_EQ(shape(f.get(), "/moe/w1/gpu_tokens"), (std::vector<hsize_t>{2, 2, 2}));
  EXPECT_EQ(read_numbers<std::int64_t>(f.get(), "/moe/w1/gpu_tokens"),
            (std::vector<std::int64_t>{30, 20, 3, 3, 0, 0, 9, 15}));
  EXPECT_EQ(shape(f.get(), "/moe/w1/dropped_tokens"), (std::vector<hsize_t>{2, 2}));
  EXPECT_EQ(read_numbers<std::int64_t>(f.get(), "/moe/w1/dropped_tokens"),
            (std::vector<std::int64_t>{10, 0, 0, 0}));
  // Experts {10, 20, 30}: max/mean = 30 / 20 = 1.5; Gini = (-2 x 10 + 0 x 20 + 2 x 30) /
  // (3 x 60) = 2/9. {1, 2, 3}: 1.5 and 2/9 too. {7, 8, 9}: 9/8 and 2 x 2 / (3 x 24) = 1/18.
  // The unrecorded cell is all zeros: 0 and 0.
  const auto mm = read_numbers<double>(f.get(), "/moe/w1/max_over_mean");
  const auto gini = read_numbers<double>(f.get(), "/moe/w1/gini");
  ASSERT_EQ(mm.size(), 4u);
  ASSERT_EQ(gini.size(), 4u);
  const double expected_mm[] = {1.5, 1.5, 0, 9.0 / 8};
  const double expected_gini[] = {2.0 / 9, 2.0 / 9, 0, 1.0 / 18};
  for (int c = 0; c < 4; ++c) {
    EXPECT_NEAR(mm[c], expected_mm[c], 1e-12) << c;
    EXPECT_NEAR(gini[c], expected_gini[c], 1e-12) << c;
  }
  // GPUs {9, 15}: 15 / 12 = 1.25.
  EXPECT_NEAR(read_numbers<double>(f.get(), "/moe/w1/gpu_max_over_mean")[3], 1.25, 1e-12);
  EXPECT_EQ(read_string_attribute(f.get(), "/moe/w1/gini", "units"), "1");
  EXPECT_EQ(read_string_attribute(f.get(), "/moe/w1/dropped_tokens", "units"), "tokens");
}

TEST_F(Hdf5Writer, EveryDatasetHasAUnitsString) {
  const std::string out = path("run.h5");
  write_results(out, tiny_fabric(), small_results());
  const Id f = open_file(out);
  const auto datasets = all_datasets(f.get());
  // 4 input + 3 node + 6 link + 6 host + 4 path columns, 8 app-flow + 15 flow + 10 step + 8
  // link-summary columns, 3 link-series datasets, 2 x 6 MoE datasets.
  EXPECT_EQ(datasets.size(), 79u);
  const std::set<std::string> known = {"ps",       "bytes",  "bps",     "id",       "index", "text",
                                       "fraction", "tokens", "packets", "expiries", "1"};
  for (const auto& d : datasets) {
    SCOPED_TRACE(d);
    ASSERT_TRUE(is_string_attribute(f.get(), d, "units"));
    EXPECT_TRUE(known.count(read_string_attribute(f.get(), d, "units")));
  }
  EXPECT_EQ(read_string_attribute(f.get(), "/flows/start_ps", "units"), "ps");
  EXPECT_EQ(read_string_attribute(f.get(), "/flows/bytes", "units"), "bytes");
  EXPECT_EQ(read_string_attribute(f.get(), "/topology/links/rate_bps", "units"), "bps");
  EXPECT_EQ(read_string_attribute(f.get(), "/links/summary/busy_fraction", "units"), "fraction");
  EXPECT_EQ(read_string_attribute(f.get(), "/moe/w1/expert_tokens", "units"), "tokens");
}

TEST_F(Hdf5Writer, EmptyTablesGetZeroLengthDatasets) {
  const std::string out = path("empty.h5");
  metrics::Results empty;
  empty.info.status = "incomplete";
  write_results(out, topo::Fabric{}, empty);
  const Id f = open_file(out);
  for (const char* d :
       {"/topology/nodes/kind", "/topology/links/rate_bps", "/topology/links/name",
        "/topology/hosts/node", "/topology/paths/path_id", "/app_flows/id", "/app_flows/subflows",
        "/flows/id", "/flows/app_flow", "/flows/path_id", "/flows/max_reorder", "/steps/kind",
        "/steps/bound_ps", "/links/summary/busy_fraction", "/links/summary/ecn_marks"}) {
    SCOPED_TRACE(d);
    EXPECT_EQ(shape(f.get(), d), (std::vector<hsize_t>{0}));
    EXPECT_FALSE(read_string_attribute(f.get(), d, "units").empty());
  }
  EXPECT_FALSE(exists(f.get(), "/moe"));
  EXPECT_FALSE(exists(f.get(), "/links/series"));
  EXPECT_EQ(read_string_attribute(f.get(), "/", "status"), "incomplete");
  EXPECT_EQ(read_string_attribute(f.get(), "/", "warnings"), "");
}

TEST_F(Hdf5Writer, CreatesParentFoldersAndLeavesNoPartialFile) {
  const std::string out = path("a/b/run.h5");
  write_results(out, tiny_fabric(), small_results());
  EXPECT_TRUE(fs::is_regular_file(out));
  EXPECT_FALSE(fs::exists(partial_path(out)));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_ / "a/b"), fs::directory_iterator{}), 1);
}

TEST_F(Hdf5Writer, ReplacesAnExistingFile) {
  const std::string out = path("run.h5");
  std::ofstream(out) << "old contents, not HDF5";
  write_results(out, tiny_fabric(), small_results());
  const Id f = open_file(out);
  EXPECT_EQ(read_string_attribute(f.get(), "/", "name"), "tiny");
}

TEST_F(Hdf5Writer, FailsWhenParentIsARegularFileAndNamesThePath) {
  std::ofstream(path("blocker")) << "x";
  const std::string out = path("blocker/run.h5");
  try {
    write_results(out, tiny_fabric(), small_results());
    FAIL() << "expected OutputError";
  } catch (const OutputError& e) {
    EXPECT_NE(std::string(e.what()).find(out), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(partial_path(out)));
}

TEST_F(Hdf5Writer, FailsWhenTargetIsAFolderAndRemovesThePartialFile) {
  // The partial file is written fine, but renaming it onto a non-empty folder fails.
  const std::string out = path("taken");
  fs::create_directories(dir_ / "taken" / "inside");
  try {
    write_results(out, tiny_fabric(), small_results());
    FAIL() << "expected OutputError";
  } catch (const OutputError& e) {
    EXPECT_NE(std::string(e.what()).find(out), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::is_directory(out));
  EXPECT_FALSE(fs::exists(partial_path(out)));
}

TEST_F(Hdf5Writer, ReportsAnHdf5FailureWithThePathAndKeepsForeignFolders) {
  // A folder squats on the partial name, so H5Fcreate itself fails.
  const std::string out = path("run.h5");
  fs::create_directories(partial_path(out));
  try {
    write_results(out, tiny_fabric(), small_results());
    FAIL() << "expected OutputError";
  } catch (const OutputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(out), std::string::npos) << message;
    EXPECT_NE(message.find("H5Fcreate"), std::string::npos) << message;
  }
  EXPECT_FALSE(fs::exists(out));
  EXPECT_TRUE(fs::is_directory(partial_path(out)));
}

TEST_F(Hdf5Writer, RejectsNegativeExpertIndicesWithoutLeavingAFile) {
  const std::string out = path("bad.h5");
  auto results = small_results();
  results.expert_tokens.push_back({0, -1, 0, {1}, {1}, 0});
  EXPECT_THROW(write_results(out, tiny_fabric(), results), OutputError);
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(partial_path(out)));
}

}  // namespace
}  // namespace fabricsim::io
