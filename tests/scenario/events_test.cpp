// `events:` in a scenario: parsing, defaults, round trip through to_yaml, the errors (file:line,
// key, valid choices), and their resolution against the fabric (names, cables, random draws).
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "scenario/link_events.hpp"
#include "scenario/scenario.hpp"
#include "topo/topology.hpp"

namespace fabricsim::scenario {
namespace {

using namespace core::literals;

const char* kHead = R"(topology: {kind: leaf_spine, leaves: 4, spines: 4, hosts_per_leaf: 2}
workload: [{kind: permutation, bytes: 1MiB}]
)";

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = testing::TempDir() + "fabricsim_events_test_" + name;
  std::ofstream(path) << text;
  return path;
}

Scenario load_events(const std::string& name, const std::string& events) {
  return load(write_temp(name, std::string(kHead) + events));
}

std::string error_of(const std::string& name, const std::string& events) {
  try {
    const Scenario s = load_events(name, events);
    resolve_events(topo::build_fabric(s.topology), s);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ScenarioError for " << events;
  return "";
}

TEST(Events, ParseEveryTargetAndActionInTimeOrder) {
  const Scenario s = load_events("good.yaml", R"(routing: {failure_detection: 20us}
events:
  - {at: 300us, link: [leaf1, spine2], action: up}
  - {at: 0us, node: spine0, action: down}
  - {at: 100us, link: [leaf1, spine2], action: rate, rate: 50Gbps}
  - {at: 0us, random: 2, tier: [leaf, spine], action: down}
)");
  EXPECT_EQ(s.routing.failure_detection, 20_us);
  ASSERT_EQ(s.events.size(), 4u);
  EXPECT_EQ(s.events[0].node, "spine0");  // ties keep the file's order
  EXPECT_EQ(s.events[1].random, 2u);
  EXPECT_EQ(s.events[1].tier, (std::vector<std::string>{"leaf", "spine"}));
  EXPECT_EQ(s.events[2].at, 100_us);
  EXPECT_EQ(s.events[2].action, EventSpec::Action::rate);
  EXPECT_EQ(s.events[2].rate, 50_Gbps);
  EXPECT_EQ(s.events[3].link, (std::vector<std::string>{"leaf1", "spine2"}));
  EXPECT_EQ(s.events[3].action, EventSpec::Action::up);
  EXPECT_NE(s.events[0].where.find("good.yaml:6:"), std::string::npos) << s.events[0].where;
  // to_yaml writes them back so that load reads the same events.
  const Scenario again = load(write_temp("again.yaml", to_yaml(s)));
  ASSERT_EQ(again.events.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(again.events[i].at, s.events[i].at);
    EXPECT_EQ(again.events[i].action, s.events[i].action);
    EXPECT_EQ(again.events[i].rate, s.events[i].rate);
    EXPECT_EQ(again.events[i].node, s.events[i].node);
    EXPECT_EQ(again.events[i].link, s.events[i].link);
    EXPECT_EQ(again.events[i].random, s.events[i].random);
    EXPECT_EQ(again.events[i].tier, s.events[i].tier);
  }
  EXPECT_EQ(again.routing.failure_detection, 20_us);
}

TEST(Events, DetectionDefaultsTo100us) {
  EXPECT_EQ(load_events("default.yaml", "").routing.failure_detection, 100_us);
}

TEST(Events, BadEventsNameFileLineKeyAndChoices) {
  struct Case {
    const char* events;
    const char* expected;
  };
  const Case cases[] = {
      {"events: [{at: 0us, node: spine0, action: fail}]",
       "events.0.action: unknown action 'fail' (valid: down, up, rate)"},
      {"events: [{at: 0us, node: spine0}]", "events.0.action: missing"},
      {"events: [{node: spine0, action: down}]", "events.0.at: missing"},
      {"events: [{at: 0us, node: spine0, action: rate}]", "events.0.rate: missing"},
      {"events: [{at: 0us, node: spine0, action: down, rate: 1Gbps}]",
       "only action rate takes a rate"},
      {"events: [{at: 0us, action: down}]", "names no links"},
      {"events: [{at: 0us, node: spine0, link: [leaf0, spine0], action: down}]",
       "more than one way"},
      {"events: [{at: 0us, random: 1, action: down}]", "events.0.tier: missing"},
      {"events: [{at: 0us, random: 1, tier: [leaf, spin], action: down}]",
       "unknown node kind 'spin'"},
      {"events: [{at: 0us, link: [leaf0], action: down}]", "events.0.link: expected a list of two"},
      {"events: [{at: 0us, node: spine0, action: down, when: 1us}]", "unknown key 'when'"},
      {"events: [{at: 0us, node: spine9, action: down}]", "no node named 'spine9'"},
      {"events: [{at: 0us, link: [leaf0, leaf1], action: down}]", "no cable joins leaf0 and leaf1"},
      {"events: [{at: 0us, random: 17, tier: [leaf, spine], action: down}]",
       "more cables than the 16 between leaf and spine"},
  };
  for (const Case& c : cases) {
    const std::string message = error_of("bad.yaml", c.events);
    EXPECT_NE(message.find(c.expected), std::string::npos) << c.events << "\n -> " << message;
    EXPECT_NE(message.find("bad.yaml:3:"), std::string::npos) << message;
  }
  EXPECT_NE(error_of("typo.yaml", "events: [{at: 0us, node: spine00, action: down}]")
                .find("did you mean 'spine0'?"),
            std::string::npos);
}

TEST(Events, APacketModelRunWithTheIdealTransportRefusesLinksGoingDown) {
  const std::string message =
      error_of("ideal.yaml", "model: packet\nevents: [{at: 0us, node: spine0, action: down}]");
  EXPECT_NE(message.find("ideal.yaml:4:"), std::string::npos) << message;
  EXPECT_NE(message.find("transport kind ideal never sends one again"), std::string::npos)
      << message;
  // A rate change loses nothing; dctcp recovers what a failure loses.
  load_events("ideal-rate.yaml",
              "model: packet\nevents: [{at: 0us, node: spine0, action: rate, rate: 1Gbps}]");
  load_events(
      "dctcp.yaml",
      "model: packet\ntransport: {kind: dctcp}\nevents: [{at: 0us, node: spine0, action: down}]");
}

TEST(Events, ResolveNodesCablesAndSeededRandomDraws) {
  const Scenario s = load_events("resolve.yaml", R"(events:
  - {at: 0us, node: spine0, action: down}
  - {at: 1us, link: [leaf1, spine2], action: down}
  - {at: 2us, random: 5, tier: [spine, leaf], action: down}
)");
  const topo::Fabric fabric = topo::build_fabric(s.topology);
  const std::vector<LinkEvent> events = resolve_events(fabric, s);
  ASSERT_EQ(events.size(), 3u);
  const auto name = [&](topo::NodeId n) { return fabric.nodes[n].name; };
  EXPECT_EQ(events[0].links.size(), 8u);  // 4 leaves, both directions
  for (const topo::LinkId l : events[0].links) {
    EXPECT_TRUE(name(fabric.links[l].src) == "spine0" || name(fabric.links[l].dst) == "spine0");
  }
  ASSERT_EQ(events[1].links.size(), 2u);
  EXPECT_EQ(fabric.links[events[1].links[0]].src, fabric.links[events[1].links[1]].dst);
  // Five distinct cables, both directions each, between a leaf and a spine.
  ASSERT_EQ(events[2].links.size(), 10u);
  std::set<std::pair<topo::NodeId, topo::NodeId>> cables;
  for (const topo::LinkId l : events[2].links) {
    const topo::Link& link = fabric.links[l];
    cables.insert(std::minmax(link.src, link.dst));
    EXPECT_NE(fabric.nodes[link.src].kind, fabric.nodes[link.dst].kind);
  }
  EXPECT_EQ(cables.size(), 5u);
  // The same seed draws the same cables; another seed, (almost surely) others.
  EXPECT_EQ(resolve_events(fabric, s)[2].links, events[2].links);
  Scenario other = s;
  other.seed = 2;
  EXPECT_NE(resolve_events(fabric, other)[2].links, events[2].links);
}

}  // namespace
}  // namespace fabricsim::scenario
