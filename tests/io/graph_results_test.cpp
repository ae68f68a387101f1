// `fabricsim run` on the GraphML copy of the 4 x 4 leaf-spine writes the same /flows, the same
// /topology and the same /links as on the built-in kind with the same seed, and records the
// GraphML file in /inputs.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "hdf5_read.hpp"

namespace fabricsim::io {
namespace {

namespace fs = std::filesystem;
using namespace fabricsim::io::testing;

const std::string kScenario =
    std::string(FABRICSIM_SOURCE_DIR) + "/tests/scenarios/good/graph_graphml.yaml";
const std::string kBuiltIn =
    "'topology={kind: leaf_spine, leaves: 4, spines: 4, hosts_per_leaf: 4, links_per_pair: 1, "
    "host_link: {rate: 100Gbps, latency: 1us}, fabric_link: {rate: 100Gbps, latency: 500ns}}'";

void run(const std::string& args) {
  FILE* pipe =
      popen((std::string(FABRICSIM_BINARY) + " run " + args + " --quiet 2>&1").c_str(), "r");
  std::string output;
  char buf[4096];
  for (std::size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) output.append(buf, n);
  const int status = pclose(pipe);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << output;
}

template <typename T>
void expect_same_column(hid_t a, hid_t b, const std::string& name) {
  const std::vector<T> x = read_numbers<T>(a, name), y = read_numbers<T>(b, name);
  EXPECT_FALSE(x.empty()) << name;
  EXPECT_EQ(x, y) << name;
}

TEST(GraphResults, GraphmlLeafSpineWritesTheBuiltInFlowsTopologyAndLinks) {
  const fs::path dir =
      fs::temp_directory_path() / ("fabricsim_graph_results_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string graph_out = (dir / "graph.h5").string(),
                    built_in_out = (dir / "built_in.h5").string();
  run(kScenario + " -o " + graph_out);
  run(kScenario + " -o " + built_in_out + " --set " + kBuiltIn);
  const Id g = open_file(graph_out), b = open_file(built_in_out);
  for (const char* c :
       {"/flows/id", "/flows/src", "/flows/dst", "/flows/step_id", "/flows/app_flow",
        "/flows/packets", "/topology/links/src", "/topology/links/dst"}) {
    expect_same_column<std::uint32_t>(g.get(), b.get(), c);
  }
  for (const char* c : {"/flows/bytes", "/flows/start_ps", "/flows/end_ps"}) {
    expect_same_column<std::int64_t>(g.get(), b.get(), c);
  }
  expect_same_column<std::int32_t>(g.get(), b.get(), "/flows/path_id");
  EXPECT_EQ(read_strings(g.get(), "/topology/links/name"),
            read_strings(b.get(), "/topology/links/name"));
  EXPECT_EQ(read_numbers<std::uint32_t>(g.get(), "/flows/id").size(), 16u * 15u + 16u);

  const std::vector<std::string> roles = read_strings(g.get(), "/inputs/role");
  ASSERT_EQ(roles, (std::vector<std::string>{"scenario", "graphml"}));
  EXPECT_EQ(
      read_strings(g.get(), "/inputs/path")[1],
      fs::canonical(std::string(FABRICSIM_SOURCE_DIR) + "/topologies/leafspine-4x4-graph.graphml")
          .string());
  EXPECT_EQ(read_strings(b.get(), "/inputs/role"), (std::vector<std::string>{"scenario"}));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace fabricsim::io
