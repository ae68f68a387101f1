#include "net/packet.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <vector>

#include "core/rng.hpp"

namespace fabricsim::net {
namespace {

Packet numbered(std::uint32_t seq) {
  Packet p{};
  p.seq = seq;
  p.flow = 7;
  p.next = 12345;  // push() must overwrite it
  return p;
}

/// The slots from the head through Packet::next, as the packets' numbers.
std::vector<std::uint32_t> walk(const PacketPool& pool, const PacketFifo& fifo) {
  std::vector<std::uint32_t> seqs;
  for (std::uint32_t s = fifo.head; s != kNone; s = pool[s].next) seqs.push_back(pool[s].seq);
  return seqs;
}

TEST(PacketPool, FifosKeepOrderAndShareBlocksOnlyWithThemselves) {
  PacketPool pool;
  PacketFifo a;
  PacketFifo b;
  // Interleaved pushes: each FIFO fills its own blocks, so consecutive packets of one FIFO
  // sit in consecutive slots of a block.
  std::vector<std::uint32_t> slots_a;
  for (std::uint32_t i = 0; i < 9; ++i) {
    slots_a.push_back(pool.push(a, numbered(i)));
    pool.push(b, numbered(100 + i));
  }
  EXPECT_EQ(walk(pool, a), (std::vector<std::uint32_t>{0, 1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(pool[a.tail].next, kNone);
  for (std::size_t i = 0; i + 1 < slots_a.size(); ++i) {
    if (slots_a[i] % PacketPool::kBlock != PacketPool::kBlock - 1) {
      EXPECT_EQ(slots_a[i + 1], slots_a[i] + 1);
    }
  }
  // 9 packets each: 5 blocks of 2 per FIFO.
  EXPECT_EQ(pool.capacity(),
            2 * ((9 + PacketPool::kBlock - 1) / PacketPool::kBlock) * PacketPool::kBlock);
  for (std::uint32_t i = 0; i < 9; ++i) {
    ASSERT_FALSE(a.empty());
    EXPECT_EQ(pool[a.head].seq, i);
    pool.pop(a);
  }
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(walk(pool, b).size(), 9u);
}

TEST(PacketPool, FreedBlocksAreReusedLastFreedFirst) {
  PacketPool pool;
  PacketFifo a;
  for (std::uint32_t i = 0; i < 2 * PacketPool::kBlock; ++i) pool.push(a, numbered(i));
  const std::size_t grown = pool.capacity();
  const std::uint32_t second_block = a.tail / PacketPool::kBlock * PacketPool::kBlock;
  ASSERT_NE(second_block, a.head / PacketPool::kBlock * PacketPool::kBlock);
  for (std::uint32_t i = 0; i < PacketPool::kBlock; ++i) pool.pop(a);  // frees the first block
  pool.clear(a);  // frees the second block last
  PacketFifo c;
  EXPECT_EQ(pool.push(c, numbered(50)), second_block);  // still in the cache
  EXPECT_EQ(pool.capacity(), grown);
}

TEST(PacketPool, RandomTrafficMatchesDequesWithoutGrowingPastTheLiveBlocks) {
  // 16 FIFOs, random pushes and pops against std::deque references. A FIFO of n packets
  // spans at most ceil(n / kBlock) + 1 blocks (a partly used one at each end), and the pool
  // never allocates more blocks than the FIFOs spanned at once.
  core::Rng rng(3, "packet_pool_test");
  PacketPool pool;
  std::vector<PacketFifo> fifos(16);
  std::vector<std::deque<std::uint32_t>> reference(16);
  std::size_t most_blocks = 0;
  std::uint32_t seq = 0;
  for (int step = 0; step < 200'000; ++step) {
    const auto f = static_cast<std::size_t>(rng.below(fifos.size()));
    if (rng.below(100) < 52 || reference[f].empty()) {
      pool.push(fifos[f], numbered(seq));
      reference[f].push_back(seq++);
    } else {
      ASSERT_EQ(pool[fifos[f].head].seq, reference[f].front());
      pool.pop(fifos[f]);
      reference[f].pop_front();
    }
    std::size_t blocks = 0;
    for (const auto& r : reference) {
      if (!r.empty()) blocks += (r.size() + PacketPool::kBlock - 1) / PacketPool::kBlock + 1;
    }
    most_blocks = std::max(most_blocks, blocks);
    if (step % 997 == 0) {
      for (std::size_t i = 0; i < fifos.size(); ++i) {
        ASSERT_EQ(walk(pool, fifos[i]),
                  std::vector<std::uint32_t>(reference[i].begin(), reference[i].end()));
      }
    }
  }
  EXPECT_LE(pool.capacity(), most_blocks * PacketPool::kBlock);
  for (PacketFifo& fifo : fifos) pool.clear(fifo);
  for (const PacketFifo& fifo : fifos) EXPECT_TRUE(fifo.empty());
}

}  // namespace
}  // namespace fabricsim::net
