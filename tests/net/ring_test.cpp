#include "net/ring.hpp"

#include <gtest/gtest.h>

namespace fabricsim::net {
namespace {

TEST(Ring, PopsInPushOrderWhileItGrows) {
  // 10 values pushed while the oldest beyond 6 are popped: the ring doubles from 4 to 8 with
  // values wrapped around, and still pops 4, 5, ..., 9 in order.
  Ring<int> ring;
  int popped = 0;
  for (int v = 0; v < 10; ++v) {
    ring.push_back(v);
    if (ring.size() > 6) {
      EXPECT_EQ(ring.front(), popped++);
      ring.pop_front();
    }
  }
  for (int expected = 4; expected < 10; ++expected) {
    ASSERT_FALSE(ring.empty());
    EXPECT_EQ(ring.front(), expected);
    ring.pop_front();
  }
  EXPECT_TRUE(ring.empty());
}

TEST(Ring, ASlidingWindowWrapsAroundItsSlots) {
  // 1,000 values through a window of 3: positions wrap many times around 4 slots.
  Ring<int> ring;
  for (int v = 0; v < 1000; ++v) {
    ring.push_back(v);
    if (ring.size() == 3) ring.pop_front();
  }
  EXPECT_EQ(ring.size(), 2u);
  EXPECT_EQ(ring.front(), 998);
}

}  // namespace
}  // namespace fabricsim::net
