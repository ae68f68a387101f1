// topology: {kind: graph}: the GraphML and the edge-list forms read into the same GraphSpec,
// the GraphML file is listed among the inputs, to_yaml writes the graph back inline, and the
// keys beside the graph are checked. The bad graphs are fixtures in tests/scenarios/bad/.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "scenario/scenario.hpp"

namespace fabricsim::scenario {
namespace {

namespace fs = std::filesystem;
using core::Bitrate;
using core::Time;

const std::string kGood = std::string(FABRICSIM_SOURCE_DIR) + "/tests/scenarios/good/";

const topo::GraphSpec& graph_of(const Scenario& s) { return std::get<topo::GraphSpec>(s.topology); }

std::string error_of(const std::string& path, const std::vector<std::string>& overrides = {}) {
  try {
    load(path, overrides);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  ADD_FAILURE() << "loaded without error";
  return "";
}

TEST(ScenarioGraph, GraphmlAndEdgeListReadIntoTheSameLeafSpine) {
  const Scenario graphml = load(kGood + "graph_graphml.yaml");
  const Scenario edges = load(kGood + "graph_edge_list.yaml");
  const topo::GraphSpec& g = graph_of(graphml);
  EXPECT_EQ(g, graph_of(edges));
  ASSERT_EQ(g.nodes.size(), 24u);
  ASSERT_EQ(g.cables.size(), 16u + 16u);
  EXPECT_EQ(g.nodes[0], (topo::GraphNode{"host0", topo::NodeKind::host}));
  EXPECT_EQ(g.nodes[16], (topo::GraphNode{"leaf0", topo::NodeKind::leaf}));
  EXPECT_EQ(g.nodes[23], (topo::GraphNode{"spine3", topo::NodeKind::spine}));
  // Host cables at 1 us, the leaf-spine ones at the 500 ns default of the key (or `link`).
  EXPECT_EQ(g.cables[5], (topo::GraphCable{5, 17, {Bitrate::gbps(100), Time::us(1)}}));
  EXPECT_EQ(g.cables[16 + 4 + 3], (topo::GraphCable{17, 23, {Bitrate::gbps(100), Time::ns(500)}}));
  EXPECT_EQ(topo::size_of(graphml.topology).hosts, 16u);
}

TEST(ScenarioGraph, TheGraphmlFileIsAnInputResolvedBesideTheScenario) {
  const Scenario s = load(kGood + "graph_graphml.yaml");
  ASSERT_EQ(s.inputs.size(), 2u);
  EXPECT_EQ(s.inputs[1].role, "graphml");
  EXPECT_EQ(
      fs::canonical(s.inputs[1].path),
      fs::canonical(std::string(FABRICSIM_SOURCE_DIR) + "/topologies/leafspine-4x4-graph.graphml"));
  // The edge-list form is a topology file.
  const Scenario e = load(kGood + "graph_edge_list.yaml");
  ASSERT_EQ(e.inputs.size(), 2u);
  EXPECT_EQ(e.inputs[1].role, "topology");
  // Given with --set, the name still resolves from the scenario's folder.
  const Scenario set =
      load(kGood + "tiny.yaml",
           {"topology={kind: graph, graphml: ../../../topologies/leafspine-4x4-graph.graphml}"});
  EXPECT_EQ(graph_of(set), graph_of(s));
  EXPECT_EQ(set.inputs.back().role, "graphml");
}

/// Writes to_yaml(s) to a temp file and loads it back.
Scenario round_trip(const Scenario& s, const std::string& name) {
  const std::string path = testing::TempDir() + "fabricsim_graph_" + name + ".yaml";
  std::ofstream(path) << to_yaml(s);
  return load(path);
}

TEST(ScenarioGraph, ToYamlWritesTheGraphInlineAndReadsBackTheSameGraph) {
  for (const char* name : {"graph_graphml", "graph_edge_list"}) {
    SCOPED_TRACE(name);
    const Scenario s = load(kGood + name + std::string(".yaml"));
    const std::string yaml = to_yaml(s);
    EXPECT_NE(yaml.find("kind: graph"), std::string::npos) << yaml;
    EXPECT_EQ(yaml.find("graphml:"), std::string::npos) << yaml;
    EXPECT_NE(yaml.find("- {name: host0, kind: host}"), std::string::npos) << yaml;
    EXPECT_NE(yaml.find("- {a: host0, b: leaf0, rate: 100Gbps, latency: 1us}"), std::string::npos)
        << yaml;
    EXPECT_NE(yaml.find("- {a: leaf3, b: spine3, rate: 100Gbps, latency: 500ns}"),
              std::string::npos)
        << yaml;
    const Scenario back = round_trip(s, name);
    EXPECT_EQ(graph_of(back), graph_of(s));
    EXPECT_EQ(back.seed, s.seed);
    ASSERT_EQ(back.workloads.size(), s.workloads.size());
    for (std::size_t i = 0; i < s.workloads.size(); ++i)
      EXPECT_TRUE(back.workloads[i] == s.workloads[i]);
  }
}

TEST(ScenarioGraph, CountRepeatsACableAndLinkSetsTheDefaults) {
  const Scenario s =
      load(kGood + "tiny.yaml",
           {"topology={kind: graph, link: {rate: 50Gbps}, nodes: [{name: h0, kind: host}, "
            "{name: h1, kind: host}, {name: l0, kind: tor}, {name: l1, kind: tor}, "
            "{name: s0, kind: core}], links: [{a: h0, b: l0}, {a: l1, b: h1, latency: 2us}, "
            "{a: l0, b: s0, count: 3, rate: 200Gbps}, {a: s0, b: l1}]}",
            "workload.0={kind: permutation}"});
  const topo::GraphSpec& g = graph_of(s);
  ASSERT_EQ(g.cables.size(), 6u);
  EXPECT_EQ(g.cables[0].link.rate, Bitrate::gbps(50));
  EXPECT_EQ(g.cables[0].link.latency, Time::ns(500));
  EXPECT_EQ(g.cables[1].link.latency, Time::us(2));
  for (int c = 2; c < 5; ++c)
    EXPECT_EQ(g.cables[c], (topo::GraphCable{2, 4, {Bitrate::gbps(200), Time::ns(500)}}));
  const topo::Fabric f = topo::build_fabric(s.topology);
  EXPECT_EQ(f.paths_between_hosts(0, 1).count, 3u);
  EXPECT_EQ(f.host_count(), 2u);
}

TEST(ScenarioGraph, KeysBesideTheGraphAreChecked) {
  const std::string tiny = kGood + "tiny.yaml";
  EXPECT_NE(
      error_of(tiny,
               {"topology={kind: graph, graphml: ../../../topologies/leafspine-4x4-graph.graphml, "
                "nodes: []}"})
          .find("topology.nodes: give either `graphml: FILE` or `nodes` and `links`, not both"),
      std::string::npos);
  EXPECT_NE(error_of(tiny, {"topology={kind: graph}"})
                .find("topology.nodes: missing: a graph needs `nodes`"),
            std::string::npos);
  EXPECT_NE(error_of(tiny, {"topology={kind: graph, leaves: 4}"}).find("unknown key 'leaves'"),
            std::string::npos);
  EXPECT_NE(error_of(tiny, {"topology={kind: graph, graphml: nope.graphml}"})
                .find("topology.graphml: cannot find GraphML file 'nope.graphml' (tried: "),
            std::string::npos);
  EXPECT_NE(error_of(tiny, {"topology={kind: grap}"}).find("did you mean 'graph'?"),
            std::string::npos);
}

/// A GraphML file written to a temp folder with a scenario naming it; returns the load error.
std::string graphml_error(const std::string& name, const std::string& body,
                          const std::string& graph_attrs = "edgedefault=\"undirected\"",
                          const std::string& key = "") {
  const fs::path dir = fs::path(testing::TempDir()) / ("fabricsim_graphml_" + name);
  fs::create_directories(dir);
  std::ofstream(dir / "g.graphml")
      << "<?xml version=\"1.0\"?>\n<graphml>\n"
      << "  <key id=\"k\" for=\"node\" attr.name=\"kind\" attr.type=\"string\"/>" << key << "\n"
      << "  <graph " << graph_attrs << ">\n"
      << body << "  </graph>\n</graphml>\n";
  std::ofstream(dir / "s.yaml") << "topology: {kind: graph, graphml: g.graphml}\n"
                                << "workload: [{kind: permutation}]\n";
  return error_of((dir / "s.yaml").string());
}

TEST(ScenarioGraph, GraphmlStructureProblemsNameFileAndLine) {
  const std::string two =
      "    <node id=\"a\"><data key=\"k\">host</data></node>\n"
      "    <node id=\"s\"><data key=\"k\">leaf</data></node>\n"
      "    <edge source=\"a\" target=\"s\"/>\n";
  EXPECT_NE(graphml_error("syntax", "    <node id=\"a\">\n    <edge source=\"a\" target=\"a\"/>\n")
                .find("g.graphml:"),
            std::string::npos);
  EXPECT_NE(graphml_error("syntax2", "    <node id=\"a\">\n").find("XML syntax error"),
            std::string::npos);
  EXPECT_NE(
      graphml_error("directed", two, "edgedefault=\"directed\"")
          .find("g.graphml:4:3: topology.graphml: the graph needs edgedefault=\"undirected\""),
      std::string::npos);
  EXPECT_NE(graphml_error("no_kind", "    <node id=\"a\"/>\n")
                .find("g.graphml:5:5: topology.graphml: node 'a': no kind"),
            std::string::npos);
  EXPECT_NE(
      graphml_error("undeclared_key", "    <node id=\"a\"><data key=\"x\">host</data></node>\n")
          .find("g.graphml:5:18: topology.graphml: <data key=\"x\"> names no <key>"),
      std::string::npos);
  const std::string unknown_attr =
      graphml_error("unknown_attr", two, "edgedefault=\"undirected\"",
                    "<key id=\"w\" for=\"edge\" attr.name=\"rat\" attr.type=\"string\"/>");
  EXPECT_NE(
      unknown_attr.find(
          "key 'w': unknown edge attribute 'rat' (valid: rate, latency); did you mean 'rate'?"),
      std::string::npos)
      << unknown_attr;
  EXPECT_NE(graphml_error("node_without_id", "    <node/>\n")
                .find("g.graphml:5:5: topology.graphml: <node> needs the attribute id"),
            std::string::npos);
}

}  // namespace
}  // namespace fabricsim::scenario
