// The routing point: candidates per host pair as routing believes the fabric, before and
// after links are reported down and up again.
#include "routing/router.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "routing/policies.hpp"
#include "topo/leaf_spine.hpp"
#include "topo/topology.hpp"

namespace fabricsim::routing {
namespace {

/// 3 leaves x 4 spines, 2 hosts per leaf: hosts 0-1 on leaf0, 2-3 on leaf1, 4-5 on leaf2.
struct Fixture {
  topo::Fabric fabric = topo::build_leaf_spine({.leaves = 3, .spines = 4, .hosts_per_leaf = 2});
  Ecmp ecmp{5};
  Router router{fabric, ecmp};

  topo::LinkId link(const std::string& src, const std::string& dst) const {
    for (topo::LinkId l = 0; l < fabric.links.size(); ++l) {
      if (fabric.nodes[fabric.links[l].src].name == src &&
          fabric.nodes[fabric.links[l].dst].name == dst)
        return l;
    }
    ADD_FAILURE() << "no link " << src << "->" << dst;
    return 0;
  }
  bool crosses(topo::PathId p, topo::LinkId l) const {
    const auto links = fabric.path(p);
    return std::find(links.begin(), links.end(), l) != links.end();
  }
};

TEST(Router, CandidatesAreEveryEqualCostPathUntilALinkIsReportedDown) {
  Fixture f;
  const topo::PathRange all = f.fabric.paths_between_hosts(0, 2);
  const auto c = f.router.candidates(0, 2);
  ASSERT_EQ(c.size(), 4u);
  for (std::uint32_t i = 0; i < 4; ++i) EXPECT_EQ(c[i], all.first + i);
  ASSERT_EQ(f.router.candidates(0, 1).size(), 1u);  // same leaf: the one empty path
  EXPECT_TRUE(f.fabric.path(f.router.candidates(0, 1)[0]).empty());
}

TEST(Router, ADownLinkLeavesTheCandidatesOfThePairsItCarriesOnly) {
  Fixture f;
  const topo::LinkId up0 = f.link("leaf0", "spine1");
  const topo::LinkId down0 = f.link("spine1", "leaf0");
  const std::vector<topo::LinkId> cable{up0, down0};
  EXPECT_TRUE(f.router.believe(cable, false));
  for (const auto& [src, dst] : {std::pair{0u, 2u}, std::pair{2u, 0u}, std::pair{1u, 5u}}) {
    const auto c = f.router.candidates(src, dst);
    EXPECT_EQ(c.size(), 3u) << src << "->" << dst;
    for (const topo::PathId p : c) EXPECT_FALSE(f.crosses(p, up0) || f.crosses(p, down0));
    EXPECT_TRUE(f.router.changed(src, dst));
  }
  EXPECT_EQ(f.router.candidates(2, 4).size(), 4u);  // leaf1 -> leaf2 never meets leaf0
  EXPECT_FALSE(f.router.changed(2, 4));
  // ECMP hashes over the live candidates only.
  std::vector<PathShare> out;
  for (std::uint32_t port = 0; port < 64; ++port) {
    f.router.choose({0, 2, port, 0}, out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_FALSE(f.crosses(out[0].path, up0));
  }
  // Reported twice: nothing changes.
  EXPECT_FALSE(f.router.believe(cable, false));
  EXPECT_FALSE(f.router.changed(0, 2));
  // Back up: every path again.
  EXPECT_TRUE(f.router.believe(cable, true));
  EXPECT_EQ(f.router.candidates(0, 2).size(), 4u);
  EXPECT_TRUE(f.router.changed(0, 2));
}

TEST(Router, APairWithNoLivePathKeepsAllItsCandidates) {
  Fixture f;
  std::vector<topo::LinkId> uplinks;
  for (int s = 0; s < 4; ++s) uplinks.push_back(f.link("leaf0", "spine" + std::to_string(s)));
  EXPECT_TRUE(f.router.believe(uplinks, false));
  EXPECT_EQ(f.router.candidates(0, 2).size(), 4u);  // its traffic stalls on the dead links
  EXPECT_EQ(f.router.candidates(2, 0).size(), 4u);  // the downlinks still live
}

/// Backlog per link, set by the test.
class LinkBacklog final : public PathOccupancy {
 public:
  explicit LinkBacklog(std::size_t links) : bytes_(links, 0) {}
  void set(topo::LinkId l, std::int64_t bytes) { bytes_.at(l) = bytes; }
  std::int64_t queued_bytes(topo::PathId) const override { return 0; }
  std::int64_t link_queued_bytes(topo::LinkId l) const override { return bytes_.at(l); }

 private:
  std::vector<std::int64_t> bytes_;
};

TEST(Router, APerHopPolicyChoosesAtTheAggregationTierByThatTiersQueues) {
  // k = 4 fat-tree: host 0 (tor0, pod 0) to host 15 (tor7, pod 3). A packet that reached
  // agg0 has two next hops, core0 and core1; core0's port is backlogged, so the packet goes
  // on by core1, keeping its first link (tor0 -> agg0). Then core1's port is the busy one.
  topo::FatTreeSpec spec;
  spec.k = 4;
  const topo::Fabric fabric = topo::build_fabric(spec);
  AdaptiveHop policy;
  const Router router(fabric, policy);
  core::Rng rng(3, "routing.packets");
  LinkBacklog backlog(fabric.links.size());
  PacketRouteState state;
  const FlowKey flow{0, 15, 0};
  const topo::PathRange r = fabric.paths_between_hosts(0, 15);
  ASSERT_EQ(r.count, 4u);
  const topo::PathId start = r.first;  // tor0 -> agg0 -> core0 -> agg6 -> tor7
  const topo::PathLinks before = fabric.path(start);
  const topo::NodeId agg = fabric.links[before[0]].dst;
  ASSERT_EQ(fabric.nodes[agg].name, "agg0");
  const std::span<const topo::LinkId> hops = fabric.catalog.next_hops(agg, 7);
  ASSERT_EQ(hops.size(), 2u);
  for (const std::uint32_t busy : {0u, 1u}) {
    backlog.set(hops[busy], 100'000);
    backlog.set(hops[1 - busy], 0);
    const topo::PathId chosen = router.choose_hop(flow, start, agg, rng, backlog, state);
    const topo::PathLinks after = fabric.path(chosen);
    EXPECT_EQ(after[0], before[0]);       // the link before agg0 stays
    EXPECT_EQ(after[1], hops[1 - busy]);  // out of agg0 by the idle core
    EXPECT_EQ(fabric.links[after.back()].dst, fabric.edge_node[7]);
  }
  // Both equal: either, drawn from the stream; both are taken over draws.
  backlog.set(hops[0], 0);
  backlog.set(hops[1], 0);
  std::set<topo::LinkId> taken;
  for (int i = 0; i < 64; ++i)
    taken.insert(fabric.path(router.choose_hop(flow, start, agg, rng, backlog, state))[1]);
  EXPECT_EQ(taken.size(), 2u);
}

TEST(Router, APerHopPolicyNeverTakesANextHopRoutingBelievesDead) {
  topo::FatTreeSpec spec;
  spec.k = 4;
  const topo::Fabric fabric = topo::build_fabric(spec);
  AdaptiveHop policy;
  Router router(fabric, policy);
  core::Rng rng(3, "routing.packets");
  LinkBacklog backlog(fabric.links.size());
  PacketRouteState state;
  const topo::PathId start = fabric.paths_between_hosts(0, 15).first;
  const topo::NodeId agg = fabric.links[fabric.path(start)[0]].dst;
  const std::span<const topo::LinkId> hops = fabric.catalog.next_hops(agg, 7);
  // agg0 -> core1 dies; core0 is backlogged but the only live way on.
  const std::vector<topo::LinkId> dead{hops[1]};
  router.believe(dead, false);
  backlog.set(hops[0], 100'000);
  for (int i = 0; i < 16; ++i) {
    EXPECT_EQ(fabric.path(router.choose_hop({0, 15, 0}, start, agg, rng, backlog, state))[1],
              hops[0]);
  }
}

/// A plan of two flows host 0 -> host 2 (leaf0 -> leaf1): the first cut into two pieces
/// pinned to candidates 1 and 3, the second whole and routed by the policy.
struct Pinned : Fixture {
  std::vector<StepFlow> flows{{0, 2, 1000, 0}, {0, 2, 500, 1}};
  topo::PathRange all = fabric.paths_between_hosts(0, 2);
  Pinned() {
    StepPlan plan;
    plan.add(0, 600, all.first + 1);
    plan.add(0, 400, all.first + 3);
    plan.add(1, 500);
    router.pin(0, flows, plan);
  }
  topo::PathId chosen(std::uint32_t app_flow, std::uint32_t subflow) {
    std::vector<PathShare> out;
    router.choose({0, 2, app_flow, subflow}, out);
    EXPECT_EQ(out.size(), 1u);
    return out.at(0).path;
  }
};

TEST(Router, APinnedSubflowTakesItsPathUntilRoutingBelievesItDead) {
  Pinned f;
  EXPECT_EQ(f.chosen(0, 0), f.all.first + 1);
  EXPECT_EQ(f.chosen(0, 1), f.all.first + 3);
  EXPECT_TRUE(f.router.pinned({0, 2, 1, 0}).empty()) << "an unpinned piece";
  EXPECT_TRUE(f.router.pinned({2, 0, 0, 0, true}).empty()) << "ACKs are never pinned";
  // Spine 1's downlink to leaf1 fails: piece 0 falls back to the policy (ecmp over the live
  // candidates), piece 1 keeps its pin.
  const topo::LinkId dead = f.link("spine1", "leaf1");
  ASSERT_TRUE(f.crosses(f.all.first + 1, dead));
  f.router.believe(std::vector<topo::LinkId>{dead}, false);
  EXPECT_FALSE(f.crosses(f.chosen(0, 0), dead));
  EXPECT_EQ(f.chosen(0, 1), f.all.first + 3);
}

TEST(Router, APlanThatLosesBytesOrPinsAForeignPathIsRefused) {
  Fixture f;
  const std::vector<StepFlow> flows{{0, 2, 1000, 0}};
  StepPlan short_plan;
  short_plan.add(0, 999);
  EXPECT_THROW(f.router.pin(0, flows, short_plan), std::invalid_argument);
  StepPlan foreign;
  foreign.add(0, 1000, f.fabric.paths_between_hosts(0, 4).first);  // leaf0 -> leaf2
  EXPECT_THROW(f.router.pin(0, flows, foreign), std::invalid_argument);
  StepPlan none;
  EXPECT_THROW(f.router.pin(0, flows, none), std::invalid_argument);
}

}  // namespace
}  // namespace fabricsim::routing
