// Collective generation (no engine): the flows of each round, their bytes, partners and
// dependencies, chunk pipelining and iterations; all expectations derived in comments.
#include "traffic/collective.hpp"

#include <gtest/gtest.h>

#include <map>
#include <numeric>
#include <set>

#include "traffic/workload.hpp"

namespace fabricsim::traffic {
namespace {

Workload make(CollectiveSpec spec, std::uint32_t n) {
  return generate({spec}, Context{.hosts = n, .seed = 1});
}

/// Bytes each host sends over the whole workload.
std::map<std::uint32_t, std::int64_t> sent(const Workload& w) {
  std::map<std::uint32_t, std::int64_t> out;
  for (const Step& s : w.steps) {
    for (const Demand& d : s.demands) out[d.src] += d.bytes.count();
  }
  return out;
}

TEST(Collective, RingAllReduceSendsTwoNMinusOneOverNOfTheBuffer) {
  // Ring all-reduce on N = 8: 2(N-1) = 14 rounds, each rank sends M/N per round to its
  // successor, 2(N-1)/N x M in all; M = 8 MiB divides evenly.
  CollectiveSpec spec{.bytes = core::Bytes(8 << 20)};
  const Workload w = make(spec, 8);
  ASSERT_EQ(w.steps.size(), 14u);
  for (std::size_t s = 0; s < w.steps.size(); ++s) {
    ASSERT_EQ(w.steps[s].demands.size(), 8u);
    for (const Demand& d : w.steps[s].demands) EXPECT_EQ(d.dst, (d.src + 1) % 8);
    if (s > 0) {
      EXPECT_EQ(w.steps[s].deps, std::vector<std::uint32_t>{static_cast<std::uint32_t>(s - 1)});
    }
  }
  for (const auto& [host, bytes] : sent(w)) EXPECT_EQ(bytes, 14 * (1 << 20)) << host;
}

TEST(Collective, RingShardsKeepEveryByteOfAnUnevenBuffer) {
  // 1001 B on 4 ranks: shards of 251, 250, 250, 250 B. Reduce-scatter sends N-1 = 3 shards per
  // rank; every shard crosses N-1 = 3 links, so all ranks together send 3 x 1001 B.
  CollectiveSpec spec{.op = CollectiveSpec::Op::reduce_scatter, .bytes = core::Bytes(1001)};
  const auto bytes = sent(make(spec, 4));
  const std::int64_t total =
      std::accumulate(bytes.begin(), bytes.end(), std::int64_t{0},
                      [](std::int64_t a, const auto& kv) { return a + kv.second; });
  EXPECT_EQ(total, 3 * 1001);
}

TEST(Collective, HalvingDoublingExchangesWithPartnersAtHalvingDistances) {
  // N = 8: reduce-scatter partners at distance 4, 2, 1 with 1/2, 1/4, 1/8 of the buffer;
  // all-gather back at distance 1, 2, 4 with 1/8, 1/4, 1/2.
  CollectiveSpec spec{.algorithm = Algorithm::halving_doubling, .bytes = core::Bytes(800)};
  const Workload w = make(spec, 8);
  ASSERT_EQ(w.steps.size(), 6u);
  const std::uint32_t distance[] = {4, 2, 1, 1, 2, 4};
  const std::int64_t bytes[] = {400, 200, 100, 100, 200, 400};
  for (std::size_t s = 0; s < 6; ++s) {
    for (const Demand& d : w.steps[s].demands) {
      EXPECT_EQ(d.src ^ d.dst, distance[s]);
      EXPECT_EQ(d.bytes.count(), bytes[s]);
    }
  }
  EXPECT_FALSE(unsupported(CollectiveSpec::Op::all_reduce, Algorithm::halving_doubling, 6).empty());
  EXPECT_THROW(make(spec, 6), std::invalid_argument);
}

TEST(Collective, DoubleBinaryTreeReducesUpAndBroadcastsDownBothTrees) {
  // N = 7 is a full heap of depth 2: 2 reduce rounds up, 2 broadcast rounds down; each
  // non-root node of each tree sends half the buffer up once and receives it once down.
  CollectiveSpec spec{.algorithm = Algorithm::double_binary_tree, .bytes = core::Bytes(1000)};
  const Workload w = make(spec, 7);
  ASSERT_EQ(w.steps.size(), 4u);
  std::map<std::pair<std::uint32_t, std::uint32_t>, int> up, down;
  for (std::size_t s = 0; s < 4; ++s) {
    for (const Demand& d : w.steps[s].demands) {
      EXPECT_EQ(d.bytes.count(), 500);
      ++(s < 2 ? up : down)[{d.src, d.dst}];
    }
  }
  EXPECT_EQ(up.size(), 12u);  // 6 child->parent edges in each of the two trees
  for (const auto& [edge, n] : up) EXPECT_EQ(down.count({edge.second, edge.first}), 1u);
}

TEST(Collective, ChunksPipelineRoundsAndKeepTheBytes) {
  // Ring all-gather on 4 ranks in 3 chunks: 3 x 3 steps; chunk c's round s waits for round
  // s-1 of chunk c and round s of chunk c-1.
  CollectiveSpec spec{
      .op = CollectiveSpec::Op::all_gather, .bytes = core::Bytes(1200), .chunks = 3};
  const Workload w = make(spec, 4);
  ASSERT_EQ(w.steps.size(), 9u);
  EXPECT_TRUE(w.steps[0].deps.empty());
  EXPECT_EQ(w.steps[1].deps, std::vector<std::uint32_t>{0});
  EXPECT_EQ(w.steps[3].deps, std::vector<std::uint32_t>{0});
  EXPECT_EQ(w.steps[4].deps, (std::vector<std::uint32_t>{3, 1}));
  for (const auto& [host, bytes] : sent(w)) EXPECT_EQ(bytes, 3 * 300) << host;
}

TEST(Collective, IterationsAreSeparatedByComputeSteps) {
  CollectiveSpec spec{.algorithm = Algorithm::direct,
                      .bytes = core::Bytes(400),
                      .iterations = 3,
                      .compute = core::Time::us(5)};
  const Workload w = make(spec, 4);
  // Per iteration: reduce-scatter round + all-gather round; a compute step between iterations.
  ASSERT_EQ(w.steps.size(), 3u * 2 + 2);
  EXPECT_EQ(w.steps[2].kind, "compute");
  EXPECT_EQ(w.steps[2].compute, core::Time::us(5));
  EXPECT_EQ(w.steps[3].deps, std::vector<std::uint32_t>{2});
  EXPECT_EQ(w.steps[7].iteration, 2);
}

TEST(AllToAll, PairwiseVisitsEveryPeerOnceInNMinusOneRounds) {
  AllToAllSpec spec{.bytes = core::Bytes(64), .algorithm = Algorithm::pairwise};
  const Workload w = generate({spec}, Context{.hosts = 6, .seed = 1});
  ASSERT_EQ(w.steps.size(), 5u);
  std::set<std::pair<std::uint32_t, std::uint32_t>> pairs;
  for (const Step& s : w.steps) {
    std::set<std::uint32_t> senders;
    for (const Demand& d : s.demands) {
      EXPECT_TRUE(pairs.insert({d.src, d.dst}).second) << "a pair repeats";
      senders.insert(d.src);
    }
    EXPECT_EQ(senders.size(), 6u) << "every rank sends once per round";
  }
  EXPECT_EQ(pairs.size(), 30u);
}

/// Every demand's bytes, summed over the workload.
std::int64_t total_bytes(const Workload& w) {
  std::int64_t out = 0;
  for (const Step& s : w.steps) {
    for (const Demand& d : s.demands) out += d.bytes.count();
  }
  return out;
}

std::uint64_t demand_count(const Workload& w) {
  std::uint64_t out = 0;
  for (const Step& s : w.steps) out += s.demands.size();
  return out;
}

TEST(Collective, EveryAlgorithmSendsItsExactTotalOfAnUnevenChunkedBuffer) {
  // M = 1000003 B (prime) in 3 chunks on N = 8: every algorithm moves each byte of the buffer
  // (N-1) times per phase, so all ranks together send (N-1) M for a reduce-scatter or an
  // all-gather and 2 (N-1) M for an all-reduce. Ring: N-1 hops per shard; direct: N-1 copies;
  // halving-doubling: M/2 + M/4 + ... + M/N = (N-1)/N M per rank; tree: every non-root node
  // of each tree sends its half once up and receives it once down. Remainder bytes included.
  constexpr std::int64_t kM = 1'000'003;
  using Op = CollectiveSpec::Op;
  for (const Op op : {Op::all_reduce, Op::reduce_scatter, Op::all_gather}) {
    for (const Algorithm algorithm : algorithms_for(op)) {
      const CollectiveSpec spec{
          .op = op, .algorithm = algorithm, .bytes = core::Bytes(kM), .chunks = 3};
      SCOPED_TRACE(std::string(kind_name(spec)) + " " + algorithm_name(algorithm));
      const Workload w = make(spec, 8);
      EXPECT_EQ(total_bytes(w), (op == Op::all_reduce ? 2 : 1) * 7 * kM);
      // The reader's flow limit uses collective_flows: it must count what is generated.
      EXPECT_EQ(demand_count(w), collective_flows(spec, 8));
      for (const Step& s : w.steps) {
        EXPECT_EQ(s.kind, kind_name(spec));
        EXPECT_EQ(s.layer, -1);
      }
    }
  }
}

TEST(Collective, DirectReduceScattersShardJToRankJThenGathersOwnShards) {
  // M = 10 B on 4 ranks: shards of 3, 3, 2, 2 B. Reduce-scatter: rank i sends shard j to rank
  // j (the receiver's shard size); all-gather: rank i sends its shard i (the sender's size).
  const CollectiveSpec spec{.algorithm = Algorithm::direct, .bytes = core::Bytes(10)};
  const Workload w = make(spec, 4);
  ASSERT_EQ(w.steps.size(), 2u);
  const std::int64_t shard[] = {3, 3, 2, 2};
  for (const Demand& d : w.steps[0].demands) EXPECT_EQ(d.bytes.count(), shard[d.dst]);
  for (const Demand& d : w.steps[1].demands) EXPECT_EQ(d.bytes.count(), shard[d.src]);
  EXPECT_EQ(w.steps[1].deps, std::vector<std::uint32_t>{0});
}

TEST(Collective, DoubleBinaryTreesCarryTheTwoHalvesOfAnOddBuffer) {
  // M = 7 B: tree A carries the first half (4 B), tree B the second (3 B); on N = 2 tree A is
  // 1 -> 0 and tree B (mirrored) is 0 -> 1, so the reduce round sends 4 B up and 3 B down.
  const CollectiveSpec spec{.algorithm = Algorithm::double_binary_tree, .bytes = core::Bytes(7)};
  const Workload w = make(spec, 2);
  ASSERT_EQ(w.steps.size(), 2u);
  ASSERT_EQ(w.steps[0].demands.size(), 2u);
  for (const Demand& d : w.steps[0].demands) EXPECT_EQ(d.bytes.count(), d.src == 1 ? 4 : 3);
  for (const Demand& d : w.steps[1].demands) EXPECT_EQ(d.bytes.count(), d.dst == 1 ? 4 : 3);
}

TEST(Collective, PlacementMapsRanksToHostsAndStartDelaysOnlyTheFirstRound) {
  // Ranks 0..3 on hosts 1, 3, 5, 7 (strided): the ring's successor of host 7 is host 1.
  CollectiveSpec spec{.bytes = core::Bytes(4096), .chunks = 2, .start = core::Time::us(3)};
  spec.placement = {Placement::Kind::strided, 4, 1, 2};
  const Workload w = make(spec, 8);
  ASSERT_EQ(w.steps.size(), 2u * 6);
  for (const Demand& d : w.steps[0].demands) EXPECT_EQ(d.dst, d.src == 7 ? 1u : d.src + 2);
  EXPECT_EQ(w.steps[0].delay, core::Time::us(3));
  for (std::size_t s = 1; s < w.steps.size(); ++s) EXPECT_EQ(w.steps[s].delay, core::Time{}) << s;
}

TEST(Collective, IterationsWithoutComputeChainDirectly) {
  // compute = 0: no compute step; iteration 1's first round waits for iteration 0's last.
  const CollectiveSpec spec{
      .op = CollectiveSpec::Op::reduce_scatter, .bytes = core::Bytes(64), .iterations = 2};
  const Workload w = make(spec, 4);
  ASSERT_EQ(w.steps.size(), 6u);
  EXPECT_EQ(w.steps[3].deps, std::vector<std::uint32_t>{2});
  EXPECT_EQ(w.steps[3].iteration, 1);
}

TEST(AllToAll, PairwiseRoundsChainAndChunksKeepEveryPairsBytes) {
  // 4 ranks, 2 chunks of 1001 B (501 + 500): 3 rounds per chunk; round r of chunk 0 depends
  // on round r-1 of chunk 0; every ordered pair gets 1001 B in all.
  const AllToAllSpec spec{
      .bytes = core::Bytes(1001), .algorithm = Algorithm::pairwise, .chunks = 2};
  const Workload w = generate({spec}, Context{.hosts = 4, .seed = 1});
  ASSERT_EQ(w.steps.size(), 6u);
  EXPECT_TRUE(w.steps[0].deps.empty());
  EXPECT_EQ(w.steps[1].deps, std::vector<std::uint32_t>{0});
  EXPECT_EQ(w.steps[2].deps, std::vector<std::uint32_t>{1});
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::int64_t> pair_bytes;
  for (std::size_t s = 0; s < 3; ++s) {
    for (const Demand& d : w.steps[s].demands) {
      EXPECT_EQ(d.dst, (d.src + s + 1) % 4);
      EXPECT_EQ(d.bytes.count(), 501);
    }
  }
  for (const Step& s : w.steps) {
    for (const Demand& d : s.demands) pair_bytes[{d.src, d.dst}] += d.bytes.count();
  }
  ASSERT_EQ(pair_bytes.size(), 12u);
  for (const auto& [pair, bytes] : pair_bytes) EXPECT_EQ(bytes, 1001);
}

TEST(AllToAll, DirectIsOneRoundOfEveryPairWithinEachGroup) {
  const AllToAllSpec spec{.bytes = core::Bytes(64), .group_size = 3};
  const Workload w = generate({spec}, Context{.hosts = 6, .seed = 1});
  ASSERT_EQ(w.steps.size(), 1u);
  EXPECT_EQ(w.steps[0].demands.size(), 2u * 3 * 2);
  for (const Demand& d : w.steps[0].demands) EXPECT_EQ(d.src / 3, d.dst / 3);
}

}  // namespace
}  // namespace fabricsim::traffic
