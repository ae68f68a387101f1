// kind: graph — a custom graph compiles into the same Fabric as the built-in kind it copies,
// counts the same paths before the build, describes the same tiers, and breaks its rules
// with the node or cable to blame.
#include <gtest/gtest.h>

#include "support/paths.hpp"
#include "topo/limits.hpp"
#include "topo/topology.hpp"

namespace fabricsim::topo {
namespace {

using core::Bitrate;
using core::Time;

/// The graph of a built fabric: its nodes, and one cable per pair of directed links (a->b
/// then b->a), in link order.
GraphSpec graph_of(const Fabric& fabric) {
  GraphSpec spec;
  for (const Node& n : fabric.nodes) spec.nodes.push_back({n.name, n.kind});
  for (std::size_t l = 0; l < fabric.links.size(); l += 2) {
    const Link& link = fabric.links[l];
    spec.cables.push_back({link.src, link.dst, {link.rate, link.latency}});
  }
  return spec;
}

void expect_same_fabric(const Fabric& a, const Fabric& b) {
  ASSERT_EQ(a.nodes.size(), b.nodes.size());
  for (std::size_t n = 0; n < a.nodes.size(); ++n) {
    EXPECT_EQ(a.nodes[n].kind, b.nodes[n].kind) << n;
    EXPECT_EQ(a.nodes[n].name, b.nodes[n].name) << n;
  }
  ASSERT_EQ(a.links.size(), b.links.size());
  for (std::size_t l = 0; l < a.links.size(); ++l) {
    EXPECT_EQ(a.links[l].src, b.links[l].src) << l;
    EXPECT_EQ(a.links[l].dst, b.links[l].dst) << l;
    EXPECT_EQ(a.links[l].rate, b.links[l].rate) << l;
    EXPECT_EQ(a.links[l].latency, b.links[l].latency) << l;
  }
  EXPECT_EQ(a.host_node, b.host_node);
  EXPECT_EQ(a.host_edge, b.host_edge);
  EXPECT_EQ(a.host_uplink, b.host_uplink);
  EXPECT_EQ(a.host_downlink, b.host_downlink);
  EXPECT_EQ(a.edge_node, b.edge_node);
  EXPECT_EQ(test_support::pair_firsts(a), test_support::pair_firsts(b));
  EXPECT_EQ(test_support::all_paths(a), test_support::all_paths(b));
}

LeafSpineSpec leaf_spine_4x4() {
  LeafSpineSpec spec;
  spec.leaves = 4;
  spec.spines = 4;
  spec.hosts_per_leaf = 4;
  spec.host_link = {Bitrate::gbps(100), Time::us(1)};
  spec.fabric_link = {Bitrate::gbps(100), Time::ns(500)};
  return spec;
}

TEST(Graph, ALeafSpineCopiedAsAGraphBuildsTheSameFabric) {
  for (const std::uint32_t per_pair : {1u, 2u}) {
    SCOPED_TRACE(per_pair);
    LeafSpineSpec spec = leaf_spine_4x4();
    spec.links_per_pair = per_pair;
    const Fabric built_in = build_leaf_spine(spec);
    const GraphSpec graph = graph_of(built_in);
    expect_same_fabric(build_graph(graph), built_in);
    const TopologySize a = size_of(graph), b = size_of(spec);
    EXPECT_EQ(a.hosts, b.hosts);
    EXPECT_EQ(a.links, b.links);
    EXPECT_EQ(a.paths, b.paths);
    EXPECT_EQ(a.paths, built_in.path_count());
    EXPECT_EQ(a.edge_uplinks, b.edge_uplinks);
    EXPECT_EQ(a.slowest, b.slowest);
    EXPECT_EQ(a.longest_route, b.longest_route);
    EXPECT_EQ(a.host_link.rate, b.host_link.rate);
    EXPECT_EQ(a.host_link.latency, b.host_link.latency);
  }
}

TEST(Graph, AFatTreeCopiedAsAGraphBuildsTheSameFabricAndTiers) {
  FatTreeSpec spec;
  spec.k = 4;
  spec.hosts_per_tor = 4;  // 2:1 at the ToRs
  spec.core_link = {Bitrate::gbps(200), Time::ns(700)};
  const Fabric built_in = build_fat_tree(spec);
  const GraphSpec graph = graph_of(built_in);
  expect_same_fabric(build_graph(graph), built_in);
  EXPECT_EQ(size_of(graph).paths, size_of(spec).paths);
  EXPECT_EQ(size_of(graph).longest_route, size_of(spec).longest_route);

  const FabricStats a = describe(TopologySpec{graph}, build_graph(graph));
  const FabricStats b = describe(TopologySpec{spec}, built_in);
  ASSERT_EQ(a.tiers.size(), b.tiers.size());
  for (std::size_t t = 0; t < a.tiers.size(); ++t) {
    EXPECT_EQ(a.tiers[t].name, b.tiers[t].name);
    EXPECT_DOUBLE_EQ(a.tiers[t].oversubscription, b.tiers[t].oversubscription);
  }
  EXPECT_EQ(a.bisection, b.bisection);
  EXPECT_EQ(a.min_paths, b.min_paths);
  EXPECT_EQ(a.max_paths, b.max_paths);
}

TEST(Graph, DescribesTheLeafTierAndTheBisectionOfTheLeafSpineItCopies) {
  for (const std::uint32_t spines : {4u, 2u, 1u}) {  // 1:1, 2:1, 4:1 at the leaves
    SCOPED_TRACE(spines);
    LeafSpineSpec spec = leaf_spine_4x4();
    spec.spines = spines;
    const Fabric built_in = build_leaf_spine(spec);
    const GraphSpec graph = graph_of(built_in);
    const FabricStats a = describe(TopologySpec{graph}, build_graph(graph));
    const FabricStats b = describe(TopologySpec{spec}, built_in);
    ASSERT_EQ(a.tiers.size(), 1u);
    EXPECT_EQ(a.tiers[0].name, "leaf");
    EXPECT_DOUBLE_EQ(a.tiers[0].oversubscription, b.tiers[0].oversubscription);
    EXPECT_DOUBLE_EQ(a.oversubscription, 4.0 / spines);
    EXPECT_EQ(a.bisection, b.bisection);
    EXPECT_EQ(a.nodes_by_kind, b.nodes_by_kind);
    EXPECT_NE(a.description.find("graph, " + std::to_string(20 + spines) + " nodes"),
              std::string::npos)
        << a.description;
  }
}

/// host0, host1 on leaf0; host2 on leaf1; both leaves on spine0.
GraphSpec small() {
  GraphSpec g;
  g.nodes = {{"host0", NodeKind::host}, {"host1", NodeKind::host}, {"host2", NodeKind::host},
             {"leaf0", NodeKind::leaf}, {"leaf1", NodeKind::leaf}, {"spine0", NodeKind::spine}};
  g.cables = {{0, 3, {}}, {1, 3, {}}, {2, 4, {}}, {3, 5, {}}, {4, 5, {}}};
  return g;
}

void expect_problem(const GraphSpec& g, GraphProblem::At at, std::uint32_t index,
                    const std::string& what) {
  const auto problem = check_graph(g);
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->at, at);
  EXPECT_EQ(problem->index, index);
  EXPECT_NE(problem->what.find(what), std::string::npos) << problem->what;
  EXPECT_THROW(build_graph(g), std::invalid_argument);
}

TEST(Graph, EachBrokenRuleNamesTheNodeOrCableToBlame) {
  EXPECT_FALSE(check_graph(small()).has_value());
  using At = GraphProblem::At;
  GraphSpec g = small();
  g.cables.erase(g.cables.begin() + 2);
  expect_problem(g, At::node, 2, "host 'host2' has no link");

  g = small();
  g.cables.push_back({0, 4, {}});
  expect_problem(g, At::cable, 5, "host 'host0' has a second link");
  EXPECT_EQ(check_graph(g)->first_cable, 0u);

  g = small();
  g.cables[4].link.rate = Bitrate(0);
  expect_problem(g, At::cable, 4, "rate must be greater than zero");

  g = small();
  g.cables[4].link.rate = Bitrate(-5);
  expect_problem(g, At::cable, 4, "rate must be greater than zero");

  g = small();
  g.cables.pop_back();  // leaf1 cut off
  expect_problem(g, At::node, 2, "host 'host2' has no path to host 'host0': its switch 'leaf1'");

  g = small();
  g.cables.push_back({0, 1, {}});
  expect_problem(g, At::cable, 5, "joins two hosts");

  g = small();
  g.cables.push_back({5, 5, {}});
  expect_problem(g, At::cable, 5, "to itself");

  g = small();
  for (GraphNode& n : g.nodes) n.kind = NodeKind::leaf;
  expect_problem(g, At::graph, 0, "no host");
}

TEST(Graph, PathsAreAllShortestSwitchPathsWithParallelCablesDistinct) {
  // A ring of four switches, one host each: neighbours have one path, opposite ones two;
  // a second cable between leaf0 and leaf1 doubles the paths through it.
  GraphSpec g;
  for (int i = 0; i < 4; ++i) g.nodes.push_back({"host" + std::to_string(i), NodeKind::host});
  for (int i = 0; i < 4; ++i) g.nodes.push_back({"leaf" + std::to_string(i), NodeKind::leaf});
  for (std::uint32_t i = 0; i < 4; ++i) g.cables.push_back({i, 4 + i, {}});
  for (std::uint32_t i = 0; i < 4; ++i) g.cables.push_back({4 + i, 4 + (i + 1) % 4, {}});
  // 4 self + 8 neighbour pairs x 1 + 4 opposite pairs x 2.
  EXPECT_EQ(size_of(g).paths, 4u + 8u + 8u);
  g.cables.push_back({4, 5, {}});
  // leaf0-leaf1 both ways now 2; opposite pairs (0,2), (1,3) each gain one path through the double
  // cable.
  EXPECT_EQ(size_of(g).paths, 4u + 6u + 2u * 2u + 4u * 3u);
  const Fabric fabric = build_graph(g);
  EXPECT_EQ(fabric.path_count(), size_of(g).paths);
  EXPECT_EQ(fabric.paths_between_hosts(0, 2).count, 3u);
  EXPECT_EQ(fabric.paths_between_hosts(0, 1).count, 2u);
  EXPECT_EQ(fabric.paths_between_hosts(3, 0).count, 1u);
}

TEST(Graph, PastThePathLimitNothingIsSearchedAndTheBuildIsRefused) {
  // 46,342 leaves of one host under one spine: 46,342^2 leaf pairs, each with a path, pass
  // the 2^31 limit, so size_of answers from the pair count alone.
  GraphSpec g;
  const std::uint32_t leaves = 46'342;
  g.nodes.push_back({"spine", NodeKind::spine});
  for (std::uint32_t i = 0; i < leaves; ++i) {
    g.nodes.push_back({"h" + std::to_string(i), NodeKind::host});
    g.nodes.push_back({"l" + std::to_string(i), NodeKind::leaf});
    g.cables.push_back({1 + 2 * i, 2 + 2 * i, {}});
    g.cables.push_back({2 + 2 * i, 0, {}});
  }
  EXPECT_EQ(size_of(g).paths, std::uint64_t{leaves} * leaves);
  EXPECT_GT(size_of(g).paths, kMaxPaths);
  EXPECT_THROW(build_graph(g), std::invalid_argument);
  g.nodes.resize(1 + 2 * 2048);
  g.cables.resize(2 * 2048);
  EXPECT_EQ(size_of(g).paths, 2048u * 2048u);  // inside: counted, every pair one path
}

TEST(Graph, HostsAndEdgesFollowTheNodeOrderAndHostCablesComeFirst) {
  // Nodes interleaved and host cables listed last: host indices follow the nodes, the host
  // cables get the first link ids.
  GraphSpec g;
  g.nodes = {{"spine", NodeKind::spine},
             {"b", NodeKind::host},
             {"leafB", NodeKind::leaf},
             {"a", NodeKind::host},
             {"leafA", NodeKind::leaf}};
  g.cables = {{2, 0, {}}, {4, 0, {Bitrate::gbps(100), Time::us(2)}}, {3, 4, {}}, {1, 2, {}}};
  const Fabric f = build_graph(g);
  EXPECT_EQ(f.host_node, (std::vector<NodeId>{1, 3}));
  EXPECT_EQ(f.edge_node, (std::vector<NodeId>{2, 4}));
  EXPECT_EQ(f.host_edge, (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(f.host_uplink, (std::vector<LinkId>{0, 2}));
  EXPECT_EQ(f.links[4].src, 2u);  // then leafB -> spine, as listed
  EXPECT_EQ(f.links[6].latency, Time::us(2));
  EXPECT_EQ(size_of(g).longest_route, Time::ns(500) + Time::ns(500) + Time::ns(500) + Time::us(2));
}

}  // namespace
}  // namespace fabricsim::topo
