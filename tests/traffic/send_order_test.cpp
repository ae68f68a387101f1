// The order of a step's demands, which is the order each host's NIC serves its flows:
// staggered (rank i takes peers i+1, i+2, ... mod N, turn by turn) or synchronized (peers in
// index order, the incast). Generation only; tests/engine/send_order_test.cpp runs them.
#include "traffic/send_order.hpp"

#include <gtest/gtest.h>

#include <set>

#include "traffic/workload.hpp"

namespace fabricsim::traffic {
namespace {

using Pairs = std::vector<std::pair<std::uint32_t, std::uint32_t>>;

Pairs pairs_of(const Step& step) {
  Pairs out;
  for (const Demand& d : step.demands) out.emplace_back(d.src, d.dst);
  return out;
}

/// Each source's destinations in the order the step lists them.
std::vector<std::vector<std::uint32_t>> peers_by_source(const Step& step, std::uint32_t n) {
  std::vector<std::vector<std::uint32_t>> out(n);
  for (const Demand& d : step.demands) out[d.src].push_back(d.dst);
  return out;
}

TEST(SendOrder, StaggeredTurnKOfRankIIsIPlusKModN) {
  // N = 5: rank 3 sends to 4, 0, 1, 2; at every turn the ranks' peers form a permutation.
  EXPECT_EQ(send_peer(SendOrder::staggered, 3, 1, 5), 4u);
  EXPECT_EQ(send_peer(SendOrder::staggered, 3, 2, 5), 0u);
  EXPECT_EQ(send_peer(SendOrder::staggered, 3, 4, 5), 2u);
  for (std::uint32_t turn = 1; turn < 5; ++turn) {
    std::set<std::uint32_t> peers;
    for (std::uint32_t i = 0; i < 5; ++i) peers.insert(send_peer(SendOrder::staggered, i, turn, 5));
    EXPECT_EQ(peers.size(), 5u) << "turn " << turn;
  }
}

TEST(SendOrder, SynchronizedTakesPeersInIndexOrderSkippingItself) {
  // N = 5: rank 2 sends to 0, 1, 3, 4; at turn 1 ranks 1..4 all send to rank 0.
  const std::uint32_t expected[] = {0, 1, 3, 4};
  for (std::uint32_t turn = 1; turn < 5; ++turn) {
    EXPECT_EQ(send_peer(SendOrder::synchronized, 2, turn, 5), expected[turn - 1]);
  }
  for (std::uint32_t i = 1; i < 5; ++i) EXPECT_EQ(send_peer(SendOrder::synchronized, i, 1, 5), 0u);
  EXPECT_EQ(send_peer(SendOrder::synchronized, 0, 1, 5), 1u);
}

TEST(AllToAll, DirectStaggeredListsTurnOneOfEveryRankThenTurnTwo) {
  // N = 4, one round: (0,1) (1,2) (2,3) (3,0), then (0,2) (1,3) (2,0) (3,1), then
  // (0,3) (1,0) (2,1) (3,2): every block of N demands is a permutation.
  const Workload w =
      generate({AllToAllSpec{.bytes = core::Bytes(64)}}, Context{.hosts = 4, .seed = 1});
  ASSERT_EQ(w.steps.size(), 1u);
  const Pairs expected{{0, 1}, {1, 2}, {2, 3}, {3, 0}, {0, 2}, {1, 3},
                       {2, 0}, {3, 1}, {0, 3}, {1, 0}, {2, 1}, {3, 2}};
  EXPECT_EQ(pairs_of(w.steps[0]), expected);
}

TEST(AllToAll, DirectSynchronizedKeepsThePlainDoubleLoop) {
  // N = 3: (0,1) (0,2) (1,0) (1,2) (2,0) (2,1); every rank's first peer is 0 (rank 0's is 1).
  const AllToAllSpec spec{.bytes = core::Bytes(64), .order = SendOrder::synchronized};
  const Workload w = generate({spec}, Context{.hosts = 3, .seed = 1});
  const Pairs expected{{0, 1}, {0, 2}, {1, 0}, {1, 2}, {2, 0}, {2, 1}};
  EXPECT_EQ(pairs_of(w.steps[0]), expected);
}

TEST(AllToAll, DirectStaggeredInGroupsStartsEachRankAtItsNextGroupMember) {
  // 8 hosts in groups of 4 on placed hosts 10..17: rank 4 + i of group 1 sends to
  // 4 + (i + 1) mod 4 first, so host 17 (rank 7) starts with host 14 (rank 4).
  AllToAllSpec spec{.bytes = core::Bytes(64), .group_size = 4};
  spec.placement = {Placement::Kind::contiguous, 8, 10};
  const Workload w = generate({spec}, Context{.hosts = 20, .seed = 1});
  const auto peers = peers_by_source(w.steps[0], 20);
  EXPECT_EQ(peers[10], (std::vector<std::uint32_t>{11, 12, 13}));
  EXPECT_EQ(peers[17], (std::vector<std::uint32_t>{14, 15, 16}));
  // The first 8 demands are turn 1 of all 8 ranks.
  for (std::uint32_t i = 0; i < 8; ++i) EXPECT_EQ(w.steps[0].demands[i].src, 10 + i);
}

TEST(AllToAll, PairwiseRoundRSendsToIPlusROrToPeerRInIndexOrder) {
  // N = 4 pairwise: staggered round r goes to i + r mod 4 (rank i sends to i + r and hears
  // from i - r, as NCCL pairs its peers); synchronized round r to the r-th peer in index
  // order, so round 1 is a 3-to-1 incast onto rank 0.
  for (const SendOrder order : send_orders()) {
    const AllToAllSpec spec{
        .bytes = core::Bytes(64), .algorithm = Algorithm::pairwise, .order = order};
    const Workload w = generate({spec}, Context{.hosts = 4, .seed = 1});
    ASSERT_EQ(w.steps.size(), 3u);
    for (std::uint32_t r = 1; r <= 3; ++r) {
      for (const Demand& d : w.steps[r - 1].demands) {
        EXPECT_EQ(d.dst, send_peer(order, d.src, r, 4)) << send_order_name(order) << " round " << r;
      }
    }
  }
  const AllToAllSpec sync{
      .bytes = core::Bytes(64), .algorithm = Algorithm::pairwise, .order = SendOrder::synchronized};
  // The workload is named: a range-for over a member of a temporary would read freed memory.
  const Workload synchronized = generate({sync}, Context{.hosts = 4, .seed = 1});
  std::multiset<std::uint32_t> first_round;
  for (const Demand& d : synchronized.steps[0].demands) first_round.insert(d.dst);
  EXPECT_EQ(first_round.count(0), 3u);
}

TEST(Collective, DirectReduceScatterAndAllGatherStaggerByRank) {
  // Direct all-reduce on N = 4 (M = 8 B, shards of 2 B): both rounds list turn 1 of every
  // rank first, rank i sending to i + 1 mod 4.
  const CollectiveSpec spec{.algorithm = Algorithm::direct, .bytes = core::Bytes(8)};
  const Workload w = generate({spec}, Context{.hosts = 4, .seed = 1});
  ASSERT_EQ(w.steps.size(), 2u);
  for (const Step& step : w.steps) {
    ASSERT_EQ(step.demands.size(), 12u);
    for (std::uint32_t k = 0; k < 12; ++k) {
      EXPECT_EQ(step.demands[k].src, k % 4);
      EXPECT_EQ(step.demands[k].dst, (k % 4 + k / 4 + 1) % 4);
    }
  }
  CollectiveSpec sync = spec;
  sync.order = SendOrder::synchronized;
  const auto peers = peers_by_source(generate({sync}, Context{.hosts = 4, .seed = 1}).steps[0], 4);
  EXPECT_EQ(peers[2], (std::vector<std::uint32_t>{0, 1, 3}));
}

/// 8 GPUs, one expert each, top-1, BASE balancing: every pair carries 8 tokens, so every
/// pair has a flow and the demand order is the whole schedule.
MoeSpec balanced_moe(SendOrder order) {
  MoeSpec spec;
  spec.experts = 8;
  spec.top_k = 1;
  spec.tokens_per_gpu = 64;
  spec.hidden = 16;
  spec.balancer.kind = BalancerSpec::Kind::balanced;
  spec.order = order;
  return spec;
}

TEST(Moe, DispatchIsStaggeredBySourceAndCombineReturnsItInTheSamePositions) {
  // Dispatch demand k: turn k / 8 + 1 of source k mod 8, to source + turn. Combine demand k
  // is dispatch demand k reversed: in turn t GPU g returns to g - t the tokens it got then.
  const Workload w = generate({balanced_moe(SendOrder::staggered)}, Context{.hosts = 8, .seed = 1});
  ASSERT_EQ(w.steps.size(), 2u);
  const Step& dispatch = w.steps[0];
  const Step& combine = w.steps[1];
  ASSERT_EQ(dispatch.demands.size(), 56u);
  ASSERT_EQ(combine.demands.size(), 56u);
  for (std::uint32_t k = 0; k < 56; ++k) {
    const std::uint32_t src = k % 8, turn = k / 8 + 1;
    EXPECT_EQ(dispatch.demands[k].src, src);
    EXPECT_EQ(dispatch.demands[k].dst, (src + turn) % 8);
    EXPECT_EQ(combine.demands[k].src, dispatch.demands[k].dst);
    EXPECT_EQ(combine.demands[k].dst, src);
  }
  const auto back = peers_by_source(combine, 8);
  EXPECT_EQ(back[0], (std::vector<std::uint32_t>{7, 6, 5, 4, 3, 2, 1}));
}

TEST(Moe, SynchronizedDispatchSendsToGpuZeroFirst) {
  const Workload w =
      generate({balanced_moe(SendOrder::synchronized)}, Context{.hosts = 8, .seed = 1});
  const auto dispatch = peers_by_source(w.steps[0], 8);
  const auto combine = peers_by_source(w.steps[1], 8);
  for (std::uint32_t g = 1; g < 8; ++g) {
    EXPECT_EQ(dispatch[g].front(), 0u) << g;
    EXPECT_EQ(combine[g].front(), 0u) << g;
  }
}

}  // namespace
}  // namespace fabricsim::traffic
