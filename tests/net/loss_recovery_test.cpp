// Loss recovery without the retransmission timer, end to end: a sprayed all-to-all of short
// dctcp flows with packets dropped on purpose (PacketParams::drops) recovers in a few round
// trips, where the timer alone would take min_rto (1 ms).
#include <gtest/gtest.h>

#include <cstdio>

#include "support/net_bench.hpp"

namespace fabricsim::net {
namespace {

using core::Bytes;
using core::Time;

constexpr std::int64_t kFlowBytes = 64 << 10;  // 17 packets of at most 4,032 B
constexpr std::uint32_t kLast = 16;            // the last packet of a flow

/// Flow `flow` of the all-to-all below.
constexpr std::uint32_t kFlow = 37;

/// Every ordered pair of 16 hosts (2 leaves x 4 spines x 8 hosts, 100 Gb/s, 1 us links) sends
/// 64 KiB with dctcp, sprayed; `drops` are lost on the way. Returns the bench after the run.
std::unique_ptr<NetBench> all_to_all(std::vector<PacketDrop> drops, bool probe = true) {
  PacketParams params{
      .transport = {.kind = "dctcp"}, .switches = {}, .seed = 5, .drops = std::move(drops)};
  params.transport.tail_loss_probe = probe;
  auto b = std::make_unique<NetBench>(
      topo::LeafSpineSpec{.leaves = 2,
                          .spines = 4,
                          .hosts_per_leaf = 8,
                          .host_link = {core::Bitrate::gbps(100), Time::us(1)},
                          .fabric_link = {core::Bitrate::gbps(100), Time::us(1)}},
      "spray", params);
  for (std::uint32_t s = 0; s < 16; ++s) {
    for (std::uint32_t d = 0; d < 16; ++d) {
      if (s != d) b->start(s, d, kFlowBytes);
    }
  }
  b->run();
  b->expect_conserved();
  return b;
}

/// How much later flow kFlow ends than in the loss-free run, in us.
double delay_us(const NetBench& lossy, const NetBench& clean) {
  return static_cast<double>(lossy.delivered.at(kFlow) - clean.delivered.at(kFlow)) / 1e6;
}

// The loaded round trip here: senders measure srtt = 15-20 us (9.4 us unloaded: 8 links of
// 1 us plus serialization), as 15 flows share each NIC and the 2:1 uplinks queue.
constexpr double kRoundTripUs = 20;

TEST(LossRecovery, ADroppedPacketOfAShortSprayedFlowCostsAFewRoundTripsNotMinRto) {
  // A middle packet (8 of 17): the ACKs of packets sent after it show it overdue once
  // rtt + reo_wnd (srtt + 4 rttvar, ~2 round trips) have passed since it left; resent, it
  // arrives one round trip later. The last packet (16): nothing sent after it is ever
  // acknowledged, so the probe resends it a probe timeout (srtt + 4 rttvar) after the last
  // ACK. Either way the flow ends within 3 round trips of its loss-free end, 1/16 of min_rto.
  const auto clean = all_to_all({});
  EXPECT_EQ(clean->model.flow(kFlow).packets, 17u);
  EXPECT_EQ(clean->model.flow(kFlow).retransmits, 0u);
  const auto middle = all_to_all({{.flow = kFlow, .seq = 8}});
  const auto last = all_to_all({{.flow = kFlow, .seq = kLast}});
  std::printf("loss-free end %.1f us; later by %.1f us (packet 8 lost), %.1f us (packet 16)\n",
              static_cast<double>(clean->delivered.at(kFlow)) / 1e6, delay_us(*middle, *clean),
              delay_us(*last, *clean));
  for (const NetBench* b : {middle.get(), last.get()}) {
    EXPECT_EQ(b->model.flow(kFlow).retransmits, 1u);
    EXPECT_EQ(b->model.flow(kFlow).timeouts, 0u);
    EXPECT_LT(delay_us(*b, *clean), 3 * kRoundTripUs);
  }
  EXPECT_EQ(middle->model.flow(kFlow).probes, 0u);
  EXPECT_EQ(last->model.flow(kFlow).probes, 1u);
}

TEST(LossRecovery, ALostRetransmissionIsRecoveredWithoutTheTimerToo) {
  // Packet 8 lost twice: its resend leaves after every other packet, so the probe finds it,
  // within 3 round trips again. Packet 16 lost twice: the probe is lost too; the next probe
  // waits twice as long (backoff), still well under min_rto (here < 1/4 of it).
  const auto clean = all_to_all({});
  const auto middle = all_to_all({{.flow = kFlow, .seq = 8, .copies = 2}});
  const auto last = all_to_all({{.flow = kFlow, .seq = kLast, .copies = 2}});
  std::printf("later by %.1f us (packet 8 lost twice), %.1f us (packet 16 and its probe lost)\n",
              delay_us(*middle, *clean), delay_us(*last, *clean));
  EXPECT_EQ(middle->model.flow(kFlow).timeouts, 0u);
  EXPECT_LT(delay_us(*middle, *clean), 3 * kRoundTripUs);
  EXPECT_EQ(last->model.flow(kFlow).timeouts, 0u);
  EXPECT_EQ(last->model.flow(kFlow).probes, 2u);
  EXPECT_LT(delay_us(*last, *clean), 250.0);
}

TEST(LossRecovery, WithoutTheProbeATailLossWaitsForTheRetransmissionTimer) {
  // tail_loss_probe: off and the last packet lost: nothing can reveal it but the timer, which
  // fires min_rto (1 ms) after the last ACK that advanced the lowest unacknowledged packet.
  const auto clean = all_to_all({}, false);
  const auto last = all_to_all({{.flow = kFlow, .seq = kLast}}, false);
  EXPECT_EQ(last->model.flow(kFlow).timeouts, 1u);
  EXPECT_GT(delay_us(*last, *clean), 900.0);
}

}  // namespace
}  // namespace fabricsim::net
