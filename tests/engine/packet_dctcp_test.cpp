// Workloads on the packet model with the dctcp transport, against the flow model: the same
// steps run, every byte is delivered, and completion times stay near the fluid ones.
#include <gtest/gtest.h>

#include "engine/simulation.hpp"
#include "support/small_fabric.hpp"

namespace fabricsim::engine {
namespace {

using core::Bytes;

/// 2 leaves x 4 spines x 8 hosts, 100 Gb/s and 1 us everywhere, dctcp, running `workload`.
scenario::Scenario fabric(traffic::WorkloadSpec workload) {
  scenario::Scenario s = test_support::small_fabric(2, 4, 8, "ecmp", std::move(workload));
  s.transport.kind = "dctcp";
  return s;
}

/// Runs `s` on `model`; on the packet model also checks conservation from the result
/// records: wire bytes the hosts sent = wire bytes their downlinks delivered + bytes dropped.
metrics::Results run(scenario::Scenario s, const std::string& model) {
  s.model = model;
  Simulation sim(s);
  metrics::Results r = sim.run();
  EXPECT_EQ(r.info.status, "complete") << model;
  if (model == "packet") {
    std::int64_t sent = 0;
    std::int64_t delivered = 0;
    std::int64_t dropped = 0;
    for (std::uint32_t h = 0; h < sim.fabric().host_count(); ++h) {
      sent += r.links[sim.fabric().host_uplink[h]].tx_bytes;
      delivered += r.links[sim.fabric().host_downlink[h]].tx_bytes;
    }
    for (const metrics::LinkRecord& link : r.links) dropped += link.dropped_bytes;
    EXPECT_EQ(sent, delivered + dropped);
  }
  return r;
}

/// Packet-model steps end no earlier than the fluid ones (headers, store-and-forward, window
/// ramp-up) and at most `slack` later; nothing is dropped or resent.
void expect_close(const metrics::Results& fluid, const metrics::Results& packets, double slack) {
  ASSERT_EQ(packets.steps.size(), fluid.steps.size());
  for (std::size_t i = 0; i < fluid.steps.size(); ++i) {
    const auto span = [](const metrics::StepRecord& s) {
      return static_cast<double>(s.end_ps - s.start_ps);
    };
    EXPECT_EQ(packets.steps[i].kind, fluid.steps[i].kind) << "step " << i;
    EXPECT_GE(span(packets.steps[i]), 0.99 * span(fluid.steps[i])) << "step " << i;
    EXPECT_LE(span(packets.steps[i]), (1 + slack) * span(fluid.steps[i])) << "step " << i;
  }
  for (const metrics::LinkRecord& link : packets.links) EXPECT_EQ(link.drops, 0u) << link.link_id;
  for (const metrics::FlowRecord& flow : packets.flows) EXPECT_EQ(flow.retransmits, 0u) << flow.id;
}

TEST(PacketDctcp, RingAllReduceAcrossLeavesStaysNearTheFluidTime) {
  // Ring all-reduce of 8 MiB on 8 GPUs, ranks split over both leaves: 14 rounds of 1 MiB per
  // GPU. Per round the packet model adds headers (64 B per 4,032 B: 1.6 %), the ACKs of the
  // predecessor's data sharing each GPU's uplink (another 1.6 %) and store-and-forward of the
  // last packet over 3 switches (~1 us of 88 us): within 8 % of the fluid round.
  traffic::CollectiveSpec spec{.bytes = Bytes(8 << 20)};
  spec.placement = {traffic::Placement::Kind::listed, 0, 0, 1, {0, 1, 2, 3, 8, 9, 10, 11}};
  const scenario::Scenario s = fabric(spec);
  const metrics::Results fluid = run(s, "flow");
  const metrics::Results packets = run(s, "packet");
  expect_close(fluid, packets, 0.08);
  std::printf("ring all-reduce: flow %.1f us, packet+dctcp %.1f us\n",
              static_cast<double>(fluid.info.sim_end_ps) / 1e6,
              static_cast<double>(packets.info.sim_end_ps) / 1e6);
}

/// One MoE layer on 16 GPUs, Zipf(1) expert load: dispatch and combine are 15-to-1 incasts
/// onto the hot experts' GPUs, bound by their host links in both models.
scenario::Scenario skewed_moe() {
  traffic::MoeSpec moe;
  moe.experts = 16;
  moe.tokens_per_gpu = 1024;
  moe.hidden = 1024;
  moe.skew = {traffic::LoadSpec::Dist::zipf, 1.0};
  return fabric(moe);
}

TEST(PacketDctcp, SkewedMoeLayerWithSmallInitialWindowsStaysNearTheFluidTime) {
  // With 16 KiB initial windows the incasts start below the 1 MiB buffers and DCTCP holds the
  // hot GPUs' downlinks busy at the marking threshold: no drop, within 10 % of the fluid time.
  scenario::Scenario s = skewed_moe();
  s.transport.initial_window = Bytes(16 << 10);
  const metrics::Results fluid = run(s, "flow");
  const metrics::Results packets = run(s, "packet");
  expect_close(fluid, packets, 0.10);
  std::int64_t marks = 0;
  for (const metrics::LinkRecord& link : packets.links)
    marks += static_cast<std::int64_t>(link.ecn_marks);
  EXPECT_GT(marks, 0);  // the incasts queued past K: the window law was exercised
  std::printf("moe layer: flow %.1f us, packet+dctcp %.1f us, %lld ECN marks\n",
              static_cast<double>(fluid.info.sim_end_ps) / 1e6,
              static_cast<double>(packets.info.sim_end_ps) / 1e6, static_cast<long long>(marks));
}

TEST(PacketDctcp, BdpInitialWindowsOverflowTheBufferInAnIncastAndRecover) {
  // The default window is one BDP (~29 packets) per flow: 15 flows start a 1.7 MB burst into
  // a 1 MiB buffer. Packets are dropped, resent (tails after a probe) and every flow still
  // delivers all its bytes: the step is longer than the fluid one, which knows no loss.
  const scenario::Scenario s = skewed_moe();
  const metrics::Results fluid = run(s, "flow");
  const metrics::Results packets = run(s, "packet");
  std::uint64_t drops = 0;
  std::uint64_t retransmits = 0;
  for (const metrics::LinkRecord& link : packets.links) drops += link.drops;
  for (const metrics::FlowRecord& flow : packets.flows) {
    retransmits += flow.retransmits;
    EXPECT_GE(flow.end_ps, flow.start_ps) << flow.id;
  }
  EXPECT_GT(drops, 0u);
  EXPECT_GE(retransmits, drops);
  EXPECT_GT(packets.steps[0].end_ps - packets.steps[0].start_ps,
            fluid.steps[0].end_ps - fluid.steps[0].start_ps);
  std::printf(
      "moe layer, bdp windows: flow %.1f us, packet+dctcp %.1f us, %llu drops, %llu retransmits\n",
      static_cast<double>(fluid.info.sim_end_ps) / 1e6,
      static_cast<double>(packets.info.sim_end_ps) / 1e6, static_cast<unsigned long long>(drops),
      static_cast<unsigned long long>(retransmits));
}

TEST(PacketDctcp, SameSeedSameBits) {
  // Every random stream at once: sprayed and adaptive paths, a probabilistic ECN ramp, drops
  // and timers. Two runs of one scenario agree on every flow and link record; another seed
  // changes them.
  for (const std::string policy : {"spray", "adaptive"}) {
    scenario::Scenario s = skewed_moe();
    s.routing.policy = policy;
    s.switches.ecn = net::EcnParams{Bytes(20 << 10), Bytes(200 << 10), 0.3};
    s.switches.buffer_per_port = Bytes(256 << 10);
    const metrics::Results a = run(s, "packet");
    const metrics::Results b = run(s, "packet");
    EXPECT_EQ(a.flows, b.flows) << policy;
    EXPECT_EQ(a.links, b.links) << policy;
    s.seed += 1;
    const metrics::Results c = run(s, "packet");
    EXPECT_NE(a.links, c.links) << policy;
  }
}

}  // namespace
}  // namespace fabricsim::engine
