#include "net/scoreboard.hpp"

#include <gtest/gtest.h>

namespace fabricsim::net {
namespace {

using core::Time;

TEST(Scoreboard, FlagsOfOnePacketAreIndependentOfEachOtherAndOfItsNeighbours) {
  Scoreboard board;
  board.reset(130, 4);
  board.set(64, Scoreboard::kLost, true);
  board.set(129, Scoreboard::kAcked, true);
  EXPECT_TRUE(board.test(64, Scoreboard::kLost));
  EXPECT_FALSE(board.test(64, Scoreboard::kAcked));
  EXPECT_FALSE(board.test(64, Scoreboard::kResent));
  EXPECT_FALSE(board.test(63, Scoreboard::kLost));
  EXPECT_FALSE(board.test(65, Scoreboard::kLost));
  EXPECT_TRUE(board.test(129, Scoreboard::kAcked));
  board.set(64, Scoreboard::kLost, false);
  EXPECT_FALSE(board.test(64, Scoreboard::kLost));
}

TEST(Scoreboard, SendTimesSurviveTheRingGrowingAndFlagsTheCopy) {
  // 4 slots; packets 0..9 sent 1 us apart while 0 and 1 stay unacknowledged: the timed span
  // reaches 10, so the ring doubles twice (8, then 16), keeping every time and every flag.
  Scoreboard board;
  board.reset(10, 4);
  board.set(5, Scoreboard::kResent, true);
  for (std::uint32_t seq = 0; seq < 10; ++seq) board.push_sent(0, seq, Time::us(seq));
  for (std::uint32_t seq = 0; seq < 10; ++seq) EXPECT_EQ(board.sent(seq), Time::us(seq));
  EXPECT_TRUE(board.test(5, Scoreboard::kResent));
  board.set_sent(1, Time::us(50));  // a resend
  EXPECT_EQ(board.sent(1), Time::us(50));
}

TEST(Scoreboard, ASlidingSpanWrapsAroundTheRingAndKeepsTheLatestTimes) {
  // The lowest unacknowledged packet follows 2 behind: 1,000 packets wrap around 4 slots.
  Scoreboard board;
  board.reset(1000, 4);
  for (std::uint32_t seq = 0; seq < 1000; ++seq) {
    board.push_sent(seq < 2 ? 0 : seq - 2, seq, Time::ns(seq));
  }
  EXPECT_EQ(board.sent(997), Time::ns(997));
  EXPECT_EQ(board.sent(999), Time::ns(999));
}

}  // namespace
}  // namespace fabricsim::net
