// REPS against spray with one leaf-spine cable dead and routing never told: the policy's
// feedback (PacketModel: ACK, ECN echo, loss) must steer it off the dead links within a few
// round trips, while spray keeps sending a quarter of its packets into them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "support/net_bench.hpp"

namespace fabricsim::net {
namespace {

using core::Bytes;
using core::Time;

constexpr Time kSample = Time::us(2);
constexpr std::int64_t kBytes = 2'000'000;  // per flow

/// 2 leaves x 4 spines x 4 hosts per leaf, every link 400 Gb/s and 500 ns, 100 ns per switch,
/// dctcp; the cable leaf0 - spine0 is down (both directions) from t = 0 and routing is never
/// told, so both policies keep it among their candidates. Host i sends 2 MB to host i + 4
/// (mod 8): 4 flows cross the dead uplink's leaf, 4 its dead downlink's.
struct DeadCable {
  explicit DeadCable(const std::string& policy)
      : bench({.leaves = 2, .spines = 4, .hosts_per_leaf = 4}, policy,
              {.transport = {.kind = "dctcp", .mtu = Bytes(4096), .header = Bytes(64)},
               .switches = {.latency = Time::ns(100)},
               .seed = 7}) {
    const topo::Fabric& f = bench.fabric;
    up = f.path(f.paths_between_hosts(0, 4).first)[0];  // leaf0 -> its first spine
    for (topo::LinkId l = 0; l < f.links.size(); ++l) {
      if (f.links[l].src == f.links[up].dst && f.links[l].dst == f.links[up].src) down = l;
    }
    for (const topo::LinkId l : {up, down}) bench.model.set_link(l, false, f.links[l].rate);
    for (std::uint32_t h = 0; h < 8; ++h) bench.start(h, (h + 4) % 8, kBytes);
    // The dead cable's drops every kSample, for as long as any flow runs.
    for (Time t = kSample; t <= Time::us(600); t += kSample) {
      bench.at(t, [this, t] { samples.push_back({t, dead_drops()}); });
    }
    bench.run();
  }

  std::uint64_t dead_drops() {
    const std::span<const LinkStats> links = bench.model.links();
    return links[up].drops + links[down].drops;
  }
  /// Drops on the dead cable from `from` to the last sample before `to`.
  std::uint64_t drops_between(Time from, Time to) const {
    std::uint64_t at_from = 0;
    std::uint64_t at_to = 0;
    for (const auto& [t, drops] : samples) {
      if (t <= from) at_from = drops;
      if (t <= to) at_to = drops;
    }
    return at_to - at_from;
  }
  /// The first sample time after which the dead cable dropped nothing more.
  Time last_drop() const {
    Time last{};
    for (std::size_t i = 1; i < samples.size(); ++i) {
      if (samples[i].drops > samples[i - 1].drops) last = samples[i].time;
    }
    return last;
  }
  Time end() const {
    std::int64_t last = 0;
    for (const auto& [flow, end_ps] : bench.delivered) last = std::max(last, end_ps);
    return Time::ps(last);
  }

  struct Sample {
    Time time;
    std::uint64_t drops;
  };
  NetBench bench;
  topo::LinkId up = 0;
  topo::LinkId down = 0;
  std::vector<Sample> samples;
};

TEST(RepsFailure, StopsUsingADeadSpineCableWithinAFewRoundTripsWhileSprayKeepsLosing) {
  DeadCable reps("reps");
  DeadCable spray("spray");
  // REPS delivers every byte once, and so does spray, later.
  reps.bench.expect_conserved();
  spray.bench.expect_conserved();
  const Time end = reps.end();
  const Time half = Time::ps(end.ps() / 2);
  std::printf("reps: end %.1f us, %llu drops on the dead cable, last before %.0f us\n",
              end.seconds() * 1e6, static_cast<unsigned long long>(reps.dead_drops()),
              reps.last_drop().seconds() * 1e6);
  std::printf("spray: end %.1f us, %llu drops on the dead cable, %llu in reps' second half\n",
              spray.end().seconds() * 1e6, static_cast<unsigned long long>(spray.dead_drops()),
              static_cast<unsigned long long>(spray.drops_between(half, end)));
  // Both lose packets on the dead cable at first (the first window draws fresh entropies).
  EXPECT_GT(reps.dead_drops(), 0u);
  // REPS stops within a few round trips (an unloaded one is ~5.5 us): nothing in the second
  // half of its run; spray keeps losing there.
  EXPECT_LE(reps.last_drop(), Time::us(30));
  EXPECT_EQ(reps.drops_between(half, end), 0u);
  EXPECT_GT(spray.drops_between(half, end), 20u);
  EXPECT_LT(end, spray.end());
}

}  // namespace
}  // namespace fabricsim::net
