// The Ethereal host rule: a source's batch toward one rack is balanced over the paths it
// believes alive, with n - (n mod s) whole flows and the rest in s / gcd(n mod s, s) pieces.
#include "routing/ethereal.hpp"

#include <gtest/gtest.h>

#include <map>
#include <numeric>

#include "routing/router.hpp"
#include "topo/leaf_spine.hpp"

namespace fabricsim::routing {
namespace {

/// Bytes each first-hop link (leaf0 -> spine j) carries under the plan, and pieces per flow.
struct Loads {
  std::map<topo::LinkId, std::int64_t> uplink;
  std::vector<std::uint32_t> pieces;
};

Loads plan_batch(const topo::Fabric& fabric, Router& router, std::uint32_t n, std::int64_t f) {
  // Host 0 (leaf0) sends n flows of f bytes to the hosts of leaf1 (4 hosts per leaf).
  std::vector<StepFlow> flows;
  for (std::uint32_t i = 0; i < n; ++i) flows.push_back({0, 4 + i % 4, f, i / 4});
  StepPlan plan;
  router.plan(flows, plan);
  router.pin(0, flows, plan);
  Loads out;
  out.pieces.assign(n, 0);
  for (const StepPlan::Piece& piece : plan.pieces()) {
    ++out.pieces[piece.flow];
    const std::span<const PathShare> shares = plan.shares(piece);
    EXPECT_EQ(shares.size(), 1u) << "every piece is source-routed";
    out.uplink[fabric.path(shares[0].path)[0]] += piece.bytes;
  }
  return out;
}

TEST(Ethereal, ABatchLoadsEveryUplinkAlikeWithTheFewestPieces) {
  for (const std::uint32_t s : {2u, 3u, 4u, 8u}) {
    for (std::uint32_t n = 1; n <= 12; ++n) {
      const topo::Fabric fabric =
          topo::build_leaf_spine({.leaves = 2, .spines = s, .hosts_per_leaf = 4});
      const Ethereal policy(7);
      Router router(fabric, policy);
      const std::uint32_t rest = n % s;
      const std::uint32_t k = rest == 0 ? 1 : s / std::gcd(rest, s);
      const std::int64_t f = 840 * k;  // divisible by every piece count and by s
      const Loads loads = plan_batch(fabric, router, n, f);
      ASSERT_EQ(loads.uplink.size(), std::min(s, n * k)) << "s=" << s << " n=" << n;
      for (const auto& [link, bytes] : loads.uplink)
        EXPECT_EQ(bytes, std::int64_t{n} * f / s) << "s=" << s << " n=" << n;
      for (std::uint32_t i = 0; i < n; ++i)
        EXPECT_EQ(loads.pieces[i], i < n - rest ? 1u : k) << "s=" << s << " n=" << n;
    }
  }
}

TEST(Ethereal, PathsBelievedDeadAreSkipped) {
  const topo::Fabric fabric =
      topo::build_leaf_spine({.leaves = 2, .spines = 4, .hosts_per_leaf = 4});
  const Ethereal policy(7);
  Router router(fabric, policy);
  topo::LinkId dead = 0;
  while (fabric.nodes[fabric.links[dead].src].name != "leaf0" ||
         fabric.nodes[fabric.links[dead].dst].name != "spine2")
    ++dead;
  router.believe(std::vector<topo::LinkId>{dead}, false);
  // 4 flows over the 3 live spines: 3 whole, one in 3 pieces; 4f/3 bytes per live uplink.
  const Loads loads = plan_batch(fabric, router, 4, 3000);
  EXPECT_EQ(loads.uplink.count(dead), 0u);
  ASSERT_EQ(loads.uplink.size(), 3u);
  for (const auto& [link, bytes] : loads.uplink) EXPECT_EQ(bytes, 4000);
}

}  // namespace
}  // namespace fabricsim::routing
