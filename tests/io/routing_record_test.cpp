// /routing (routing.record) as written and read back: attributes, columns, the per-packet
// tables chunked and compressed, the reader's round trip, and its errors naming the row.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "hdf5_read.hpp"
#include "io/hdf5_writer.hpp"
#include "io/routing_trace_reader.hpp"
#include "topo/leaf_spine.hpp"

namespace fabricsim::io {
namespace {

namespace fs = std::filesystem;
using namespace fabricsim::io::testing;

/// 2 leaves x 2 spines, 2 hosts per leaf: hosts 0, 1 on leaf0, 2, 3 on leaf1; paths 1 and 2
/// join leaf0 to leaf1 (over spine0 and spine1).
topo::Fabric small_fabric() {
  topo::LeafSpineSpec spec;
  spec.leaves = 2;
  spec.spines = 2;
  spec.hosts_per_leaf = 2;
  return topo::build_leaf_spine(spec);
}

/// Two workload flows 0 -> 2 (index 0 and 1) and one 1 -> 3; the first cut in two subflows,
/// the second spread over both spines; 5,000 per-packet choices of flow 3.
metrics::Results recorded() {
  metrics::Results r;
  r.app_flows = {
      {0, 0, 2, 300, 0, 10, 2, 0}, {1, 0, 2, 100, 0, 10, 1, 0}, {2, 1, 3, 100, 0, 10, 1, 0}};
  r.routing.record = "packets";
  r.routing.policy = "spray";
  r.routing.per_packet = true;
  r.routing.decisions = {{0, 0, 0, 1, 1.0, 200},
                         {1, 0, 1, 2, 1.0, 100},
                         {2, 1, 0, 1, 0.5, 100},
                         {2, 1, 0, 2, 0.5, 100},
                         {3, 2, 0, 1, 1.0, 100}};
  for (std::uint32_t i = 0; i < 5'000; ++i) {
    r.routing.packets.push_back({3, static_cast<std::uint8_t>(i % 2), 1 + i % 2});
  }
  return r;
}

/// Every test's files live under one folder of this process, removed when the tests end.
fs::path scratch_root() {
  return fs::temp_directory_path() / ("fabricsim_routing_record_" + std::to_string(::getpid()));
}
struct RemoveScratch : ::testing::Environment {
  void TearDown() override { fs::remove_all(scratch_root()); }
};
[[maybe_unused]] ::testing::Environment* const kRemoveScratch =
    ::testing::AddGlobalTestEnvironment(new RemoveScratch);

std::string scratch_file(const std::string& name) {
  fs::create_directories(scratch_root());
  return (scratch_root() / name).string();
}

TEST(RoutingRecord, IsWrittenWithItsAttributesAndReadBackRowForRow) {
  const std::string path = scratch_file("record.h5");
  write_results(path, small_fabric(), recorded());
  {
    const Id f = open_file(path);
    EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/routing/decisions/path_id"),
              (std::vector<std::uint32_t>{1, 2, 1, 2, 1}));
    EXPECT_EQ(read_numbers<std::int64_t>(f.get(), "/routing/decisions/bytes"),
              (std::vector<std::int64_t>{200, 100, 100, 100, 100}));
    EXPECT_EQ(element_count(f.get(), "/routing/packets/path_id"), 5'000u);
    EXPECT_EQ(element_count(f.get(), "/routing/hops/link_id"), 0u);
    // 5,000 rows: chunked and compressed, as every large dataset.
    const Id dset = open_dataset(f.get(), "/routing/packets/path_id");
    const Id plist(H5Dget_create_plist(dset.get()), H5Pclose, "creation list");
    EXPECT_EQ(H5Pget_layout(plist.get()), H5D_CHUNKED);
    EXPECT_EQ(H5Pget_nfilters(plist.get()), 2);
  }
  const routing::DecisionTrace trace = read_decision_trace(path);
  EXPECT_FALSE(trace.csv);
  EXPECT_TRUE(trace.per_packet);
  EXPECT_FALSE(trace.per_hop);
  ASSERT_EQ(trace.decisions.size(), 5u);
  // Row 1: workload flow 0's second subflow; row 2: workload flow 1, the second from host 0
  // to host 2, so index 1.
  const routing::TraceDecision& d = trace.decisions[1];
  EXPECT_EQ(d.src_host, 0u);
  EXPECT_EQ(d.dst_host, 2u);
  EXPECT_EQ(d.index, 0u);
  EXPECT_EQ(d.subflow, 1u);
  EXPECT_EQ(trace.decisions[2].index, 1u);
  EXPECT_EQ(trace.decisions[2].fraction, 0.5);
  EXPECT_EQ(trace.decisions[4].src_host, 1u);
  EXPECT_EQ(trace.most_pieces(), 2u);
  ASSERT_EQ(trace.packets.value.size(), 5'000u);
  EXPECT_EQ(trace.packets.reverse[1], 1u);
  EXPECT_EQ(trace.packets.value[1], 2u);
}

TEST(RoutingRecord, ARowTheFileCannotBackIsRefusedNamingIt) {
  metrics::Results r = recorded();
  r.routing.decisions[3].app_flow = 9;  // no such workload flow
  const std::string path = scratch_file("bad_row.h5");
  write_results(path, small_fabric(), r);
  try {
    read_decision_trace(path);
    ADD_FAILURE() << "no error";
  } catch (const routing::TraceInputError& e) {
    EXPECT_EQ(std::string(e.what()), path +
                                         ": /routing/decisions row 3: unknown flow: app_flow 9 is "
                                         "not a row of /app_flows (3 rows)");
  }
  metrics::Results none = recorded();
  none.routing.record = "none";
  const std::string unrecorded = scratch_file("unrecorded.h5");
  write_results(unrecorded, small_fabric(), none);
  try {
    read_decision_trace(unrecorded);
    ADD_FAILURE() << "no error";
  } catch (const routing::TraceInputError& e) {
    EXPECT_NE(std::string(e.what()).find("no /routing/decisions: record a run's decisions with "
                                         "routing: {record: flows}"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace fabricsim::io
