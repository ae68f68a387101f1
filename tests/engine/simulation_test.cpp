#include "engine/simulation.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>

#include "routing/policy.hpp"
#include "support/physics.hpp"
#include "support/small_fabric.hpp"

namespace fabricsim::engine {
namespace {

using core::Bitrate;
using core::Bytes;
using core::Time;

/// A 100 Gb/s, 1 us leaf-spine running a 1 MiB permutation (see small_fabric).
scenario::Scenario leaf_spine(std::uint32_t leaves, std::uint32_t spines, std::uint32_t hosts,
                              const std::string& policy) {
  return test_support::small_fabric(leaves, spines, hosts, policy,
                                    traffic::PermutationSpec{Bytes(1 << 20)});
}

TEST(Simulation, SprayedPermutationRunsEveryFlowAtHostRate) {
  // Non-blocking 4x4x4 leaf-spine at 100 Gb/s: sprayed evenly, no uplink or downlink carries
  // more than 100 Gb/s, so each 1 MiB flow takes 1048576 * 8 / 1e11 s = 83,886,080 ps plus
  // its propagation: 4 links x 1 us across leaves, 2 x 1 us within a leaf.
  const scenario::Scenario s = leaf_spine(4, 4, 4, "spray");
  Simulation sim(s);
  const metrics::Results r = sim.run();
  ASSERT_EQ(r.flows.size(), 16u);
  for (const metrics::FlowRecord& f : r.flows) {
    const bool same_leaf = f.src / 4 == f.dst / 4;
    const std::int64_t latency = (same_leaf ? 2 : 4) * Time::us(1).ps();
    EXPECT_EQ(f.end_ps - f.start_ps, 83'886'080 + latency) << "flow " << f.id;
    EXPECT_EQ(f.path_id >= 0, same_leaf) << "sprayed flows use every path, local ones one";
  }
  EXPECT_EQ(r.info.status, "complete");
}

/// Textbook progressive filling on dense sets, independent of the solver under test.
std::vector<double> reference_max_min(const std::vector<std::vector<std::uint32_t>>& flow_links,
                                      const std::vector<double>& capacity) {
  std::vector<double> rate(flow_links.size(), -1);
  std::vector<double> left = capacity;
  for (;;) {
    double best = 1e300;
    std::uint32_t best_link = 0;
    for (std::uint32_t l = 0; l < capacity.size(); ++l) {
      int n = 0;
      for (std::size_t f = 0; f < flow_links.size(); ++f) {
        if (rate[f] < 0 && std::count(flow_links[f].begin(), flow_links[f].end(), l)) ++n;
      }
      if (n > 0 && left[l] / n < best) best = left[l] / n, best_link = l;
    }
    if (best == 1e300) return rate;
    for (std::size_t f = 0; f < flow_links.size(); ++f) {
      const auto& links = flow_links[f];
      if (rate[f] >= 0 || !std::count(links.begin(), links.end(), best_link)) continue;
      rate[f] = best;
      for (const std::uint32_t l : links) left[l] -= best;
    }
  }
}

TEST(Simulation, EcmpFlowTimesEqualMaxMinOfTheHashCollisions) {
  // Replays the paths ECMP chose through an independent fluid computation: equal flows start
  // together; rates are max-min over the collisions, recomputed at every completion.
  const scenario::Scenario s = leaf_spine(4, 2, 4, "ecmp");
  Simulation sim(s);
  const metrics::Results r = sim.run();
  const topo::Fabric& fab = sim.fabric();
  std::vector<std::vector<std::uint32_t>> links;
  for (const metrics::FlowRecord& f : r.flows) {
    ASSERT_GE(f.path_id, 0);
    std::vector<std::uint32_t> l{fab.host_uplink[f.src], fab.host_downlink[f.dst]};
    for (const auto p : fab.path(static_cast<topo::PathId>(f.path_id))) l.push_back(p);
    links.push_back(l);
  }
  std::vector<double> capacity;
  for (const topo::Link& l : fab.links) capacity.push_back(l.rate.bytes_per_ps());
  std::vector<double> left(r.flows.size(), static_cast<double>(1 << 20));
  std::vector<double> done_at(r.flows.size(), -1);
  double now = 0;
  for (std::size_t remaining = r.flows.size(); remaining > 0;) {
    std::vector<std::vector<std::uint32_t>> active;
    std::vector<std::size_t> index;
    for (std::size_t f = 0; f < links.size(); ++f) {
      if (done_at[f] < 0) active.push_back(links[f]), index.push_back(f);
    }
    const std::vector<double> rate = reference_max_min(active, capacity);
    double dt = 1e300;
    for (std::size_t i = 0; i < index.size(); ++i) dt = std::min(dt, left[index[i]] / rate[i]);
    now += dt;
    for (std::size_t i = 0; i < index.size(); ++i) {
      left[index[i]] -= rate[i] * dt;
      if (left[index[i]] <= 1e-6) done_at[index[i]] = now, --remaining;
    }
  }
  bool any_collision = false;
  for (std::size_t f = 0; f < r.flows.size(); ++f) {
    const auto latency = fab.route_latency(r.flows[f].src, r.flows[f].dst,
                                           static_cast<topo::PathId>(r.flows[f].path_id));
    // Each re-solve rounds a completion up to the next picosecond: allow a few ps.
    EXPECT_NEAR(static_cast<double>(r.flows[f].end_ps),
                done_at[f] + static_cast<double>(latency.ps()), 8.0);
    any_collision = any_collision || done_at[f] > 83'886'080 + 1;
  }
  EXPECT_TRUE(any_collision) << "pick a seed where ECMP collides, or the test proves little";
}

std::map<std::uint32_t, int> subflows_per_app_flow(const metrics::Results& r) {
  std::map<std::uint32_t, int> count;
  for (const metrics::FlowRecord& f : r.flows) ++count[f.app_flow];
  return count;
}

TEST(Simulation, SplitAutoFollowsTheGcdRule) {
  // All-to-all on 2 leaves x 2 hosts: each leaf sends r = 2 hosts x 2 remote peers = 4 flows
  // to the other leaf. s = 8 spines: 8 / gcd(4, 8) = 2 subflows; s = 4 divides r: 1;
  // s = 3: gcd(4, 3) = 1, so 3 subflows. Flows within a leaf never split.
  for (const auto& [spines, expected] :
       std::vector<std::pair<std::uint32_t, int>>{{8, 2}, {4, 1}, {3, 3}}) {
    scenario::Scenario s = leaf_spine(2, spines, 2, "split");
    s.workloads = {traffic::AllToAllSpec{Bytes(90000)}};
    Simulation sim(s);
    const metrics::Results r = sim.run();
    std::map<std::uint32_t, std::pair<std::uint32_t, std::uint32_t>> ends;
    for (const metrics::FlowRecord& f : r.flows) ends[f.app_flow] = {f.src, f.dst};
    for (const auto& [app, n] : subflows_per_app_flow(r)) {
      const bool same_leaf = ends[app].first / 2 == ends[app].second / 2;
      EXPECT_EQ(n, same_leaf ? 1 : expected) << "spines " << spines;
    }
    std::int64_t bytes = 0;
    for (const metrics::FlowRecord& f : r.flows) bytes += f.bytes;
    EXPECT_EQ(bytes, 12 * 90000) << "splitting keeps every byte";
  }
}

/// Largest bytes carried by any leaf-to-spine link.
std::int64_t max_uplink_bytes(const Simulation& sim, const metrics::Results& r) {
  std::int64_t max = 0;
  for (const metrics::LinkRecord& l : r.links) {
    const topo::Link& link = sim.fabric().links[l.link_id];
    if (sim.fabric().nodes[link.src].kind == topo::NodeKind::leaf &&
        sim.fabric().nodes[link.dst].kind == topo::NodeKind::spine) {
      max = std::max(max, l.tx_bytes);
    }
  }
  return max;
}

TEST(Simulation, MoreHashedSubflowsLowerTheMeanMaximumUplinkLoad) {
  // 8x8x8 permutation over 20 fixed seeds. One hashed path per flow piles several flows on
  // some uplink; 4 independently hashed quarters even it out. Ideal spraying puts
  // (flows leaving the leaf) x 1 MiB / 8 on each uplink, the floor no hash goes below.
  double ecmp = 0, split = 0, spray = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    for (auto [policy, sum] : {std::pair{"ecmp", &ecmp}, {"split", &split}, {"spray", &spray}}) {
      scenario::Scenario s = leaf_spine(8, 8, 8, policy);
      s.seed = seed;
      s.routing.subflows = 4;
      Simulation sim(s);
      *sum += static_cast<double>(max_uplink_bytes(sim, sim.run())) / 20;
    }
  }
  EXPECT_LT(split, ecmp);
  EXPECT_LE(spray, split);
}

TEST(Simulation, PerPacketPoliciesTakeTheirFluidLimit) {
  // On a 2:1 oversubscribed 4x2x4 leaf-spine, spray_rr, adaptive and reps are even spreads like
  // spray, and flowlet is one hashed path like ecmp: the same completion times to the ps.
  auto ends = [](const std::string& policy) {
    Simulation sim(leaf_spine(4, 2, 4, policy));
    std::vector<std::int64_t> end;
    for (const metrics::FlowRecord& f : sim.run().flows) end.push_back(f.end_ps - f.start_ps);
    return end;
  };
  const std::vector<std::int64_t> spray = ends("spray");
  EXPECT_EQ(ends("spray_rr"), spray);
  EXPECT_EQ(ends("adaptive"), spray);
  EXPECT_EQ(ends("reps"), spray);
  const std::vector<std::int64_t> ecmp = ends("ecmp");
  EXPECT_EQ(ends("flowlet"), ecmp);
  EXPECT_NE(ecmp, spray) << "the fabric must tell the two limits apart";
}

TEST(Simulation, SameSeedSameFlowsOtherSeedOtherPlacement) {
  auto run = [](std::uint64_t seed) {
    scenario::Scenario s = leaf_spine(4, 4, 4, "ecmp");
    s.seed = seed;
    s.workloads = {traffic::AllToAllSpec{Bytes(50000)}};
    Simulation sim(s);
    return sim.run().flows;
  };
  const auto a = run(1), b = run(1), c = run(2);
  ASSERT_EQ(a.size(), b.size());
  bool other_paths = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].end_ps, b[i].end_ps);
    EXPECT_EQ(a[i].path_id, b[i].path_id);
    EXPECT_EQ(a[i].src, b[i].src);
    other_paths = other_paths || a[i].path_id != c[i].path_id;
  }
  EXPECT_TRUE(other_paths);
}

TEST(Simulation, BytesAreConservedAndCombineFollowsDispatch) {
  scenario::Scenario s = leaf_spine(4, 4, 4, "ecmp");
  traffic::MoeSpec moe;
  moe.experts = 32;
  moe.tokens_per_gpu = 256;
  moe.hidden = 512;
  moe.skew = {traffic::SkewSpec::Dist::zipf, 1.1};
  s.workloads = {moe};
  Simulation sim(s);
  const metrics::Results r = sim.run();
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_EQ(r.steps[1].start_ps, r.steps[0].end_ps);
  std::int64_t sent = 0, into_fabric = 0;
  std::int64_t last_dispatch = 0;
  for (const metrics::FlowRecord& f : r.flows) {
    sent += f.bytes;
    if (f.step_id == 0) last_dispatch = std::max(last_dispatch, f.end_ps);
  }
  for (std::uint32_t h = 0; h < 16; ++h)
    into_fabric += r.links[sim.fabric().host_uplink[h]].tx_bytes;
  EXPECT_EQ(sent, into_fabric);
  EXPECT_EQ(r.steps[0].end_ps, last_dispatch);
  ASSERT_EQ(r.expert_tokens.size(), 1u);
  EXPECT_EQ(std::accumulate(r.expert_tokens[0].tokens.begin(), r.expert_tokens[0].tokens.end(),
                            std::int64_t{0}),
            16 * 256 * 2);
}

TEST(Simulation, ResolveIntervalKeepsPhysics) {
  // Holding re-solves to multiples of 5 us leaves finished flows' capacity idle and new flows
  // at rate 0 until the next one, so no link ever runs above its rate and no flow beats its
  // host links; the skewed MoE run ends no earlier than the exact one.
  scenario::Scenario s = leaf_spine(4, 4, 4, "ecmp");
  traffic::MoeSpec moe;
  moe.experts = 16;
  moe.tokens_per_gpu = 512;
  moe.hidden = 1024;
  moe.skew = {traffic::SkewSpec::Dist::zipf, 0.5};
  s.workloads = {moe};
  Simulation exact_sim(s);
  const metrics::Results exact = exact_sim.run();
  s.flow.resolve_interval = Time::us(5);
  Simulation held_sim(s);
  const metrics::Results held = held_sim.run();
  ASSERT_EQ(exact.flows.size(), held.flows.size());
  test_support::expect_no_link_above_capacity(held_sim.fabric(), held);
  test_support::expect_no_flow_beats_its_host_links(held_sim.fabric(), held);
  EXPECT_GE(held.info.sim_end_ps, exact.info.sim_end_ps);
}

TEST(Simulation, SprayedAllToAllIsHostBoundOnANonBlockingFabric) {
  // 2 leaves x 4 spines x 4 hosts at 100 Gb/s, all-to-all of 100,000 B: each host uplink
  // carries 7 flows, so each runs at 100/7 Gb/s and all end after 7 x 100,000 B at 100 Gb/s
  // = 56,000,000 ps, plus 2 or 4 us of propagation. Spraying loads every uplink with
  // 16 flows x 1/4 x 100/7 Gb/s < 100 Gb/s, so the fabric never binds.
  scenario::Scenario s = leaf_spine(2, 4, 4, "spray");
  s.workloads = {traffic::AllToAllSpec{Bytes(100000)}};
  Simulation sim(s);
  const metrics::Results r = sim.run();
  ASSERT_EQ(r.flows.size(), 56u);
  for (const metrics::FlowRecord& f : r.flows) {
    const std::int64_t latency = (f.src / 4 == f.dst / 4 ? 2 : 4) * Time::us(1).ps();
    EXPECT_EQ(f.end_ps - f.start_ps, 56'000'000 + latency) << "flow " << f.id;
  }
}

TEST(Simulation, TwoJobsOnDisjointHostsRunSideBySide) {
  // Two permutations placed on the two leaves of a 2x4x4 fabric never share a link, so each
  // runs as if alone: 1 MiB at 100 Gb/s plus 2 us within a leaf.
  scenario::Scenario s = leaf_spine(2, 4, 4, "ecmp");
  traffic::PermutationSpec left, right;
  left.placement = {traffic::Placement::Kind::contiguous, 4, 0};
  right.placement = {traffic::Placement::Kind::contiguous, 4, 4};
  s.workloads = {left, right};
  Simulation sim(s);
  const metrics::Results r = sim.run();
  ASSERT_EQ(r.steps.size(), 2u);
  for (const metrics::FlowRecord& f : r.flows) {
    EXPECT_EQ(f.src / 4, f.dst / 4);
    EXPECT_EQ(f.end_ps - f.start_ps, 83'886'080 + 2 * Time::us(1).ps());
  }
}

}  // namespace
}  // namespace fabricsim::engine
