// Every routing policy of the registry runs on every kind of topology, in both models: a
// two-plane leaf-spine, a k = 4 fat-tree, a rail-optimised fabric and a GraphML leaf-spine.
// Each run completes, delivers every byte of every workload flow, and no flow beats its host
// links. (`replay` needs a trace; tests/engine/replay_test.cpp runs it.)
#include <gtest/gtest.h>

#include "engine/simulation.hpp"
#include "routing/policy.hpp"
#include "support/physics.hpp"

namespace fabricsim::engine {
namespace {

using core::Bitrate;
using core::Time;

const topo::LinkSpec kLink{Bitrate::gbps(100), Time::us(1)};

/// One scenario per kind of topology (one assignment each: GCC 12 warns falsely when one
/// function assigns several alternatives of the topology variant).
scenario::Scenario two_plane_leaf_spine() {
  topo::LeafSpineSpec ls{.leaves = 3, .spines = 2, .hosts_per_leaf = 2};
  ls.host_link = ls.fabric_link = kLink;
  ls.planes = 2;
  scenario::Scenario s;
  s.topology = ls;
  return s;
}

scenario::Scenario fat_tree_k4() {
  topo::FatTreeSpec tree;
  tree.k = 4;
  tree.host_link = tree.tor_link = tree.core_link = kLink;
  scenario::Scenario s;
  s.topology = tree;
  return s;
}

scenario::Scenario rail() {
  scenario::Scenario s;
  s.topology = topo::RailSpec{
      .servers = 3, .gpus_per_server = 2, .spines = 2, .host_link = kLink, .fabric_link = kLink};
  return s;
}

scenario::Scenario graph() {
  return scenario::load(std::string(FABRICSIM_SOURCE_DIR) +
                        "/scenarios/basic/graph-leafspine.yaml");
}

TEST(PolicyTopologies, EveryPolicyRunsOnEveryTopologyInBothModels) {
  const std::pair<const char*, scenario::Scenario (*)()> topologies[] = {
      {"leaf_spine x2 planes", two_plane_leaf_spine},
      {"fat_tree k4", fat_tree_k4},
      {"rail", rail},
      {"graph", graph}};
  for (const auto& [topology, make] : topologies) {
    for (const routing::PolicyInfo& info : routing::policies()) {
      if (info.name == "replay") continue;
      for (const char* model : {"flow", "packet"}) {
        scenario::Scenario s = make();
        s.model = model;
        s.transport.kind = "dctcp";
        s.routing.policy = std::string(info.name);
        s.workloads = {traffic::AllToAllSpec{.bytes = core::Bytes(20'000)}};
        SCOPED_TRACE(std::string(topology) + ", " + std::string(info.name) + ", " + model);
        Simulation sim(s);
        const metrics::Results r = sim.run();
        ASSERT_EQ(r.info.status, "complete");
        const std::uint32_t hosts = sim.fabric().host_count();
        ASSERT_EQ(r.app_flows.size(), std::size_t{hosts} * (hosts - 1));
        for (const metrics::AppFlowRecord& app : r.app_flows) {
          EXPECT_EQ(app.bytes, 20'000);
          EXPECT_GE(app.end_ps, 0) << "workload flow " << app.id;
        }
        std::int64_t bytes = 0;
        for (const metrics::FlowRecord& f : r.flows) bytes += f.end_ps >= 0 ? f.bytes : 0;
        EXPECT_EQ(bytes, std::int64_t{20'000} * hosts * (hosts - 1));
        test_support::expect_no_flow_beats_its_host_links(sim.fabric(), r);
      }
    }
  }
}

}  // namespace
}  // namespace fabricsim::engine
