// The dctcp transport on the packet model: incast at the marking threshold, loss recovery,
// reordering under spraying, shared buffers, and a lone flow at line rate.
#include <gtest/gtest.h>

#include <numeric>

#include "support/net_bench.hpp"

namespace fabricsim::net {
namespace {

using core::Bytes;
using core::Time;

/// `hosts` hosts on one leaf (and one spine, unused), every link 100 Gb/s and 1 us.
topo::LeafSpineSpec one_leaf(std::uint32_t hosts) {
  return {.leaves = 1,
          .spines = 1,
          .hosts_per_leaf = hosts,
          .host_link = {core::Bitrate::gbps(100), Time::us(1)},
          .fabric_link = {core::Bitrate::gbps(100), Time::us(1)}};
}

PacketParams dctcp(SwitchParams switches, Bytes initial_window = Bytes(16 << 10)) {
  return {.transport = {.kind = "dctcp", .initial_window = initial_window},
          .switches = switches,
          .seed = 3};
}

/// Samples one link's backlog every `period` until every flow has been delivered.
class QueueProbe : public core::Handler {
 public:
  QueueProbe(NetBench& bench, topo::LinkId link, Time period)
      : bench_(bench), link_(link), period_(period) {
    bench_.queue.schedule(period_, *this);
  }
  void on_event(std::uint32_t, Time now) override {
    samples.push_back(bench_.model.links()[link_].queue_bytes);
    if (bench_.delivered.size() < bench_.started()) bench_.queue.schedule(now + period_, *this);
  }
  std::vector<std::int64_t> samples;

 private:
  NetBench& bench_;
  topo::LinkId link_;
  Time period_;
};

std::uint64_t total(NetBench& b, std::uint64_t LinkStats::*field) {
  std::uint64_t sum = 0;
  for (const LinkStats& s : b.model.links()) sum += s.*field;
  return sum;
}

TEST(Dctcp, IncastHoldsTheQueueAtTheMarkingThresholdWithoutDrops) {
  // 31 hosts send 2 MB each to host 31 through its leaf's downlink, K = kmin = kmax = 100 KiB,
  // 1 MiB of buffer per port. DCTCP keeps the downlink busy while its queue oscillates around
  // K: no drops, utilisation >= 95 %, and the queue's mean after the start-up within K +- 50 %.
  constexpr std::int64_t kK = 100 << 10;
  NetBench b(
      one_leaf(32), "ecmp",
      dctcp({.buffer_per_port = Bytes(1 << 20), .ecn = EcnParams{Bytes(kK), Bytes(kK), 1.0}}));
  for (std::uint32_t s = 0; s < 31; ++s) b.start(s, 31, 2'000'000);
  const topo::LinkId down = b.fabric.host_downlink[31];
  QueueProbe probe(b, down, Time::us(1));
  b.run();
  b.expect_conserved();
  EXPECT_EQ(total(b, &LinkStats::drops), 0u);
  EXPECT_GT(b.model.links()[down].ecn_marks, 0u);
  for (std::uint32_t f = 0; f < 31; ++f) EXPECT_EQ(b.model.flow(f).retransmits, 0u) << f;
  const std::int64_t end =
      std::max_element(b.delivered.begin(), b.delivered.end(), [](auto& a, auto& c) {
        return a.second < c.second;
      })->second;
  const double utilisation =
      static_cast<double>(b.model.links()[down].busy_ps) / static_cast<double>(end);
  EXPECT_GE(utilisation, 0.95);
  const std::size_t skip = probe.samples.size() / 10;  // start-up: the first 10 %
  const double mean = std::accumulate(probe.samples.begin() + static_cast<std::ptrdiff_t>(skip),
                                      probe.samples.end(), 0.0) /
                      static_cast<double>(probe.samples.size() - skip);
  EXPECT_NEAR(mean, static_cast<double>(kK), 0.5 * kK);
  std::printf(
      "incast: utilisation %.4f, mean queue %.0f B (K %lld B), max queue %lld B, marks %llu\n",
      utilisation, mean, static_cast<long long>(kK),
      static_cast<long long>(b.model.links()[down].max_queue_bytes),
      static_cast<unsigned long long>(b.model.links()[down].ecn_marks));
}

/// 2 leaves x 4 spines x 8 hosts per leaf, every link 100 Gb/s and 1 us: 8 hosts share 4
/// uplinks (2:1), so uplink queues differ and sprayed packets overtake each other.
topo::LeafSpineSpec two_leaves() {
  return {.leaves = 2,
          .spines = 4,
          .hosts_per_leaf = 8,
          .host_link = {core::Bitrate::gbps(100), Time::us(1)},
          .fabric_link = {core::Bitrate::gbps(100), Time::us(1)}};
}

/// Host i of leaf 0 sends 2 MB to host i of leaf 1.
void cross_permutation(NetBench& b) {
  for (std::uint32_t i = 0; i < 8; ++i) b.start(i, 8 + i, 2'000'000);
}

TEST(Dctcp, SprayingReordersPacketsWithoutSpuriousRetransmissions) {
  NetBench b(two_leaves(), "spray", dctcp({}));
  cross_permutation(b);
  b.run();
  b.expect_conserved();
  EXPECT_EQ(total(b, &LinkStats::drops), 0u);
  std::uint64_t reordered = 0;
  std::uint32_t distance = 0;
  for (std::uint32_t f = 0; f < b.started(); ++f) {
    EXPECT_EQ(b.model.flow(f).retransmits, 0u) << "flow " << f;
    EXPECT_EQ(b.model.flow(f).sent_packets, b.model.flow(f).packets) << "flow " << f;
    reordered += b.model.flow(f).out_of_order;
    distance = std::max(distance, b.model.flow(f).max_reorder);
  }
  EXPECT_GT(reordered, 100u);
  EXPECT_GT(distance, 1u);
  // The default threshold (128 packets) covers the reordering spraying causes here.
  EXPECT_LE(distance, TransportParams{}.reorder_threshold);
  std::printf("spray: %llu reordered packets, max distance %u\n",
              static_cast<unsigned long long>(reordered), distance);
}

TEST(Dctcp, AThresholdBelowTheReorderingMistakesItForLoss) {
  // The same run with reorder_threshold 3: late packets are taken for lost and resent although
  // nothing was dropped. This is what the threshold exists to prevent.
  PacketParams params = dctcp({});
  params.transport.reorder_threshold = 3;
  NetBench b(two_leaves(), "spray", params);
  cross_permutation(b);
  b.run();
  b.expect_conserved();
  EXPECT_EQ(total(b, &LinkStats::drops), 0u);
  std::uint64_t retransmits = 0;
  for (std::uint32_t f = 0; f < b.started(); ++f) retransmits += b.model.flow(f).retransmits;
  EXPECT_GT(retransmits, 0u);
}

TEST(Dctcp, EcmpKeepsEveryFlowInOrder) {
  NetBench b(two_leaves(), "ecmp", dctcp({}));
  cross_permutation(b);
  b.run();
  b.expect_conserved();
  for (std::uint32_t f = 0; f < b.started(); ++f) EXPECT_EQ(b.model.flow(f).out_of_order, 0u) << f;
}

TEST(Dctcp, RecoversFromDropsAtASmallBuffer) {
  // No ECN and 32 KiB per port: the incast overflows the downlink, packets are dropped, and
  // every flow still delivers every byte exactly once through retransmissions (the tails
  // through probes).
  NetBench b(one_leaf(16), "ecmp",
             dctcp({.buffer_per_port = Bytes(32 << 10), .ecn = std::nullopt}));
  for (std::uint32_t s = 0; s < 15; ++s) b.start(s, 15, 500'000);
  b.run();
  b.expect_conserved();
  const std::uint64_t drops = b.model.links()[b.fabric.host_downlink[15]].drops;
  EXPECT_GT(drops, 0u);
  EXPECT_LE(b.model.links()[b.fabric.host_downlink[15]].max_queue_bytes, 32 << 10);
  std::uint64_t retransmits = 0;
  for (std::uint32_t f = 0; f < b.started(); ++f) retransmits += b.model.flow(f).retransmits;
  // Every drop of a data packet is resent at least once (ACKs are never dropped here: the
  // reverse direction carries nothing else).
  EXPECT_GE(retransmits, drops);
  std::printf("small buffer: %llu drops, %llu retransmits\n",
              static_cast<unsigned long long>(drops), static_cast<unsigned long long>(retransmits));
}

TEST(Dctcp, SharedBufferCapsOnePortAtHalfTheBufferWithAlphaOne) {
  // Dynamic threshold with alpha = 1: a packet of b bytes joins a queue of q only if
  // q + b <= (B - q), so one congested port holds at most (B + b) / 2 of a 256 KiB buffer.
  constexpr std::int64_t kShared = 256 << 10;
  NetBench b(one_leaf(16), "ecmp",
             dctcp({.buffer_per_port = std::nullopt,
                    .shared_buffer = SharedBufferParams{Bytes(kShared), 1.0},
                    .ecn = std::nullopt}));
  for (std::uint32_t s = 0; s < 15; ++s) b.start(s, 15, 500'000);
  b.run();
  b.expect_conserved();
  const LinkStats& down = b.model.links()[b.fabric.host_downlink[15]];
  EXPECT_GT(down.drops, 0u);
  EXPECT_LE(down.max_queue_bytes, (kShared + 4096) / 2);
  EXPECT_GT(down.max_queue_bytes, kShared / 2 - 2 * 4096);
}

TEST(Dctcp, LoneFlowWithABdpWindowEndsWhenTheIdealTransportDoes) {
  // With the default initial window (one bandwidth-delay product) a lone flow is never held
  // back by its window: ACKs return on the otherwise idle reverse path just in time, so it
  // ends at the same picosecond as with no congestion control at all.
  NetBench ideal(two_leaves(), "ecmp", {.seed = 3});
  NetBench windowed(two_leaves(), "ecmp", dctcp({}, Bytes(0)));
  ideal.start(0, 8, 5'000'000);
  windowed.start(0, 8, 5'000'000);
  ideal.run();
  windowed.run();
  windowed.expect_conserved();
  EXPECT_EQ(windowed.delivered.at(0), ideal.delivered.at(0));
  EXPECT_EQ(windowed.model.flow(0).retransmits, 0u);
}

TEST(Ecn, MarkingProbabilityRisesLinearlyFromKminToPmaxAtKmax) {
  const EcnParams ramp{Bytes(100), Bytes(300), 0.5};
  EXPECT_EQ(ecn_mark_probability(ramp, 0), 0.0);
  EXPECT_EQ(ecn_mark_probability(ramp, 100), 0.0);
  EXPECT_DOUBLE_EQ(ecn_mark_probability(ramp, 200), 0.25);
  EXPECT_DOUBLE_EQ(ecn_mark_probability(ramp, 300), 0.5);
  EXPECT_EQ(ecn_mark_probability(ramp, 301), 1.0);
  // kmin = kmax = K: DCTCP's step, marking only above K.
  const EcnParams step{Bytes(1000), Bytes(1000), 1.0};
  EXPECT_EQ(ecn_mark_probability(step, 1000), 0.0);
  EXPECT_EQ(ecn_mark_probability(step, 1001), 1.0);
}

}  // namespace
}  // namespace fabricsim::net
