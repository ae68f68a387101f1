// A custom graph that copies the built-in 4 x 4 leaf-spine node for node and cable for cable
// (topologies/leafspine-4x4-graph.graphml and .yaml) gives the same flow records as the
// built-in kind with the same seed, on both models and for per-flow and per-packet routing.
#include <gtest/gtest.h>

#include "engine/simulation.hpp"
#include "scenario/scenario.hpp"

namespace fabricsim::engine {
namespace {

const std::string kGood = std::string(FABRICSIM_SOURCE_DIR) + "/tests/scenarios/good/";
/// The built-in kind the graphs copy.
const std::string kBuiltIn =
    "topology={kind: leaf_spine, leaves: 4, spines: 4, hosts_per_leaf: 4, links_per_pair: 1, "
    "host_link: {rate: 100Gbps, latency: 1us}, fabric_link: {rate: 100Gbps, latency: 500ns}}";

metrics::Results run(const std::string& file, std::vector<std::string> overrides) {
  Simulation sim(scenario::load(kGood + file, overrides));
  return sim.run();
}

void expect_same_flows(const metrics::Results& a, const metrics::Results& b) {
  ASSERT_EQ(a.flows.size(), b.flows.size());
  for (std::size_t i = 0; i < a.flows.size(); ++i)
    EXPECT_TRUE(a.flows[i] == b.flows[i]) << "flow " << i;
  ASSERT_EQ(a.app_flows.size(), b.app_flows.size());
  EXPECT_EQ(a.info.status, "complete");
  EXPECT_EQ(b.info.status, "complete");
}

TEST(GraphFlows, GraphmlAndEdgeListLeafSpinesGiveTheBuiltInFlowRecords) {
  for (const char* policy : {"ecmp", "spray", "split"}) {
    SCOPED_TRACE(policy);
    const std::vector<std::string> set{std::string("routing.policy=") + policy};
    const metrics::Results built_in = run("graph_graphml.yaml", {kBuiltIn, set[0]});
    // 16 x 15 all-to-all flows plus a 16-flow permutation (times the subflows of split).
    ASSERT_GE(built_in.flows.size(), 256u);
    expect_same_flows(run("graph_graphml.yaml", set), built_in);
    expect_same_flows(run("graph_edge_list.yaml", set), built_in);
  }
}

TEST(GraphFlows, ThePacketModelGivesTheBuiltInFlowRecordsToo) {
  const std::vector<std::string> set{"model=packet", "transport.kind=dctcp",
                                     "workload.0={kind: all_to_all, bytes: 64KiB}",
                                     "workload.1={kind: permutation, bytes: 256KiB, start: 5us}"};
  std::vector<std::string> built_in_set = set;
  built_in_set.push_back(kBuiltIn);
  const metrics::Results built_in = run("graph_graphml.yaml", built_in_set);
  ASSERT_EQ(built_in.flows.size(), 16u * 15u + 16u);
  expect_same_flows(run("graph_graphml.yaml", set), built_in);
  EXPECT_EQ(run("graph_graphml.yaml", set).links.size(), built_in.links.size());
}

}  // namespace
}  // namespace fabricsim::engine
