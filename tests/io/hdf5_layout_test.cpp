// The result file's storage layout, its /topology/paths over a real leaf-spine, and the root
// attributes a real `fabricsim run` records.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "hdf5_read.hpp"
#include "io/hdf5_writer.hpp"
#include "support/scratch_dir.hpp"
#include "topo/leaf_spine.hpp"

namespace fabricsim::io {
namespace {

namespace fs = std::filesystem;
using namespace fabricsim::io::testing;

/// A fresh folder per test, removed afterwards.
class Hdf5Layout : public ::testing::Test {
 protected:
  test_support::ScratchDir scratch_{"layout"};
  const fs::path& dir_ = scratch_.path();
};

/// 2 leaves x 1 spine with 2 parallel cables per leaf, one host per leaf.
topo::Fabric parallel_fabric() {
  topo::LeafSpineSpec spec;
  spec.leaves = 2;
  spec.spines = 1;
  spec.hosts_per_leaf = 1;
  spec.links_per_pair = 2;
  return topo::build_leaf_spine(spec);
}

/// Dataset creation facts: chunked or not, and the filter ids in pipeline order.
struct Layout {
  bool chunked = false;
  std::vector<hsize_t> chunk;
  std::vector<H5Z_filter_t> filters;
};

Layout layout_of(hid_t file, const std::string& name) {
  const Id dset = open_dataset(file, name);
  const Id plist(H5Dget_create_plist(dset.get()), H5Pclose, name + " creation list");
  Layout out;
  out.chunked = H5Pget_layout(plist.get()) == H5D_CHUNKED;
  if (out.chunked) {
    out.chunk.resize(static_cast<std::size_t>(H5Pget_chunk(plist.get(), 0, nullptr)));
    H5Pget_chunk(plist.get(), static_cast<int>(out.chunk.size()), out.chunk.data());
  }
  for (int i = 0; i < H5Pget_nfilters(plist.get()); ++i) {
    unsigned flags = 0, config = 0;
    std::size_t n = 0;
    out.filters.push_back(H5Pget_filter2(plist.get(), static_cast<unsigned>(i), &flags, &n, nullptr,
                                         0, nullptr, &config));
  }
  return out;
}

TEST_F(Hdf5Layout, LargeTablesAreChunkedShuffledAndDeflatedSmallOnesContiguous) {
  // 100,000 flows: chunks of 2^16 rows, shuffle then deflate; 2 steps stay contiguous.
  metrics::Results r;
  for (std::uint32_t i = 0; i < 100'000; ++i) {
    r.flows.push_back({i, i % 7, (i + 1) % 7, 4096 + i, i * 10, i * 10 + 5'000'000, 0, i, -1});
  }
  r.steps = {{0, 0, "permutation", -1, 0, 0, 1}, {1, 0, "permutation", -1, 0, 1, 2}};
  const std::string out = (dir_ / "big.h5").string();
  write_results(out, parallel_fabric(), r);
  const Id f = open_file(out);
  const Layout flows = layout_of(f.get(), "/flows/end_ps");
  EXPECT_TRUE(flows.chunked);
  EXPECT_EQ(flows.chunk, (std::vector<hsize_t>{65'536}));
  EXPECT_EQ(flows.filters, (std::vector<H5Z_filter_t>{H5Z_FILTER_SHUFFLE, H5Z_FILTER_DEFLATE}));
  EXPECT_FALSE(layout_of(f.get(), "/steps/end_ps").chunked);
  EXPECT_TRUE(layout_of(f.get(), "/steps/end_ps").filters.empty());
  // Compressed columns read back bit for bit.
  const auto end = read_numbers<std::int64_t>(f.get(), "/flows/end_ps");
  ASSERT_EQ(end.size(), 100'000u);
  EXPECT_EQ(end[99'999], 99'999 * 10 + 5'000'000);
  EXPECT_EQ(read_numbers<std::uint32_t>(f.get(), "/flows/app_flow")[12'345], 12'345u);
}

TEST_F(Hdf5Layout, PathsListEveryNodeTheyCrossAndParallelCablesGetIndexedNames) {
  // Nodes: host0 0, host1 1, leaf0 2, leaf1 3, spine0 4. Links: the host cables 0..3, then
  // leaf0-spine0 cable 0 (4 up, 5 down), cable 1 (6, 7), leaf1-spine0 cable 0 (8, 9),
  // cable 1 (10, 11). Paths: 0 within leaf0; 1..4 leaf0 -> leaf1 over 2 x 2 cable choices,
  // the first [4, 9]; 5..8 back; 9 within leaf1. Rows: 2 one-node paths + 8 x 3 = 26.
  const topo::Fabric fabric = parallel_fabric();
  const std::string out = (dir_ / "paths.h5").string();
  write_results(out, fabric, metrics::Results{});
  const Id f = open_file(out);
  const auto path_id = read_numbers<std::uint32_t>(f.get(), "/topology/paths/path_id");
  const auto hop = read_numbers<std::uint32_t>(f.get(), "/topology/paths/hop");
  const auto node = read_numbers<std::uint32_t>(f.get(), "/topology/paths/node");
  const auto link = read_numbers<std::int32_t>(f.get(), "/topology/paths/link");
  ASSERT_EQ(path_id.size(), 26u);
  EXPECT_EQ(std::vector<std::uint32_t>(path_id.begin(), path_id.begin() + 4),
            (std::vector<std::uint32_t>{0, 1, 1, 1}));
  EXPECT_EQ(std::vector<std::uint32_t>(hop.begin(), hop.begin() + 4),
            (std::vector<std::uint32_t>{0, 0, 1, 2}));
  EXPECT_EQ(std::vector<std::uint32_t>(node.begin(), node.begin() + 4),
            (std::vector<std::uint32_t>{2, 2, 4, 3}));
  EXPECT_EQ(std::vector<std::int32_t>(link.begin(), link.begin() + 4),
            (std::vector<std::int32_t>{-1, -1, 4, 9}));
  EXPECT_EQ(path_id.back(), 9u);
  EXPECT_EQ(node.back(), 3u);
  // Every hop h > 0 arrives over a link that leaves the node of hop h - 1.
  for (std::size_t i = 1; i < path_id.size(); ++i) {
    if (hop[i] == 0) continue;
    const topo::Link& l = fabric.links[static_cast<std::size_t>(link[i])];
    EXPECT_EQ(l.src, node[i - 1]) << "row " << i;
    EXPECT_EQ(l.dst, node[i]) << "row " << i;
  }
  const auto names = read_strings(f.get(), "/topology/links/name");
  ASSERT_EQ(names.size(), 12u);
  EXPECT_EQ(names[0], "host0->leaf0");
  EXPECT_EQ(names[4], "leaf0->spine0[0]");
  EXPECT_EQ(names[6], "leaf0->spine0[1]");
  EXPECT_EQ(names[11], "spine0->leaf1[1]");
  EXPECT_EQ(names, link_names(fabric));
}

std::string run_and_capture(const std::string& args) {
  FILE* pipe = popen((std::string(FABRICSIM_BINARY) + " " + args + " 2>&1").c_str(), "r");
  std::string output;
  char buf[4096];
  for (std::size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) output.append(buf, n);
  const int status = pclose(pipe);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << output;
  return output;
}

TEST_F(Hdf5Layout, RunRecordsItsShellQuotedCommandLineStartTimeAndHost) {
  const std::string scenario =
      std::string(FABRICSIM_SOURCE_DIR) + "/tests/scenarios/good/tiny.yaml";
  const std::string out = (dir_ / "run.h5").string();
  run_and_capture("run " + scenario + " --quiet -o " + out +
                  " --set 'workload.0={kind: permutation, bytes: 64KiB}'");
  const Id f = open_file(out);
  // The words as the shell passed them; the one with spaces and braces comes back quoted.
  EXPECT_EQ(read_string_attribute(f.get(), "/", "command_line"),
            std::string(FABRICSIM_BINARY) + " run " + scenario + " --quiet -o " + out +
                " --set 'workload.0={kind: permutation, bytes: 64KiB}'");
  EXPECT_TRUE(std::regex_match(read_string_attribute(f.get(), "/", "start_time_utc"),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  EXPECT_EQ(read_string_attribute(f.get(), "/", "host_name"), host);
}

}  // namespace
}  // namespace fabricsim::io
