// The packet model through the engine: same scenario, same flows as the flow model.
#include <gtest/gtest.h>

#include "engine/simulation.hpp"
#include "support/small_fabric.hpp"

namespace fabricsim::engine {
namespace {

metrics::Results run(scenario::Scenario s, const std::string& model) {
  s.model = model;
  Simulation sim(s);
  return sim.run();
}

TEST(PacketRun, AgreesWithTheFlowModelOnAnEcmpPermutation) {
  // 4 MiB flows on a 4x4x4 leaf-spine at 100 Gb/s with ECMP: both models see the same hash
  // collisions (the same policy and seed). The packet model adds headers (64 B per 4,032 B of
  // payload, +1.6 %) and store-and-forward of the last packet per hop (~0.3 us per hop), so
  // every flow ends within 1 % below to 5 % above its fluid completion.
  traffic::PermutationSpec perm{core::Bytes(4 << 20)};
  const scenario::Scenario s = test_support::small_fabric(4, 4, 4, "ecmp", perm);
  const metrics::Results fluid = run(s, "flow");
  const metrics::Results packets = run(s, "packet");
  ASSERT_EQ(packets.flows.size(), fluid.flows.size());
  EXPECT_EQ(packets.info.model, "packet");
  for (std::size_t i = 0; i < fluid.flows.size(); ++i) {
    EXPECT_EQ(packets.flows[i].path_id, fluid.flows[i].path_id);
    const double f = static_cast<double>(fluid.flows[i].end_ps - fluid.flows[i].start_ps);
    const double p = static_cast<double>(packets.flows[i].end_ps - packets.flows[i].start_ps);
    EXPECT_GE(p, 0.99 * f) << "flow " << i;
    EXPECT_LE(p, 1.05 * f) << "flow " << i;
  }
}

TEST(PacketRun, SprayedPermutationAndAllToAllStayWithinFivePercentOfTheFlowModel) {
  // Ideal transport + per-packet spraying on a non-blocking 4x4x4 fabric at 100 Gb/s: the
  // fluid model runs every flow at its max-min rate; packets add 1.6 % of headers, one
  // store-and-forward per hop, and the queueing of random path draws. With flows of
  // thousands of packets these stay within 5 % of the fluid completion times.
  for (const traffic::WorkloadSpec& w :
       {traffic::WorkloadSpec{traffic::PermutationSpec{core::Bytes(16 << 20)}},
        traffic::WorkloadSpec{traffic::AllToAllSpec{core::Bytes(1 << 20)}}}) {
    const scenario::Scenario s = test_support::small_fabric(4, 4, 4, "spray", w);
    const metrics::Results fluid = run(s, "flow");
    const metrics::Results packets = run(s, "packet");
    ASSERT_EQ(packets.flows.size(), fluid.flows.size());
    for (std::size_t i = 0; i < fluid.flows.size(); ++i) {
      const double f = static_cast<double>(fluid.flows[i].end_ps - fluid.flows[i].start_ps);
      const double p = static_cast<double>(packets.flows[i].end_ps - packets.flows[i].start_ps);
      EXPECT_NEAR(p, f, 0.05 * f) << traffic::kind_name(w) << " flow " << i;
    }
  }
}

TEST(PacketRun, HostUplinksCarryEveryPayloadByteAndItsHeaders) {
  // 1 MiB = 1,048,576 B in packets of 4,032 B payload: 261 packets (260 full + 256 B), each
  // with 64 B of headers, so each host uplink sends 1,048,576 + 261 x 64 = 1,065,280 B.
  traffic::PermutationSpec perm{core::Bytes(1 << 20)};
  scenario::Scenario s = test_support::small_fabric(2, 2, 2, "spray", perm);
  s.model = "packet";
  Simulation sim(s);
  const metrics::Results r = sim.run();
  for (std::uint32_t h = 0; h < 4; ++h) {
    EXPECT_EQ(r.links[sim.fabric().host_uplink[h]].tx_bytes, 1'065'280) << "host " << h;
    EXPECT_EQ(r.links[sim.fabric().host_downlink[h]].tx_bytes, 1'065'280) << "host " << h;
  }
  EXPECT_EQ(r.info.status, "complete");
}

}  // namespace
}  // namespace fabricsim::engine
