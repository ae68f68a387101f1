#include "net/ring.hpp"

#include <gtest/gtest.h>

namespace fabricsim::net {
namespace {

TEST(Ring, KeepsEachValueAtItsPositionWhileItGrows) {
  // Room for 4: pushing 10 values while keeping only the last 6 needs 8 slots, and every
  // value stays readable at its position through both doublings.
  Ring<int> ring;
  ring.reset(3);
  EXPECT_EQ(ring.capacity(), 4u);
  for (int v = 0; v < 10; ++v) {
    ring.push_back(100 + v);
    if (ring.end() - ring.first() > 6) ring.pop_front();
  }
  EXPECT_EQ(ring.first(), 4u);
  EXPECT_EQ(ring.end(), 10u);
  EXPECT_EQ(ring.capacity(), 8u);
  for (std::uint32_t p = ring.first(); p < ring.end(); ++p)
    EXPECT_EQ(ring[p], 100 + static_cast<int>(p));
}

TEST(Ring, ReusesItsSlotsWhenTheSpanStaysWithinCapacity) {
  // A sliding span of 3 over 1,000 positions never grows a ring of 4.
  Ring<int> ring;
  ring.reset(4);
  for (int v = 0; v < 1000; ++v) {
    ring.push_back(v);
    if (ring.end() - ring.first() == 3) ring.drop_before(ring.first() + 1);
  }
  EXPECT_EQ(ring.capacity(), 4u);
  EXPECT_EQ(ring.front(), 998);
}

}  // namespace
}  // namespace fabricsim::net
