#include "support/net_bench.hpp"

namespace fabricsim::net {
namespace {

using core::Bytes;
using core::Time;

constexpr std::int64_t kSer = 81'920;      // 4096 B at 400 Gb/s, in ps
constexpr std::int64_t kProp = 500'000;    // 500 ns per link
constexpr std::int64_t kSwitch = 100'000;  // 100 ns per switch

/// 2 leaves x 4 spines x 4 hosts per leaf (hosts 0..3 on leaf 0, 4..7 on leaf 1), every link
/// 400 Gb/s and 500 ns; MTU 4096 B with 64 B of headers (4032 B of payload); 100 ns per
/// switch; transport ideal.
class Bench : public NetBench {
 public:
  explicit Bench(const std::string& policy)
      : NetBench({.leaves = 2, .spines = 4, .hosts_per_leaf = 4}, policy,
                 {.transport = {.mtu = Bytes(4096), .header = Bytes(64)},
                  .switches = {.latency = Time::ps(kSwitch)},
                  .seed = 7}) {}
};

TEST(PacketModel, SingleFlowAcrossLeavesEndsAtStoreAndForwardTime) {
  // 10 full packets (10 x 4032 B payload) host0 -> host4: uplink, leaf->spine, spine->leaf,
  // downlink. The last packet leaves the host after 10 serializations (10 x 81,920 ps); each of
  // the 3 further hops adds its serialization (81,920) and the switch before it (100,000);
  // 4 propagations of 500,000: 819,200 + 245,760 + 300,000 + 2,000,000 = 3,364,960 ps.
  Bench b("ecmp");
  b.start(0, 4, 10 * 4032);
  b.run();
  EXPECT_EQ(b.delivered.at(0), 10 * kSer + 3 * (kSer + kSwitch) + 4 * kProp);
  EXPECT_EQ(b.delivered.at(0), 3'364'960);
  // Exactly the 4 links of the route carried the 10 packets, 40,960 B each.
  int used = 0;
  for (const LinkStats& s : b.model.links()) {
    if (s.tx_bytes == 0) continue;
    ++used;
    EXPECT_EQ(s.tx_bytes, 10 * 4096);
    EXPECT_EQ(s.busy_ps, 10 * kSer);
    // Line rate everywhere: each packet reaches a port the picosecond the one ahead ends, and
    // starts at once, so nothing ever waits.
    EXPECT_EQ(s.max_queue_bytes, 0);
  }
  EXPECT_EQ(used, 4);
  b.expect_conserved();
}

TEST(PacketModel, LastPartialPacketWaitsBehindTheFullOneAtEveryHop) {
  // 10 full packets + 1000 B: the last packet is 1064 B on the wire, 8512 bits / 400 Gb/s =
  // 21,280 ps. It leaves the host at 10 x 81,920 + 21,280 = 840,480. At each further hop it
  // arrives while the full packet before it (which arrived 21,280 ps earlier) is still being
  // serialized, so it waits for it: departure_h(n) = departure_h(n-1) + 21,280 =
  // departure_{h-1}(n) + 81,920 + 100,000 (+ propagation). Each further hop therefore adds a
  // FULL packet's serialization: 840,480 + 3 x 181,920 + 4 x 500,000 = 3,386,240 ps.
  Bench b("ecmp");
  b.start(0, 4, 10 * 4032 + 1000);
  b.run();
  constexpr std::int64_t kLast = 21'280;
  EXPECT_EQ(core::serialization_time(Bytes(1064), core::Bitrate::gbps(400)).ps(), kLast);
  EXPECT_EQ(b.delivered.at(0), 10 * kSer + kLast + 3 * (kSer + kSwitch) + 4 * kProp);
  EXPECT_EQ(b.delivered.at(0), 3'386'240);
  EXPECT_EQ(b.model.flow(0).packets, 11u);
  b.expect_conserved();
}

TEST(PacketModel, SinglePartialPacketIsStoredAndForwardedAtEveryHop) {
  // One 1064 B packet: 4 serializations of 21,280 + 3 switches + 4 propagations
  // = 85,120 + 300,000 + 2,000,000 = 2,385,120 ps.
  Bench b("ecmp");
  b.start(0, 4, 1000);
  b.run();
  EXPECT_EQ(b.delivered.at(0), 2'385'120);
  b.expect_conserved();
}

TEST(PacketModel, IntraLeafFlowCrossesOneSwitch) {
  // host0 -> host1 on leaf 0: uplink + downlink, one switch. Full packets: 10 x 81,920 +
  // (81,920 + 100,000) + 2 x 500,000 = 2,001,120 ps. With 1000 B more: the 1064 B packet
  // leaves the host at 840,480 and waits for the full one at the leaf: + 181,920 + 1,000,000
  // = 2,022,400 ps.
  Bench full("ecmp");
  full.start(0, 1, 10 * 4032);
  full.run();
  EXPECT_EQ(full.delivered.at(0), 2'001'120);
  full.expect_conserved();
  Bench partial("ecmp");
  partial.start(0, 1, 10 * 4032 + 1000);
  partial.run();
  EXPECT_EQ(partial.delivered.at(0), 2'022'400);
  partial.expect_conserved();
}

TEST(PacketModel, TwoSendersShareTheReceiversDownlink) {
  // host0 and host1 each send 20 full packets to host2 (all on leaf 0) from t = 0. Packet k of
  // both arrives at the leaf at (k+1) x 81,920 + 600,000: two packets per serialization time
  // into a downlink that drains one, so from the first arrival (681,920) the downlink is busy
  // without a gap for 40 packets: the last is delivered at 681,920 + 40 x 81,920 + 500,000 =
  // 4,458,720 ps = (total wire bytes 163,840 B) / 400 Gb/s + 81,920 + 2 x 500,000 + 100,000.
  // Equal-time arrivals are served in a fixed order, so the other flow ends one packet earlier.
  Bench b("ecmp");
  b.start(0, 2, 20 * 4032);
  b.start(1, 2, 20 * 4032);
  b.run();
  const std::int64_t last = std::max(b.delivered.at(0), b.delivered.at(1));
  const std::int64_t first = std::min(b.delivered.at(0), b.delivered.at(1));
  EXPECT_EQ(last, 40 * kSer + kSer + kSwitch + 2 * kProp);
  EXPECT_EQ(last, 4'458'720);
  EXPECT_EQ(first, last - kSer);
  const LinkStats& down = b.model.links()[b.fabric.host_downlink[2]];
  EXPECT_EQ(down.tx_bytes, 2 * 20 * 4096);
  EXPECT_EQ(down.busy_ps, 40 * kSer);
  // The backlog grows by one packet per 81,920 ps while both send. The last pair arrives at
  // the ps the downlink ends its 19th packet: 40 arrived - 19 sent - 1 in service = 20 wait
  // for that instant (the arrivals run before the end of transmission), then 19.
  EXPECT_EQ(down.max_queue_bytes, 20 * 4096);
  b.expect_conserved();
}

TEST(PacketModel, AllToAllOfUnevenFlowsConservesBytes) {
  // 8 hosts, every ordered pair, sizes 1 B .. ~100 KB (including 0-byte flows), sprayed.
  Bench b("spray");
  std::uint32_t n = 0;
  for (std::uint32_t s = 0; s < 8; ++s) {
    for (std::uint32_t d = 0; d < 8; ++d) {
      if (s != d) b.start(s, d, (n++ * 7919) % 100'000);
    }
  }
  b.run();
  EXPECT_EQ(b.delivered.size(), 56u);
  b.expect_conserved();
}

TEST(PacketModel, PendingEventsStayBoundedByPortsNotPackets) {
  // 6 hosts send 2 MB each into host 0 (an incast that queues thousands of packets at its
  // downlink) while host 7 sends 2 MB across the fabric. At most one event per link (its head's
  // arrival) and one per host uplink (the NIC's next packet); switch ports have none:
  // pending <= links + hosts whatever the backlog.
  Bench b("spray");
  for (std::uint32_t s = 1; s < 7; ++s) b.start(s, 0, 2'000'000);
  b.start(7, 3, 2'000'000);
  const std::size_t most = b.run();
  const std::size_t links = b.fabric.links.size();  // 32
  EXPECT_LE(most, links + b.fabric.host_count());
  // The bound means something: far more packets were alive at once than events pending.
  // 6 senders x 497 packets arrive 6 per serialization time and drain 1: the backlog peaks
  // near 2,982 x 5/6 = 2,485 packets (2,447 measured); thousands of packets, 24 events.
  EXPECT_GT(b.model.links()[b.fabric.host_downlink[0]].max_queue_bytes, 2000 * 4096);
  EXPECT_GT(b.model.pool_capacity(), 20 * most);
  b.expect_conserved();
}

TEST(PacketModel, SprayingSpreadsPacketsEvenlyOverTheUplinks) {
  // 4000 full packets host0 -> host4 drawn uniformly over 4 spines: each of leaf 0's uplinks
  // expects 1000; a binomial sd of sqrt(4000 x 1/4 x 3/4) = 27 makes +-100 a 3.6-sigma bound.
  Bench b("spray");
  b.start(0, 4, 4000 * 4032);
  b.run();
  const topo::PathRange paths = b.fabric.paths_between_hosts(0, 4);
  ASSERT_EQ(paths.count, 4u);
  std::uint64_t total = 0;
  for (std::uint32_t i = 0; i < paths.count; ++i) {
    const std::uint64_t packets = b.model.links()[b.fabric.path(paths.first + i)[0]].packets;
    EXPECT_NEAR(static_cast<double>(packets), 1000.0, 100.0) << "path " << i;
    total += packets;
  }
  EXPECT_EQ(total, 4000u);
  b.expect_conserved();
}

/// Packets each of leaf 0's uplinks carried toward leaf 1 for a flow host0 -> host4.
std::vector<std::uint64_t> uplink_packets(Bench& b) {
  const topo::PathRange paths = b.fabric.paths_between_hosts(0, 4);
  std::vector<std::uint64_t> out;
  for (std::uint32_t i = 0; i < paths.count; ++i)
    out.push_back(b.model.links()[b.fabric.path(paths.first + i)[0]].packets);
  return out;
}

TEST(PacketModel, RoundRobinSprayingSplitsPacketsExactly) {
  Bench b("spray_rr");
  b.start(0, 4, 4000 * 4032);
  b.run();
  EXPECT_EQ(uplink_packets(b), std::vector<std::uint64_t>(4, 1000));
  b.expect_conserved();
}

TEST(PacketModel, FlowletWithoutIdleGapsStaysOnOnePath) {
  // The NIC sends back to back, never idle for flowlet_gap: one flowlet, one path, in order.
  Bench b("flowlet");
  b.start(0, 4, 1000 * 4032);
  b.run();
  const std::vector<std::uint64_t> packets = uplink_packets(b);
  EXPECT_EQ(*std::max_element(packets.begin(), packets.end()), 1000u);
  EXPECT_EQ(b.model.flow(0).out_of_order, 0u);
  b.expect_conserved();
}

TEST(PacketModel, AdaptiveRoutingAvoidsTheLoadedUplink) {
  // Two flows at line rate leave leaf 0 over its 4 uplinks. Each packet compares the queues of
  // two random uplinks and takes the shorter, so no uplink queue grows past 2 packets; random
  // spraying of the same flows (checked by hand: "spray" here) reaches 3-4 packets.
  Bench b("adaptive");
  b.start(0, 4, 2000 * 4032);
  b.start(1, 5, 2000 * 4032);
  b.run();
  const std::vector<std::uint64_t> packets = uplink_packets(b);
  for (std::size_t i = 0; i < packets.size(); ++i) EXPECT_GT(packets[i], 0u) << "uplink " << i;
  const topo::PathRange paths = b.fabric.paths_between_hosts(0, 4);
  for (std::uint32_t i = 0; i < paths.count; ++i) {
    EXPECT_LE(b.model.links()[b.fabric.path(paths.first + i)[0]].max_queue_bytes, 2 * 4096);
  }
  b.expect_conserved();
}

TEST(PacketModel, EcmpKeepsOneFlowOnThePolicysPath) {
  // ECMP: every packet of a flow crosses the one uplink the policy's hash picked.
  Bench b("ecmp");
  b.start(0, 4, 100 * 4032);
  b.run();
  std::vector<routing::PathShare> shares;
  b.router.choose({0, 4, 0, 0}, shares);
  ASSERT_EQ(shares.size(), 1u);
  for (const topo::LinkId l : b.fabric.path(shares[0].path))
    EXPECT_EQ(b.model.links()[l].packets, 100u);
  EXPECT_EQ(b.model.flow(0).out_of_order, 0u);
  b.expect_conserved();
}

}  // namespace
}  // namespace fabricsim::net
