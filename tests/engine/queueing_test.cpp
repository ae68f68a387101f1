// Queueing theory on the packet model: Poisson arrivals of one-packet flows into a single
// bottleneck port, `ideal` transport (no ACKs, unlimited buffers), through engine::Simulation.
//
// Each flow's waiting time is its completion time minus its completion time alone (below).
// Pollaczek-Khinchine gives the mean wait of an M/G/1 queue: W = lambda E[S^2] / (2 (1 - rho)),
// rho = lambda E[S]. With 1500-byte mean packets on a 10 Gb/s bottleneck (800 ps per byte),
// E[S] = S = 1.2 us, and:
//   fixed sizes (M/D/1, E[S^2] = S^2):        W = rho S / (2 (1 - rho)) = 257,143 ps, 900,000 ps
//                                              and 5,400,000 ps at rho 0.3, 0.6, 0.9;
//   exponential sizes (M/M/1, E[S^2] = 2 S^2): W = rho S / (1 - rho) = 514,286 ps, 1,800,000 ps
//                                              and 10,800,000 ps.
// Exponential sizes are rounded to whole bytes (at least 1): E[size] = 1 + e^{-1.5/m} /
// (1 - e^{-1/m}) = 1500.0000 B for m = 1500 B, and the rounding adds about 1/12 B^2 to E[size^2]
// = 2 m^2 (2e-8 of it). The generator offers load with the exact rounded mean, so rho is exact.
//
// Run lengths: the mean of a run's waits is a sample; across 30 seeds its standard deviation
// was 0.6 / 0.7 / 1.4 % (M/D/1) and 1.0 / 1.0 / 1.4 % (M/M/1) of W at rho 0.3 / 0.6 / 0.9 with
// 300,000 / 500,000 / 1,600,000 flows, the means of the 30 within 0.4 % of W; 28 of the 30
// seeds meet all six 3 % bounds. kSeed is one of them; its largest deviation is 1.0 %.
#include <gtest/gtest.h>

#include <cstdio>

#include <numeric>
#include <vector>

#include "engine/simulation.hpp"

namespace fabricsim::engine {
namespace {

using core::Bitrate;
using core::Bytes;
using core::Time;
using traffic::FlowSizes;

constexpr std::uint64_t kSeed = 4;
constexpr Time kHostLatency = Time::ns(100);
constexpr Time kFabricLatency = Time::ns(500);
constexpr Time kSwitchLatency = Time::ns(100);
constexpr double kServicePs = 1500 * 800;  // S: 1500 B at 10 Gb/s

struct Load {
  double rho;
  std::size_t flows;  // expected arrivals of the run
};
constexpr Load kLoads[] = {{0.3, 300'000}, {0.6, 500'000}, {0.9, 1'600'000}};

/// A 2-leaf x 1-spine fabric whose leaf-0 hosts (ranks 0 .. hosts - 1) all send to the first
/// host of leaf 1 (rank `hosts`): every route is uplink, leaf0->spine, spine->leaf1, downlink.
struct Fabric {
  std::uint32_t hosts;  // per leaf
  Bitrate host_rate;
  Bitrate fabric_rate;
  Bitrate bottleneck;  // the 10 Gb/s one of the two
};

/// Completion time of a flow of `bytes` alone: each of the four hops serializes its one
/// packet (store-and-forward) and adds its latency; the three switches add theirs.
Time alone(const Fabric& f, Bytes bytes) {
  const Time host = core::serialization_time(bytes, f.host_rate) + kHostLatency;
  const Time fabric = core::serialization_time(bytes, f.fabric_rate) + kFabricLatency;
  return host + fabric + fabric + host + kSwitchLatency + kSwitchLatency + kSwitchLatency;
}

/// Runs Poisson arrivals at `rho` of the bottleneck and returns the mean wait in ps; checks
/// that every flow finished, none beat its time alone, and every byte sent was delivered.
double mean_wait(const Fabric& f, const FlowSizes& sizes, const Load& load) {
  scenario::Scenario s;
  s.model = "packet";
  s.seed = kSeed;
  s.topology = topo::LeafSpineSpec{.leaves = 2,
                                   .spines = 1,
                                   .hosts_per_leaf = f.hosts,
                                   .links_per_pair = 1,
                                   .host_link = {f.host_rate, kHostLatency},
                                   .fabric_link = {f.fabric_rate, kFabricLatency}};
  // Header 0 and a 64 KiB mtu: every flow is one packet of exactly its size (an exponential
  // size above 64 KiB at mean 1500 B has probability e^-43).
  s.transport = {.kind = "ideal", .mtu = Bytes(64 << 10), .header = Bytes(0)};
  s.switches.latency = kSwitchLatency;
  // rho of the bottleneck shared by the sources: each offers rho x bottleneck / (hosts x
  // host rate) of its own link, for flows x S / rho (`flows` arrivals expected).
  traffic::BackgroundSpec w{.load = load.rho * static_cast<double>(f.bottleneck.bps()) /
                                    (f.hosts * static_cast<double>(f.host_rate.bps())),
                            .sizes = sizes,
                            .duration = Time::ps(static_cast<std::int64_t>(
                                static_cast<double>(load.flows) * kServicePs / load.rho)),
                            .max_flows = 2 * load.flows,
                            .destinations = {f.hosts}};
  w.sources.resize(f.hosts);
  std::iota(w.sources.begin(), w.sources.end(), 0u);
  s.workloads = {w};

  Simulation sim(s);
  const metrics::Results r = sim.run();
  EXPECT_EQ(r.info.status, "complete");
  EXPECT_NEAR(static_cast<double>(r.flows.size()), static_cast<double>(load.flows),
              0.01 * static_cast<double>(load.flows));
  double wait = 0;
  std::int64_t sent = 0;
  for (const metrics::FlowRecord& flow : r.flows) {
    EXPECT_GE(flow.end_ps, 0) << "flow " << flow.id << " did not finish";
    const std::int64_t w_ps = flow.end_ps - flow.start_ps - alone(f, Bytes(flow.bytes)).ps();
    EXPECT_GE(w_ps, 0) << "flow " << flow.id;
    wait += static_cast<double>(w_ps);
    sent += flow.bytes;
  }
  // Header 0, so wire bytes are flow bytes: the sources' uplinks sent them all and the
  // destination's downlink delivered them all.
  std::int64_t uplinks = 0;
  for (std::uint32_t h = 0; h < f.hosts; ++h)
    uplinks += r.links[sim.fabric().host_uplink[h]].tx_bytes;
  EXPECT_EQ(uplinks, sent);
  EXPECT_EQ(r.links[sim.fabric().host_downlink[f.hosts]].tx_bytes, sent);
  return wait / static_cast<double>(r.flows.size());
}

TEST(Queueing, FixedSizesThroughTheLeafUplinkMatchMD1) {
  // 8 Tb/s hosts (1 ps per byte), 10 Gb/s fabric: leaf0->spine is the bottleneck. Every packet
  // reaches it one fixed 1.5 ns serialization + latencies after its arrival, so it sees the
  // Poisson arrivals, shifted. A source's uplink is itself an M/D/1 queue at load
  // rho / 3200 with 1.5 ns packets: it adds under 0.3 ps, 3e-7 of W. spine->leaf1 runs at the
  // same 10 Gb/s, but an equal-size packet reaches it no earlier than one S after its
  // predecessor did, when that one is through: it never waits there, nor at the downlink.
  const Fabric f{.hosts = 4,
                 .host_rate = Bitrate::gbps(8000),
                 .fabric_rate = Bitrate::gbps(10),
                 .bottleneck = Bitrate::gbps(10)};
  const FlowSizes fixed{.dist = FlowSizes::Dist::fixed, .bytes = Bytes(1500)};
  for (const Load& load : kLoads) {
    const double theory = load.rho * kServicePs / (2 * (1 - load.rho));
    const double measured = mean_wait(f, fixed, load);
    EXPECT_NEAR(measured / theory, 1.0, 0.03) << "rho " << load.rho;
    std::printf("M/D/1 rho %.1f: mean wait %.1f ps, theory %.1f ps\n", load.rho, measured, theory);
  }
}

TEST(Queueing, ExponentialSizesIntoTheHostDownlinkMatchMM1) {
  // With exponential sizes the fixed-size fabric above would measure a tandem: behind a long
  // packet, a short one that left leaf0->spine right after it waits again at the equally fast
  // spine->leaf1 for the long one's remaining serialization (a Lindley recursion of the two
  // queues gives 2.4 x the M/M/1 wait at rho 0.3). So here the bottleneck is the last hop:
  // 10 Gb/s hosts, 80 Tb/s fabric, the destination's downlink.
  //
  // A packet reaches the downlink after its own uplink serialization S_i (and 2 x S_i / 8000
  // on the fabric): arrival t_i + c S_i. The map (t, s) -> (t + c s, s) keeps the marked Poisson
  // process of arrival times and sizes a marked Poisson process with the same rate and
  // independent sizes (it is one-to-one with unit Jacobian), so the downlink is exactly M/M/1.
  // What remains: each of the 256 sources' uplinks is an M/M/1 queue at load rho / 256 that
  // adds rho_h S / (1 - rho_h) to the measured wait (0.3 % of W at rho 0.3, added below). The
  // packets that waited there (a fraction rho / 256) reach the downlink later than t + c S, and
  // on the 80 Tb/s hops a packet can wait a fraction of a nanosecond behind one that left its
  // uplink just before; both are within the noise: the 30-seed means above include them.
  const Fabric f{.hosts = 256,
                 .host_rate = Bitrate::gbps(10),
                 .fabric_rate = Bitrate::gbps(80'000),
                 .bottleneck = Bitrate::gbps(10)};
  const FlowSizes exponential{.dist = FlowSizes::Dist::exponential, .bytes = Bytes(1500)};
  for (const Load& load : kLoads) {
    const double rho_h = load.rho / f.hosts;
    const double theory = load.rho * kServicePs / (1 - load.rho) + rho_h * kServicePs / (1 - rho_h);
    const double measured = mean_wait(f, exponential, load);
    EXPECT_NEAR(measured / theory, 1.0, 0.03) << "rho " << load.rho;
    std::printf("M/M/1 rho %.1f: mean wait %.1f ps, theory %.1f ps\n", load.rho, measured, theory);
  }
}

}  // namespace
}  // namespace fabricsim::engine
