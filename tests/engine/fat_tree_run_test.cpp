// Runs on three-tier fat-trees through the engine: a sprayed permutation on a non-blocking
// k = 8 tree ends at the host-link bound (hand-computed to the ps), and the spraying paper's
// 512-GPU fabric (topologies/fattree-k8-512gpu-400g.yaml) runs an all-to-all on both models,
// whose step times agree within 5 %.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "engine/simulation.hpp"
#include "flow/even_spread.hpp"
#include "scenario/scenario.hpp"
#include "topo/topology.hpp"

namespace fabricsim::engine {
namespace {

using core::Bitrate;
using core::Bytes;
using core::Time;

/// k = 8 (4 hosts per ToR, 4 ToRs and 4 aggs per pod, 16 cores: non-blocking), every link
/// 100 Gb/s and 1 us, a permutation of 1 MiB per host.
scenario::Scenario k8_permutation(const std::string& policy) {
  scenario::Scenario s;
  topo::FatTreeSpec tree;
  tree.k = 8;
  tree.host_link = tree.tor_link = tree.core_link = {Bitrate::gbps(100), Time::us(1)};
  s.topology = tree;
  s.routing.policy = policy;
  s.workloads = {traffic::PermutationSpec{.bytes = Bytes(1 << 20)}};
  return s;
}

// 1 MiB at 100 Gb/s: 1,048,576 x 8 / 100e9 s = 83,886,080 ps.
constexpr std::int64_t kSerializePs = 83'886'080;

/// Route latency by where the hosts are (4 hosts per ToR, 16 per pod): 2, 4 or 6 links of 1 us.
std::int64_t route_ps(std::uint32_t src, std::uint32_t dst) {
  if (src / 4 == dst / 4) return 2'000'000;
  if (src / 16 == dst / 16) return 4'000'000;
  return 6'000'000;
}

TEST(FatTreeRun, SprayedPermutationOnANonBlockingK8TreeEndsAtTheHostLinkBound) {
  Simulation sim(k8_permutation("spray"));
  const metrics::Results r = sim.run();
  ASSERT_EQ(r.info.status, "complete");
  ASSERT_EQ(r.flows.size(), 128u);
  ASSERT_EQ(r.steps.size(), 1u);
  // Every flow at the full host rate: it ends bytes / 100 Gb/s plus its route latency after
  // it starts (at 0), to the ps. Spread over 16 paths across pods, no fabric link is full.
  std::int64_t longest = 0;
  std::uint32_t cross_pod = 0;
  for (const metrics::FlowRecord& f : r.flows) {
    EXPECT_EQ(f.start_ps, 0);
    if (f.src / 4 != f.dst / 4) {
      EXPECT_EQ(f.path_id, -1);  // spread, unless within a ToR (one path)
    }
    EXPECT_NEAR(static_cast<double>(f.end_ps),
                static_cast<double>(kSerializePs + route_ps(f.src, f.dst)), 1.0)
        << f.src << " -> " << f.dst;
    longest = std::max(longest, route_ps(f.src, f.dst));
    cross_pod += route_ps(f.src, f.dst) == 6'000'000;
  }
  EXPECT_GT(cross_pod, 100u);  // a random derangement of 128 hosts over 8 pods
  EXPECT_EQ(longest, 6'000'000);
  // The step: 83,886,080 + 6,000,000 ps = 89,886,080 ps, its own lower bound.
  EXPECT_NEAR(static_cast<double>(r.steps[0].end_ps), 89'886'080.0, 1.0);
  EXPECT_NEAR(static_cast<double>(r.steps[0].end_ps), static_cast<double>(r.steps[0].bound_ps),
              1.0);
  EXPECT_EQ(r.steps[0].bound_by.rfind("host_", 0), 0u)
      << r.steps[0].bound_by;  // host_uplink or _downlink
}

TEST(FatTreeRun, EcmpOnTheSamePermutationCollidesAboveTheBound) {
  // The same derangement hashed one path per flow: some fabric link carries two flows, so
  // the step takes longer than the sprayed one (what makes the bound above a real test).
  Simulation sim(k8_permutation("ecmp"));
  const metrics::Results r = sim.run();
  ASSERT_EQ(r.info.status, "complete");
  EXPECT_GT(r.steps[0].end_ps, 89'886'080 + 1'000'000);
  for (const metrics::FlowRecord& f : r.flows) EXPECT_GE(f.path_id, 0);
}

const std::string kPaper =
    std::string(FABRICSIM_SOURCE_DIR) + "/tests/scenarios/good/fat_tree_paper.yaml";

std::int64_t step_time(const metrics::Results& r) {
  EXPECT_EQ(r.info.status, "complete");
  EXPECT_EQ(r.steps.size(), 1u);
  return r.steps.at(0).end_ps - r.steps.at(0).start_ps;
}

// The host-link bound of an all-to-all of 16 KiB among 512 GPUs at 400 Gb/s: 511 x 16,384 x
// 8 / 400e9 s = 167,444.48 ns, plus the shortest route in and out of a host.
constexpr double kA2aSerializePs = 511.0 * 16384 * 8 / 400e9 * 1e12;

TEST(FatTreeRun, ThePapers512GpuFabricRunsAnAllToAllOnBothModelsWithin5Percent) {
  scenario::Scenario s = scenario::load(kPaper);
  ASSERT_EQ(topo::size_of(s.topology).hosts, 512u);
  ASSERT_EQ(topo::size_of(s.topology).paths, 3'676'192u);
  const std::int64_t fluid = [&] {
    Simulation sim(s);
    const metrics::Results r = sim.run();
    EXPECT_EQ(r.flows.size(), 512u * 511u);
    return step_time(r);
  }();
  s.model = "packet";
  const std::int64_t packet = [&] {
    Simulation sim(s);
    const metrics::Results r = sim.run();
    EXPECT_EQ(r.flows.size(), 512u * 511u);
    for (const metrics::FlowRecord& f : r.flows) EXPECT_GE(f.end_ps, 0);
    return step_time(r);
  }();
  EXPECT_GE(static_cast<double>(fluid), kA2aSerializePs);
  EXPECT_GE(static_cast<double>(packet), kA2aSerializePs);
  EXPECT_NEAR(static_cast<double>(packet) / static_cast<double>(fluid), 1.0, 0.05)
      << "flow " << fluid << " ps, packet " << packet << " ps";
}

TEST(FatTreeRun, SprayedAllToAllOnThePapersFabricEndsAtTheHostLinkBoundPlusTheLongestRoute) {
  // Spread over 4,096 paths across pods (the pair's link fractions are computed once per ToR
  // pair, not per flow): every flow gets 400 Gb/s / 511 and all end together, 511 x 16 KiB
  // at 400 Gb/s = 167,444,480 ps plus the longest route, 6 x 500 ns.
  scenario::Scenario s = scenario::load(kPaper);
  s.routing.policy = "spray";
  Simulation sim(s);
  const metrics::Results r = sim.run();
  EXPECT_NEAR(static_cast<double>(step_time(r)), 167'444'480.0 + 3'000'000.0, 1.0);
  for (const metrics::FlowRecord& f : r.flows) {
    if (f.src / 16 != f.dst / 16) {
      EXPECT_EQ(f.path_id, -1);  // 64 or 4,096 paths; one within a ToR
    }
  }
}

/// What the engine computed per flow before the cache: every path's links at 1/n, sorted by
/// link, the shares of a link added one by one, both host links at 1; latency the longest.
std::vector<flow::LinkUse> merged_paths(const topo::Fabric& f, std::uint32_t src, std::uint32_t dst,
                                        std::int64_t& latency) {
  const topo::PathRange r = f.paths_between_hosts(src, dst);
  std::vector<flow::LinkUse> uses{{f.host_uplink[src], 1.0}, {f.host_downlink[dst], 1.0}};
  latency = 0;
  for (topo::PathId p = r.first; p < r.first + r.count; ++p) {
    for (const topo::LinkId l : f.path(p)) uses.push_back({l, 1.0 / r.count});
    latency = std::max(latency, f.route_latency(src, dst, p).ps());
  }
  std::stable_sort(uses.begin(), uses.end(),
                   [](const auto& a, const auto& b) { return a.link < b.link; });
  std::vector<flow::LinkUse> out;
  for (const flow::LinkUse& u : uses) {
    if (!out.empty() && out.back().link == u.link) {
      out.back().fraction += u.fraction;
    } else {
      out.push_back(u);
    }
  }
  return out;
}

TEST(EvenSpreadCache, GivesTheMergeOfEveryPathBitForBit) {
  // Fabrics whose pairs have 1, 3, 12, 36 or 144 paths (fractions such as 1/3 and 1/144 do
  // not sum exactly, so equality shows the same additions in the same order).
  topo::FatTreeSpec tree;
  tree.k = 4;
  tree.tor_agg_links = 2;
  tree.agg_core_links = 3;
  tree.tor_link.latency = Time::ns(700);
  topo::LeafSpineSpec leaf_spine;
  leaf_spine.leaves = 3;
  leaf_spine.spines = 3;
  leaf_spine.hosts_per_leaf = 2;
  leaf_spine.links_per_pair = 2;
  for (const topo::TopologySpec& spec :
       {topo::TopologySpec{tree}, topo::TopologySpec{leaf_spine}}) {
    const topo::Fabric f = topo::build_fabric(spec);
    std::vector<topo::LinkId> identity(f.links.size());
    for (topo::LinkId l = 0; l < identity.size(); ++l) identity[l] = l;
    flow::EvenSpreadCache cache(f, identity);
    for (int round = 0; round < 2; ++round) {  // computed, then from the cache
      for (std::uint32_t src = 0; src < f.host_count(); ++src) {
        for (std::uint32_t dst = 0; dst < f.host_count(); ++dst) {
          if (src == dst) continue;
          std::int64_t latency = 0;
          const std::vector<flow::LinkUse> want = merged_paths(f, src, dst, latency);
          std::vector<flow::LinkUse> got, classes;
          ASSERT_TRUE(cache.uses(src, dst, got));
          ASSERT_TRUE(cache.constraints(src, dst, classes));
          ASSERT_EQ(got.size(), want.size()) << src << " -> " << dst;
          ASSERT_EQ(classes.size(), want.size());
          for (std::size_t i = 0; i < want.size(); ++i) {
            EXPECT_EQ(got[i].link, want[i].link);
            EXPECT_EQ(got[i].fraction, want[i].fraction) << "link " << want[i].link;  // bit for bit
            EXPECT_EQ(classes[i].link, want[i].link);
            EXPECT_EQ(classes[i].fraction, want[i].fraction);
          }
          EXPECT_EQ(cache.latency_ps(src, dst), latency);
        }
      }
    }
    // One entry per ordered edge pair, however many flows asked.
    EXPECT_EQ(cache.pairs_cached(), std::size_t{f.edge_count()} * f.edge_count());
  }
}

TEST(FatTreeRun, PerHopAdaptiveRoutingDeliversEveryByteAndUsesEveryCoreLink) {
  // Packet model, dctcp: with paths rewritten at every switch, every flow still ends, no
  // earlier than its bound, and every core link carries packets. (That each switch chooses
  // by its own queues is shown by the Router.APerHopPolicy* tests; spraying alone would also
  // use every core link here.)
  scenario::Scenario s = k8_permutation("adaptive_hop");
  s.model = "packet";
  s.transport.kind = "dctcp";
  Simulation sim(s);
  const metrics::Results r = sim.run();
  ASSERT_EQ(r.info.status, "complete");
  ASSERT_EQ(r.flows.size(), 128u);
  for (const metrics::FlowRecord& f : r.flows) {
    EXPECT_GE(f.end_ps, kSerializePs + route_ps(f.src, f.dst)) << f.src << " -> " << f.dst;
  }
  const topo::Fabric fabric = topo::build_fabric(s.topology);
  std::uint32_t core_links = 0, used = 0;
  for (const metrics::LinkRecord& l : r.links) {
    const topo::Link& link = fabric.links[l.link_id];
    if (fabric.nodes[link.src].kind != topo::NodeKind::aggregation ||
        fabric.nodes[link.dst].kind != topo::NodeKind::core)
      continue;
    ++core_links;
    used += l.tx_bytes > 0 ? 1 : 0;
  }
  EXPECT_EQ(core_links, 32u * 4u);
  EXPECT_EQ(used, core_links);
}

}  // namespace
}  // namespace fabricsim::engine
