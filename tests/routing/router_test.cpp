// The routing point: candidates per host pair as routing believes the fabric, before and
// after links are reported down and up again.
#include "routing/router.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "routing/policies.hpp"
#include "topo/leaf_spine.hpp"

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

}  // namespace
}  // namespace fabricsim::routing
