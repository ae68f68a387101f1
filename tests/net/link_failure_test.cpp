// Link failures and rate changes in the packet model (PacketModel::set_link): what a dead
// link drops and counts, how dctcp recovers once routing moves off it (or it comes back),
// a dead host uplink, and when a new rate takes effect.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>

#include "support/net_bench.hpp"

namespace fabricsim::net {
namespace {

using core::Bitrate;
using core::Bytes;
using core::Time;

constexpr std::int64_t kSer = 81'920;      // 4096 B at 400 Gb/s, in ps
constexpr std::int64_t kProp = 500'000;    // 500 ns per link
constexpr std::int64_t kSwitch = 100'000;  // 100 ns per switch
constexpr std::int64_t kPayload = 4032;
const Bitrate kRate = Bitrate::gbps(400);

/// The Bench of packet_model_test: 2 leaves x 4 spines x 4 hosts per leaf (hosts 0..3 on
/// leaf 0, 4..7 on leaf 1), every link 400 Gb/s and 500 ns, MTU 4096 B with 64 B headers,
/// 100 ns per switch; transport `kind` (dctcp: 1 MiB per port, ECN at 100 KiB).
class Bench : public NetBench {
 public:
  Bench(const std::string& policy, const std::string& kind, Bytes initial_window = Bytes(0))
      : NetBench({.leaves = 2, .spines = 4, .hosts_per_leaf = 4}, policy,
                 {.transport = {.kind = kind,
                                .mtu = Bytes(4096),
                                .header = Bytes(64),
                                .initial_window = initial_window},
                  .switches = {.latency = Time::ps(kSwitch)},
                  .seed = 7}) {}

  /// The first link (leaf -> spine) of the path the ECMP hash gives the flow started
  /// `index`-th from src to dst (NetBench::start's tuple).
  topo::LinkId hashed_uplink(std::uint32_t src, std::uint32_t dst, std::uint32_t index) {
    std::vector<routing::PathShare> shares;
    router.choose({src, dst, index, 0}, shares);
    EXPECT_EQ(shares.size(), 1u);
    return fabric.path(shares[0].path)[0];
  }

  std::uint64_t total_drops() {
    std::uint64_t sum = 0;
    for (const LinkStats& s : model.links()) sum += s.drops;
    return sum;
  }
};

/// host0 and host1 each send 20 full packets to host2 with the ideal transport (packet_model_
/// test's TwoSendersShareTheReceiversDownlink): host 2's downlink `down` serves all 40 back to
/// back from kFirst.
struct TwoSendersToHost2 : Bench {
  static constexpr std::int64_t kFirst = 681'920;
  TwoSendersToHost2() : Bench("ecmp", "ideal") {
    start(0, 2, 20 * kPayload);
    start(1, 2, 20 * kPayload);
  }
  std::int64_t delivered_bytes() {
    return model.flow(0).delivered_bytes + model.flow(1).delivered_bytes;
  }
  const topo::LinkId down = fabric.host_downlink[2];
};

TEST(LinkFailure, SprayAroundALinkKnownDownFromTheStartNeverCrossesIt) {
  // Leaf 0's uplink to spine 0 is down from t = 0 and routing knows it before any flow
  // starts: every sprayed packet (data and ACK) takes one of the 3 live spines, so the dead
  // link carries nothing and drops nothing; 3 of 4 uplinks carry leaf 0's traffic to leaf 1.
  Bench b("spray", "dctcp");
  const topo::LinkId dead = b.fabric.path(b.fabric.paths_between_hosts(0, 4).first)[0];
  b.model.set_link(dead, false, kRate);
  EXPECT_TRUE(b.believe(dead, false));
  for (std::uint32_t s = 0; s < 8; ++s) {
    for (std::uint32_t d = 0; d < 8; ++d) {
      if (s != d) b.start(s, d, 256 << 10);
    }
  }
  b.run();
  const LinkStats& stats = b.model.links()[dead];
  EXPECT_EQ(stats.tx_bytes, 0);
  EXPECT_EQ(stats.packets, 0u);
  EXPECT_EQ(b.total_drops(), 0u);
  // The other uplinks of leaf 0 carried everything leaf 0 sent to leaf 1.
  const topo::PathRange paths = b.fabric.paths_between_hosts(0, 4);
  int used = 0;
  for (std::uint32_t i = 0; i < paths.count; ++i) {
    if (b.model.links()[b.fabric.path(paths.first + i)[0]].tx_bytes > 0) ++used;
  }
  EXPECT_EQ(used, 3);
  b.expect_conserved();
}

/// host0 -> host4, 4 MB (1,041 packets, ~85 us at line rate), ECMP and dctcp; when `down_at`
/// is set, the flow's leaf -> spine link goes down then, routing learns it `detect` later and
/// the flow is routed again; when `up_at` is set, the link comes back up then.
struct Failure {
  std::optional<Time> down_at;
  Time detect = Time::us(10);
  std::optional<Time> up_at;
  bool routing_learns = true;
};

std::unique_ptr<Bench> ecmp_flow(const Failure& failure, topo::LinkId* link = nullptr,
                                 std::int64_t* tx_at_down = nullptr) {
  auto b = std::make_unique<Bench>("ecmp", "dctcp");
  const topo::LinkId l = b->hashed_uplink(0, 4, 0);
  if (link != nullptr) *link = l;
  const std::uint32_t flow = b->start(0, 4, 4'000'000);
  Bench* bench = b.get();
  if (failure.down_at) {
    bench->at(*failure.down_at, [=] {
      bench->model.set_link(l, false, kRate);
      if (tx_at_down != nullptr) *tx_at_down = bench->model.links()[l].tx_bytes;
    });
    if (failure.routing_learns) {
      bench->at(*failure.down_at + failure.detect, [=] {
        EXPECT_TRUE(bench->believe(l, false));
        bench->model.repath(flow);
      });
    }
  }
  if (failure.up_at) bench->at(*failure.up_at, [=] { bench->model.set_link(l, true, kRate); });
  b->run();
  return b;
}

TEST(LinkFailure, EcmpFlowLosesWhatWasOnItsDeadLinkAndRecoversOnceRerouted) {
  // At 20 us the flow's leaf -> spine link L dies with packets on it (in service and
  // propagating: the flow sends at line rate, so about (81.9 + 600) / 81.9 = 8 of them);
  // for the next 10 us every packet the leaf hands L is dropped too (~122), and so are the
  // ~8 still on the host's uplink when routing learns it and the flow moves to another spine
  // (packets sent keep their path): 139 in all; dctcp finds the holes by time (the ACKs
  // of packets sent after them) and resends them. Every byte arrives once; the flow ends
  // later than without the failure; L carries nothing after it died.
  const auto clean = ecmp_flow({});
  topo::LinkId l = 0;
  std::int64_t tx_at_down = -1;
  const auto failed = ecmp_flow({.down_at = Time::us(20)}, &l, &tx_at_down);
  const LinkStats& stats = failed->model.links()[l];
  const FlowStats& flow = failed->model.flow(0);
  std::printf(
      "drops on L: %llu (%lld B, %lld B lost on the wire); retransmits %u, probes %u, "
      "timeouts %u; end %.3f us (%.3f us without the failure)\n",
      static_cast<unsigned long long>(stats.drops), static_cast<long long>(stats.dropped_bytes),
      static_cast<long long>(stats.lost_bytes), flow.retransmits, flow.probes, flow.timeouts,
      static_cast<double>(failed->delivered.at(0)) / 1e6,
      static_cast<double>(clean->delivered.at(0)) / 1e6);
  EXPECT_GT(stats.drops, 100u);  // 10 us at line rate: ~122 packets, and those on the wires
  EXPECT_EQ(stats.dropped_bytes, static_cast<std::int64_t>(stats.drops) * 4096);
  EXPECT_GT(stats.lost_bytes, 0);                 // some were on the wire at 20 us
  EXPECT_LE(stats.lost_bytes, 9 * 4096);          // at most the ~8 a line-rate flow has there
  EXPECT_EQ(stats.tx_bytes, tx_at_down);          // nothing crossed L once it was down
  EXPECT_EQ(failed->total_drops(), stats.drops);  // L is the only place anything was lost
  EXPECT_GE(flow.retransmits, stats.drops);       // every drop was data, and resent
  EXPECT_GT(failed->delivered.at(0), clean->delivered.at(0));
  EXPECT_EQ(clean->total_drops(), 0u);
  failed->expect_conserved();
  clean->expect_conserved();
}

TEST(LinkFailure, LinkDownThenUpBeforeRoutingNoticesStillDeliversEverything) {
  // L dies at 20 us and is back 5 us later; routing never hears of it, the flow keeps its
  // path. What L dropped (~61 packets for 5 us, plus those on the wire) is resent over L
  // once it works again, and L carries packets after it came back.
  topo::LinkId l = 0;
  std::int64_t tx_at_down = -1;
  const auto b = ecmp_flow(
      {.down_at = Time::us(20), .up_at = Time::us(25), .routing_learns = false}, &l, &tx_at_down);
  const LinkStats& stats = b->model.links()[l];
  std::printf(
      "drops on L: %llu (%lld B lost on the wire); retransmits %u, probes %u, "
      "timeouts %u; end %.3f us\n",
      static_cast<unsigned long long>(stats.drops), static_cast<long long>(stats.lost_bytes),
      b->model.flow(0).retransmits, b->model.flow(0).probes, b->model.flow(0).timeouts,
      static_cast<double>(b->delivered.at(0)) / 1e6);
  EXPECT_GT(stats.drops, 50u);
  EXPECT_GT(stats.lost_bytes, 0);
  EXPECT_GT(stats.tx_bytes, tx_at_down);
  EXPECT_GE(b->model.flow(0).retransmits, stats.drops);
  EXPECT_EQ(b->total_drops(), stats.drops);
  b->expect_conserved();
}

TEST(LinkFailure, DownDropsEverythingOnTheLinkAndItsOrphanedArrivalDeliversNothing) {
  // host0 and host1 each send 20 full packets to host2, ideal (TwoSendersShareTheReceivers-
  // Downlink of packet_model_test): packet k of both reaches the leaf's downlink port at
  // A_k = 681,920 + k x 81,920, and the j-th one the port serves starts at 681,920 +
  // j x 81,920 and reaches host 2 at 681,920 + (j + 1) x 81,920 + 500,000. The downlink
  // dies at T = 681,920 + 10.5 x 81,920 = 1,542,080 and is back 1 ps later. By T the port
  // has been handed j = 0..21 (k <= 10); j = 0..3 have reached host 2; j = 4..10 have
  // started (in tx: lost on the wire, 7 packets) and j = 11..21 wait (11): 18 drops.
  // The ring's pending arrival (j = 4, due 1,591,520) is orphaned. The pairs k = 11..19
  // (18 packets) arrive from 1,583,040 on, at a port whose serializer is free: the first
  // starts at once and heads the ring (due 2,164,960) when the orphaned event fires at
  // 1,591,520, which must deliver nothing; the 18 go out back to back, the last reaching
  // host 2 at 1,583,040 + 18 x 81,920 + 500,000 = 3,557,600. With `ideal` nothing is
  // resent: both flows stay incomplete, 18 packets short.
  TwoSendersToHost2 b;
  const topo::LinkId down = b.down;
  constexpr std::int64_t kDown = TwoSendersToHost2::kFirst + 10 * kSer + kSer / 2;
  EXPECT_EQ(kDown, 1'542'080);
  b.at(Time::ps(kDown), [&] { b.model.set_link(down, false, kRate); });
  b.at(Time::ps(kDown + 1), [&] { b.model.set_link(down, true, kRate); });
  const auto delivered = [&] { return b.delivered_bytes(); };
  std::int64_t after_orphan = -1;
  b.at(Time::ps(1'600'000), [&] { after_orphan = delivered(); });
  b.run();
  EXPECT_EQ(after_orphan, 4 * kPayload);  // j = 0..3 only: the orphaned event delivered nothing
  EXPECT_EQ(b.queue.now().ps(), 1'583'040 + 18 * kSer + kProp);
  EXPECT_EQ(b.queue.now().ps(), 3'557'600);
  EXPECT_EQ(delivered(), 22 * kPayload);
  const LinkStats& stats = b.model.links()[down];
  EXPECT_EQ(stats.drops, 18u);
  EXPECT_EQ(stats.dropped_bytes, 18 * 4096);
  EXPECT_EQ(stats.lost_bytes, 7 * 4096);
  EXPECT_EQ(stats.tx_bytes, (11 + 18) * 4096);
  EXPECT_EQ(stats.rx_bytes, 22 * 4096);
  EXPECT_EQ(stats.tx_bytes, stats.rx_bytes + stats.lost_bytes);
  // Busy: j = 0..9 and half of j = 10 (its other half was never sent), then the 18.
  EXPECT_EQ(stats.busy_ps, 10 * kSer + kSer / 2 + 18 * kSer);
  EXPECT_EQ(stats.queue_bytes, 0);
  EXPECT_EQ(b.model.active_flows(), 2u);
  EXPECT_EQ(b.model.flow(0).end.ps(), -1);
}

TEST(LinkFailure, DeadHostUplinkStopsTheNicWithoutSpinningAndDropsItsAcks) {
  // Host 0 sends to host 4 and receives from host 5 (2 MB each, dctcp, ECMP). Its uplink
  // dies at 20 us, for 200 us: its NIC stops (its packet in service and the ACKs waiting
  // are dropped and counted at the uplink, the ACKs host 0 owes host 5 from then on too),
  // and a flow host 0 starts at 100 us waits too. Nothing crosses the uplink while it is
  // down. The flows stall on their timers (probes, then the 1 ms retransmission timer)
  // without a busy loop: once what was in flight has landed, the only events are the
  // senders' timers and host 5's probes. Up again at 220 us, everything is delivered.
  Bench b("ecmp", "dctcp");
  const topo::LinkId uplink = b.fabric.host_uplink[0];
  b.start(0, 4, 2'000'000);
  b.start(5, 0, 2'000'000);
  std::uint64_t events_at[2] = {0, 0};
  std::int64_t tx_at[2] = {-1, -1};
  b.at(Time::us(20), [&] {
    b.model.set_link(uplink, false, kRate);
    tx_at[0] = b.model.links()[uplink].tx_bytes;
  });
  b.at(Time::us(40), [&] { events_at[0] = b.queue.dispatched(); });
  b.at(Time::us(100), [&] { b.start(0, 6, 100'000); });
  b.at(Time::us(220), [&] {
    events_at[1] = b.queue.dispatched();
    tx_at[1] = b.model.links()[uplink].tx_bytes;
    b.model.set_link(uplink, true, kRate);
  });
  b.run();
  std::printf(
      "events from 40 to 220 us with the uplink down: %llu; uplink drops %llu; ends "
      "%.1f, %.1f, %.1f us; timeouts %u, %u, %u\n",
      static_cast<unsigned long long>(events_at[1] - events_at[0]),
      static_cast<unsigned long long>(b.model.links()[uplink].drops),
      static_cast<double>(b.delivered.at(0)) / 1e6, static_cast<double>(b.delivered.at(1)) / 1e6,
      static_cast<double>(b.delivered.at(2)) / 1e6, b.model.flow(0).timeouts,
      b.model.flow(1).timeouts, b.model.flow(2).timeouts);
  EXPECT_EQ(tx_at[1], tx_at[0]);  // the NIC sent nothing while its uplink was down
  // 180 us down, after the wire has emptied: tens of events (32 seen), not one per
  // picosecond or per packet time (2,197 packet times).
  EXPECT_LT(events_at[1] - events_at[0], 200u);
  const LinkStats& up = b.model.links()[uplink];
  EXPECT_GT(up.drops, 1u);                    // the data packet in service, and ACKs
  EXPECT_GT(b.delivered.at(0), 220'000'000);  // host 0's flow had to wait for its uplink
  EXPECT_GT(b.delivered.at(1), 220'000'000);  // so did host 5's: its ACKs were lost
  EXPECT_GT(b.delivered.at(2), 220'000'000);  // and the flow started while it was down
  b.expect_conserved();
}

TEST(LinkFailure, HalvingAHostUplinkDoublesTheSerializationBoundFct) {
  // One flow of 1,000 full packets host0 -> host4, ideal transport, so the uplink paces it
  // (4 links: uplink, leaf -> spine, spine -> leaf, downlink). At 400 Gb/s it ends at
  // 1,000 x 81,920 + 3 x (81,920 + 100,000) + 4 x 500,000 ps (packet_model_test). With the
  // uplink at 200 Gb/s from t = 0 the bytes on the wire take twice as long to leave the
  // host, and the 400 Gb/s hops after it each add one full-rate serialization as before:
  // 1,000 x 4,096 B / 200 Gb/s + 3 x (81,920 + 100,000) + 4 x 500,000 ps.
  constexpr std::int64_t kPackets = 1000;
  constexpr std::int64_t kLatencies = 3 * (kSer + kSwitch) + 4 * kProp;
  Bench full("ecmp", "ideal");
  full.start(0, 4, kPackets * kPayload);
  full.run();
  Bench half("ecmp", "ideal");
  half.model.set_link(half.fabric.host_uplink[0], true, Bitrate::gbps(200));
  half.start(0, 4, kPackets * kPayload);
  half.run();
  EXPECT_EQ(full.delivered.at(0), kPackets * kSer + kLatencies);
  EXPECT_EQ(half.delivered.at(0),
            core::serialization_time(Bytes(kPackets * 4096), Bitrate::gbps(200)).ps() + kLatencies);
  // Twice the serialization-bound part, within one packet time.
  EXPECT_NEAR(static_cast<double>(half.delivered.at(0) - kLatencies),
              2.0 * static_cast<double>(full.delivered.at(0) - kLatencies), kSer);
  EXPECT_EQ(half.model.links()[half.fabric.host_uplink[0]].busy_ps, kPackets * 2 * kSer);
  full.expect_conserved();
  half.expect_conserved();
}

TEST(LinkFailure, RateChangeLetsThePacketInServiceFinishAtItsRate) {
  // host0 -> host1 (one switch), 100 full packets, ideal. At 10.5 packet times the uplink
  // falls to 200 Gb/s: packet 10, in service, keeps 400 Gb/s and leaves at 11 x 81,920;
  // packets 11..99 take 163,840 each. The leaf's downlink runs at 400 Gb/s, so the last
  // packet is delivered 81,920 + 100,000 + 2 x 500,000 after it left the host.
  constexpr std::int64_t kPackets = 100;
  Bench b("ecmp", "ideal");
  const topo::LinkId uplink = b.fabric.host_uplink[0];
  b.start(0, 1, kPackets * kPayload);
  b.at(Time::ps(10 * kSer + kSer / 2), [&] { b.model.set_link(uplink, true, Bitrate::gbps(200)); });
  b.run();
  EXPECT_EQ(b.delivered.at(0), 11 * kSer + (kPackets - 11) * 2 * kSer + kSer + kSwitch + 2 * kProp);
  EXPECT_EQ(b.model.links()[uplink].busy_ps, 11 * kSer + (kPackets - 11) * 2 * kSer);
  b.expect_conserved();
}

TEST(LinkFailure, RateChangeRetimesThePacketsWaitingAtASwitchPort) {
  // host0 and host1 each send 20 full packets to host2 (packet_model_test's
  // TwoSendersShareTheReceiversDownlink): the downlink is busy without a gap from 681,920
  // for 40 packets. Halved at 681,920 + 10.5 x 81,920, mid packet 10: packets 0..10 take
  // 81,920 each, the 29 after them (waiting, or still to come) 163,840. The downlink never
  // idles (two packets arrive per 81,920 until 2,238,400), so the last is delivered at
  // 681,920 + 11 x 81,920 + 29 x 163,840 + 500,000.
  TwoSendersToHost2 b;
  const topo::LinkId down = b.down;
  constexpr std::int64_t kFirst = TwoSendersToHost2::kFirst;
  b.at(Time::ps(kFirst + 10 * kSer + kSer / 2),
       [&] { b.model.set_link(down, true, Bitrate::gbps(200)); });
  // The j-th packet served reaches host 2 at 681,920 + 11 x 81,920 + (j - 10) x 163,840 +
  // 500,000 for j >= 11 (j = 11..21 were waiting when the rate fell): 1 ps after j = 20's
  // arrival, 21 packets have arrived.
  std::int64_t by_then = -1;
  b.at(Time::ps(kFirst + 11 * kSer + 10 * 2 * kSer + kProp + 1),
       [&] { by_then = b.delivered_bytes(); });
  b.run();
  EXPECT_EQ(by_then, 21 * kPayload);
  const std::int64_t last = std::max(b.delivered.at(0), b.delivered.at(1));
  EXPECT_EQ(last, kFirst + 11 * kSer + 29 * 2 * kSer + kProp);
  const LinkStats& stats = b.model.links()[down];
  EXPECT_EQ(stats.busy_ps, 11 * kSer + 29 * 2 * kSer);
  EXPECT_EQ(stats.tx_bytes, 40 * 4096);
  b.expect_conserved();
}

TEST(LinkFailure, RateChangeOnAnUplinkWithAcksWaitingRetimesTheNic) {
  // Host 0 sends 2 MB to host 4 and acknowledges host 5's 8 MB flow, dctcp: its uplink
  // carries data with ACKs waiting among it. Host 0's window (4 MB) never limits it, so
  // its NIC always has a packet to send: the uplink is never idle while the flow has data
  // left (busy_ps, which counts a packet when it starts, stays >= now), and the NIC commits
  // one data packet at a time (the backlog never holds two: under 2 x 4,096 B). The uplink
  // falls to 100 Gb/s at 30 us and comes back to 400 Gb/s just after 60 us, at a moment a
  // data packet waits behind ACKs: the packets waiting and the NIC's wake-up (due when that
  // data packet ends) are re-timed each time; a wake-up left at the old end would leave
  // the uplink idle for up to 3/4 of a 100 Gb/s packet time. Sampled every 50 ns; at the
  // slower rate the flow ends later.
  const auto run = [](bool slow) {
    auto b = std::make_unique<Bench>("ecmp", "dctcp", Bytes(4 << 20));
    const topo::LinkId uplink = b->fabric.host_uplink[0];
    b->start(0, 4, 2'000'000);
    b->start(5, 0, 8'000'000);
    Bench* bench = b.get();
    auto restored = std::make_shared<std::int64_t>(-1);
    if (slow) {
      bench->at(Time::us(30), [=] { bench->model.set_link(uplink, true, Bitrate::gbps(100)); });
      // Back to 400 Gb/s at the first ps (polled every ns from 60 us) a data packet waits
      // behind ACKs: the NIC's wake-up is then due at that packet's end, which moves.
      for (std::int64_t t = 60'000'000; t < 61'000'000; t += 1'000) {
        bench->at(Time::ps(t), [=] {
          if (*restored >= 0 || bench->model.links()[uplink].queue_bytes < 4096) return;
          bench->model.set_link(uplink, true, kRate);
          *restored = t;
        });
      }
    }
    auto idle = std::make_shared<int>(0);
    auto doubled = std::make_shared<int>(0);
    for (std::int64_t t = 50'000; t < 300'000'000; t += 50'000) {
      bench->at(Time::ps(t), [=] {
        if (bench->model.flow(0).sent_bytes == bench->model.flow(0).bytes) return;
        const LinkStats& s = bench->model.links()[uplink];
        if (s.busy_ps < t) ++*idle;
        if (s.queue_bytes >= 2 * 4096) ++*doubled;
      });
    }
    b->run();
    if (slow) {
      EXPECT_GE(*restored, 0);  // a data packet was waiting when the rate rose
    }
    EXPECT_EQ(*idle, 0) << (slow ? "slow" : "fast");
    EXPECT_EQ(*doubled, 0) << (slow ? "slow" : "fast");
    EXPECT_EQ(b->total_drops(), 0u);
    b->expect_conserved();
    return b;
  };
  const auto fast = run(false);
  const auto slow = run(true);
  EXPECT_GT(slow->delivered.at(0), fast->delivered.at(0));
}

TEST(LinkFailure, HostUplinkBackUpWithinAPacketTimeServesAtOnce) {
  // host0 -> host1 (one switch), 100 full packets, ideal. The uplink dies at T = 10.5
  // packet times (860,160 ps), with packet 10 in service and the NIC's next wake-up due at
  // 11 packet times, and is back 1 ps later. Lost: the packets not yet at the leaf (their
  // end + 600,000 > T: packets 3..10, all started). The NIC serves packet 11 at once at
  // T + 1, not at the orphaned wake-up, and one packet at a time as before (no backlog at
  // the uplink): 89 packets back to back, the last reaching host 1 at T + 1 + 89 x 81,920
  // + 600,000 + 81,920 + 500,000 = 9,332,961 ps. With `ideal` the 8 are never resent.
  constexpr std::int64_t kDown = 10 * kSer + kSer / 2;
  Bench b("ecmp", "ideal");
  const topo::LinkId uplink = b.fabric.host_uplink[0];
  b.start(0, 1, 100 * kPayload);
  b.at(Time::ps(kDown), [&] { b.model.set_link(uplink, false, kRate); });
  b.at(Time::ps(kDown + 1), [&] { b.model.set_link(uplink, true, kRate); });
  b.run();
  EXPECT_EQ(b.queue.now().ps(), kDown + 1 + 89 * kSer + kProp + kSwitch + kSer + kProp);
  EXPECT_EQ(b.queue.now().ps(), 9'332'961);
  const LinkStats& s = b.model.links()[uplink];
  EXPECT_EQ(s.drops, 8u);
  EXPECT_EQ(s.lost_bytes, 8 * 4096);
  EXPECT_EQ(s.tx_bytes, 100 * 4096);
  EXPECT_EQ(s.rx_bytes, 92 * 4096);
  EXPECT_EQ(s.busy_ps, kDown + 89 * kSer);
  EXPECT_EQ(s.max_queue_bytes, 0);
  EXPECT_EQ(b.model.flow(0).delivered_packets, 92u);
}

TEST(LinkFailure, SetLinkRefusesAZeroRateAndAnUnknownLink) {
  Bench b("ecmp", "ideal");
  EXPECT_THROW(b.model.set_link(0, true, Bitrate(0)), std::invalid_argument);
  EXPECT_THROW(b.model.set_link(static_cast<topo::LinkId>(b.fabric.links.size()), true, kRate),
               std::out_of_range);
}

}  // namespace
}  // namespace fabricsim::net
