// A rail-optimized fabric: 4 servers of 4 GPUs, one group of rail switches, 2 spines. Each
// GPU has a NIC on its rail switch and an NVLink port on its server's NVSwitch. The routing
// rule (topo/rail.hpp): NVLink inside a server, the rail switch between GPUs of one rail,
// the spines between rails. Hand-computed FCTs in the flow model, the packet model close to
// them.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "engine/simulation.hpp"
#include "scenario/scenario.hpp"
#include "topo/topology.hpp"

namespace fabricsim::engine {
namespace {

using core::Bitrate;
using core::Time;

/// NIC and fabric links 100 Gb/s and 1 us; NVLink 400 Gb/s and 500 ns.
topo::RailSpec rail() {
  topo::RailSpec spec;
  spec.servers = 4;
  spec.gpus_per_server = 4;
  spec.spines = 2;
  spec.host_link = spec.fabric_link = {Bitrate::gbps(100), Time::us(1)};
  spec.nvlink = {Bitrate::gbps(400), Time::ns(500)};
  return spec;
}

TEST(Rail, NodesPortsAndTheRoutingRule) {
  const topo::Fabric f = topo::build_fabric(rail());
  EXPECT_EQ(f.host_count(), 16u);
  EXPECT_EQ(f.ports, 2u);
  // 16 GPUs, 4 NVSwitches, 4 rail switches, 2 spines; 2 x (16 NIC + 16 NVLink + 4 x 2) links.
  EXPECT_EQ(f.nodes.size(), 26u);
  EXPECT_EQ(f.links.size(), 2u * (16 + 16 + 8));
  // GPU 5 is GPU 1 of server 1: NIC on rail1, NVLink on nvswitch1.
  EXPECT_EQ(f.nodes[f.edge_node[f.host_edge[f.port(5, 0)]]].name, "rail1");
  EXPECT_EQ(f.nodes[f.edge_node[f.host_edge[f.port(5, 1)]]].name, "nvswitch1");
  std::array<std::size_t, topo::kMaxPorts> pairs{};
  const auto only_pair = [&](std::uint32_t a, std::uint32_t b) {
    EXPECT_EQ(f.pairs_between_hosts(a, b, pairs), 1u);
    return f.catalog.range(pairs[0]);
  };
  // Inside server 1 (GPUs 4 and 5): the NVLink port, no switch link.
  topo::PathRange r = only_pair(4, 5);
  ASSERT_EQ(r.count, 1u);
  EXPECT_TRUE(f.path(r.first).empty());
  EXPECT_EQ(f.port_of(4, r.first, true), 1u);
  EXPECT_EQ(f.links[f.uplink(4, r.first)].rate, Bitrate::gbps(400));
  // Rail 0, servers 1 and 2 (GPUs 4 and 8): under rail0, no switch link.
  r = only_pair(4, 8);
  ASSERT_EQ(r.count, 1u);
  EXPECT_TRUE(f.path(r.first).empty());
  EXPECT_EQ(f.port_of(4, r.first, true), 0u);
  // Rail 1 to rail 2 (GPUs 5 and 10): through either spine.
  r = only_pair(5, 10);
  ASSERT_EQ(r.count, 2u);
  for (topo::PathId p = r.first; p < r.first + r.count; ++p) {
    const topo::PathLinks links = f.path(p);
    ASSERT_EQ(links.size(), 2u);
    EXPECT_EQ(f.nodes[f.links[links[0]].dst].kind, topo::NodeKind::spine);
  }
}

TEST(Rail, FlowsTakeNvlinkTheirRailSwitchOrTheSpinesAtTheRatesOfTheirLinks) {
  // 1 MB each at t = 0, on disjoint links:
  //   0 -> 1  (server 0, NVLink):       1e6 x 8 / 400e9 = 20 us + 2 x 500 ns = 21 us;
  //   4 -> 8  (rail 0, servers 1 -> 2): 80 us + 2 links x 1 us = 82 us;
  //   5 -> 10 (rail 1 -> rail 2):       80 us + 4 links x 1 us = 84 us.
  const std::filesystem::path cm = std::filesystem::temp_directory_path() /
                                   ("fabricsim-rail-" + std::to_string(::getpid()) + ".cm");
  {
    std::ofstream out(cm);
    out << "Nodes 16\nConnections 3\n"
        << "0->1 id 1 start 0 size 1000000\n"
        << "4->8 id 2 start 0 size 1000000\n"
        << "5->10 id 3 start 0 size 1000000\n";
  }
  const topo::Fabric fabric = topo::build_fabric(rail());
  for (const char* model : {"flow", "packet"}) {
    for (const char* policy : {"ecmp", "spray"}) {
      SCOPED_TRACE(std::string(model) + " " + policy);
      scenario::Scenario s;
      s.model = model;
      s.topology = rail();
      s.routing.policy = policy;
      traffic::ConnectionMatrixSpec matrix{.file = cm.string()};
      matrix.placement.gpus = 16;
      s.workloads = {matrix};
      Simulation sim(s);
      const metrics::Results r = sim.run();
      ASSERT_EQ(r.info.status, "complete");
      std::map<std::pair<std::uint32_t, std::uint32_t>, std::int64_t> end;
      for (const metrics::FlowRecord& f : r.flows) end[{f.src, f.dst}] = f.end_ps;
      // Packet model: 249 packets of 4,032 payload bytes + 64 header bytes, the last with
      // 64 payload bytes, 1,015,936 wire bytes; each hop after the first adds one full
      // packet's store-and-forward (327.68 ns at 100 Gb/s, 81.92 ns at 400 Gb/s):
      //   0 -> 1:  20.31872 us + 1 us + 81.92 ns = 21.40064 us;
      //   4 -> 8:  81.27488 us + 2 us + 327.68 ns = 83.60256 us;
      //   5 -> 10: 81.27488 us + 4 us + 3 x 327.68 ns = 86.25792 us.
      const bool flow = std::string(model) == "flow";
      EXPECT_EQ(end.at({0, 1}), flow ? Time::us(21).ps() : 21'400'640);
      EXPECT_EQ(end.at({4, 8}), flow ? Time::us(82).ps() : 83'602'560);
      EXPECT_EQ(end.at({5, 10}), flow ? Time::us(84).ps() : 86'257'920);
      // GPU 0's bytes left by its NVLink port, none by its NIC.
      std::map<topo::LinkId, std::int64_t> tx;
      for (const metrics::LinkRecord& l : r.links) tx[l.link_id] = l.tx_bytes;
      EXPECT_GE(tx[fabric.host_uplink[fabric.port(0, 1)]], 1'000'000);
      EXPECT_EQ(tx[fabric.host_uplink[fabric.port(0, 0)]], 0);
    }
  }
  std::filesystem::remove(cm);
}

}  // namespace
}  // namespace fabricsim::engine
