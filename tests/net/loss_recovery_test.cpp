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

/// A dctcp bench on 2 leaves x 4 spines x 8 hosts (100 Gb/s, 1 us links) routed by `policy`;
/// `drops` are lost on the way, `probe` as tail_loss_probe.
std::unique_ptr<NetBench> dctcp_bench(const char* policy, std::vector<PacketDrop> drops,
                                      bool probe) {
  PacketParams params{
      .transport = {.kind = "dctcp"}, .switches = {}, .seed = 5, .drops = std::move(drops)};
  params.transport.tail_loss_probe = probe;
  return std::make_unique<NetBench>(
      topo::LeafSpineSpec{.leaves = 2,
                          .spines = 4,
                          .hosts_per_leaf = 8,
                          .host_link = {core::Bitrate::gbps(100), Time::us(1)},
                          .fabric_link = {core::Bitrate::gbps(100), Time::us(1)}},
      policy, params);
}

/// Every ordered pair of the 16 hosts sends 64 KiB, sprayed. Returns the bench after the run.
std::unique_ptr<NetBench> all_to_all(std::vector<PacketDrop> drops, bool probe = true) {
  auto b = dctcp_bench("spray", std::move(drops), probe);
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

/// One dctcp flow of `bytes` from host 0 to host 8 (across the leaf-spine above, nothing else
/// running), losing `drops`; `probe` as tail_loss_probe. Returns the bench after the run.
std::unique_ptr<NetBench> lone_flow(std::int64_t bytes, std::vector<PacketDrop> drops,
                                    bool probe = true) {
  auto b = dctcp_bench("ecmp", std::move(drops), probe);
  b->start(0, 8, bytes);
  b->run();
  b->expect_conserved();
  return b;
}

// The unloaded round trip of a full packet and its ACK across the leaf-spine: 4 links each
// way at 1 us, 4 serializations of 4,096 B (327,680 ps) and 4 of a 64 B ACK (5,120 ps).
constexpr double kBaseRoundTripUs = 8 + 4 * 0.32768 + 4 * 0.00512;

TEST(LossRecovery, ALossInTheFirstFlightCostsAFewBaseRoundTripsNotMinRto) {
  // Before any ACK the sender has no RTT sample, so neither the time rule nor a probe timer
  // built on srtt can act; only the path's base round trip can. A one-packet flow whose packet
  // is lost, and a 4-packet flow (one window: nothing is sent after the loss) losing all four:
  // a probe goes out a probe timeout of the base round trip (3 x 9.4 us) after the last send,
  // and its ACK (or, for the 4 packets, the time rule it feeds) recovers the rest, within
  // 5 base round trips (47 us) of the loss-free end, not min_rto (1 ms). Packet 0 of a 17-packet
  // flow (the later packets' ACKs are the first samples): the time rule, no probe at all.
  struct Case {
    std::int64_t bytes;
    std::vector<PacketDrop> drops;
    std::uint32_t probes;
  };
  const std::vector<Case> cases = {
      {1000, {{.flow = 0, .seq = 0}}, 1},
      {4 * 4032,
       {{.flow = 0, .seq = 0}, {.flow = 0, .seq = 1}, {.flow = 0, .seq = 2}, {.flow = 0, .seq = 3}},
       1},
      {kFlowBytes, {{.flow = 0, .seq = 0}}, 0},
  };
  for (const Case& c : cases) {
    const auto clean = lone_flow(c.bytes, {});
    const auto lossy = lone_flow(c.bytes, c.drops);
    const double late_us =
        static_cast<double>(lossy->delivered.at(0) - clean->delivered.at(0)) / 1e6;
    std::printf("%lld B, %zu of its first packets lost: %.1f us later (loss-free end %.1f us)\n",
                static_cast<long long>(c.bytes), c.drops.size(), late_us,
                static_cast<double>(clean->delivered.at(0)) / 1e6);
    const FlowStats& f = lossy->model.flow(0);
    EXPECT_EQ(f.retransmits, c.drops.size()) << c.bytes << " B";
    EXPECT_EQ(f.timeouts, 0u) << c.bytes << " B";
    EXPECT_EQ(f.probes, c.probes) << c.bytes << " B";
    EXPECT_LT(late_us, 5 * kBaseRoundTripUs) << c.bytes << " B";
  }
  // Without the probe the first flight's loss is the timer's: min_rto.
  const auto clean = lone_flow(1000, {}, false);
  const auto lossy = lone_flow(1000, {{.flow = 0, .seq = 0}}, false);
  EXPECT_EQ(lossy->model.flow(0).timeouts, 1u);
  EXPECT_GT(static_cast<double>(lossy->delivered.at(0) - clean->delivered.at(0)) / 1e6, 900.0);
}

}  // namespace
}  // namespace fabricsim::net
