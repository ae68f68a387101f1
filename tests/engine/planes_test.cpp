// Multi-plane Clos fabrics: P identical planes, each host with a port on each. Two planes
// double a host's injection bandwidth, so a sprayed permutation's transfer time halves
// (hand-computed FCTs, flow model); the fabric, its paths and the refusal of the packet model
// are checked too.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "engine/simulation.hpp"
#include "scenario/scenario.hpp"
#include "topo/topology.hpp"

namespace fabricsim::engine {
namespace {

using core::Bitrate;
using core::Bytes;
using core::Time;

/// 4 leaves x 4 spines x 4 hosts per leaf, every link 100 Gb/s and 1 us, `planes` planes.
topo::LeafSpineSpec leaf_spine(std::uint32_t planes) {
  topo::LeafSpineSpec spec;
  spec.leaves = 4;
  spec.spines = 4;
  spec.hosts_per_leaf = 4;
  spec.planes = planes;
  spec.host_link = spec.fabric_link = {Bitrate::gbps(100), Time::us(1)};
  return spec;
}

/// A permutation of 1 MiB per host on leaf_spine(planes).
scenario::Scenario permutation(std::uint32_t planes, const std::string& policy,
                               const std::string& model = "flow") {
  scenario::Scenario s;
  s.model = model;
  s.transport.kind = "dctcp";
  s.topology = leaf_spine(planes);
  s.routing.policy = policy;
  s.workloads = {traffic::PermutationSpec{.bytes = Bytes(1 << 20)}};
  return s;
}

TEST(Planes, EachHostHasAPortOnItsLeafOfEveryPlaneAndPathsStayInAPlane) {
  const topo::Fabric f = topo::build_fabric(leaf_spine(2));
  EXPECT_EQ(f.ports, 2u);
  EXPECT_EQ(f.host_count(), 16u);
  EXPECT_EQ(f.edge_count(), 8u);                  // 4 leaves per plane
  EXPECT_EQ(f.links.size(), 2u * 2 * (16 + 16));  // per plane: 16 host and 16 fabric cables
  EXPECT_EQ(f.nodes[f.edge_node[f.host_edge[f.port(5, 1)]]].name, "leaf1.p1");
  // Host 0 (leaf 0) to host 5 (leaf 1): 4 spines in each plane, 8 candidates in all; every
  // path's links stay in the plane of its first link.
  std::array<std::size_t, topo::kMaxPorts> pairs{};
  ASSERT_EQ(f.pairs_between_hosts(0, 5, pairs), 2u);
  std::uint32_t total = 0;
  for (std::uint32_t i = 0; i < 2; ++i) {
    const topo::PathRange r = f.catalog.range(pairs[i]);
    EXPECT_EQ(r.count, 4u);
    total += r.count;
    for (topo::PathId p = r.first; p < r.first + r.count; ++p) {
      EXPECT_EQ(f.port_of(0, p, true), i);
      EXPECT_EQ(f.port_of(5, p, false), i);
      for (const topo::LinkId l : f.path(p)) {
        EXPECT_NE(f.nodes[f.links[l].src].name.find(".p" + std::to_string(i)), std::string::npos);
      }
    }
  }
  EXPECT_EQ(total, 8u);
}

TEST(Planes, TwoPlanesHalveASprayedPermutationsTransferTime) {
  // 1 MiB at 100 Gb/s is 83,886,080 ps on one port, half that over two; a route is 4 links
  // of 1 us across leaves (host, leaf, spine, leaf, host), 2 us under one leaf.
  for (const std::uint32_t planes : {1u, 2u}) {
    SCOPED_TRACE("planes " + std::to_string(planes));
    Simulation sim(permutation(planes, "spray"));
    const metrics::Results r = sim.run();
    ASSERT_EQ(r.info.status, "complete");
    ASSERT_EQ(r.flows.size(), 16u);
    for (const metrics::FlowRecord& f : r.flows) {
      const double route = f.src / 4 == f.dst / 4 ? 2'000'000 : 4'000'000;
      EXPECT_NEAR(static_cast<double>(f.end_ps), 83'886'080.0 / planes + route, 1.0)
          << f.src << " -> " << f.dst;
    }
  }
}

TEST(Planes, EcmpHashesEachFlowOntoOnePlane) {
  // One path per flow: the flow takes one port, at one port's rate.
  Simulation sim(permutation(2, "ecmp"));
  const metrics::Results r = sim.run();
  ASSERT_EQ(r.info.status, "complete");
  for (const metrics::FlowRecord& f : r.flows) {
    EXPECT_GE(f.path_id, 0);
    EXPECT_GE(f.end_ps, 83'886'080 + 2'000'000);
  }
}

TEST(Planes, ThePacketModelBindsEachFlowToOnePortTheFlowModelsPathForEcmp) {
  // A NIC port per plane: each flow of a permutation leaves by one port. Under ecmp its path
  // is the one the flow model takes; a sprayed flow sprays over its port's plane.
  const topo::Fabric fabric = topo::build_fabric(leaf_spine(2));
  std::map<std::string, std::vector<std::int32_t>> ecmp_paths;
  for (const char* model : {"flow", "packet"}) {
    for (const char* policy : {"ecmp", "spray"}) {
      SCOPED_TRACE(std::string(model) + " " + policy);
      Simulation sim(permutation(2, policy, model));
      const metrics::Results r = sim.run();
      ASSERT_EQ(r.info.status, "complete");
      if (std::string(policy) == "ecmp") {
        for (const metrics::FlowRecord& f : r.flows) ecmp_paths[model].push_back(f.path_id);
      }
      if (std::string(model) == "flow") continue;
      std::map<topo::LinkId, std::int64_t> tx;
      for (const metrics::LinkRecord& l : r.links) tx[l.link_id] = l.tx_bytes;
      for (const metrics::FlowRecord& f : r.flows) {
        const std::int64_t p0 = tx[fabric.host_uplink[fabric.port(f.src, 0)]];
        const std::int64_t p1 = tx[fabric.host_uplink[fabric.port(f.src, 1)]];
        // The other port carries only the ACKs of the flow the host receives.
        EXPECT_TRUE((p0 >= f.bytes) != (p1 >= f.bytes))
            << "host " << f.src << ": " << p0 << ", " << p1;
      }
    }
  }
  EXPECT_EQ(ecmp_paths["packet"], ecmp_paths["flow"]);
}

}  // namespace
}  // namespace fabricsim::engine
