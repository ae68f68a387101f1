#include "net/window_sender.hpp"

#include <gtest/gtest.h>

namespace fabricsim::net {
namespace {

using core::Time;

constexpr std::int64_t kMss = 1000;
const WindowParams kParams{
    .mss = kMss, .reorder_threshold = 3, .min_rto = Time::us(100), .gain = 0.25};

/// Sends every packet the window allows at `now`; returns how many.
int send_all(WindowSender& s, Time now) {
  int n = 0;
  bool retransmit = false;
  while (s.can_send()) {
    s.take(now, kParams, retransmit);
    ++n;
  }
  return n;
}

TEST(WindowSender, WindowLimitsPacketsInFlight) {
  WindowSender s;
  s.start(100, 100 * kMss, kMss, 4 * kMss);
  EXPECT_EQ(send_all(s, Time{}), 4);
  EXPECT_EQ(s.in_flight(), 4 * kMss);
  // Slow start: each acknowledged packet opens the window by its payload, so two more go.
  s.on_ack(0, false, false, Time::us(10), kParams);
  EXPECT_DOUBLE_EQ(s.cwnd(), 5 * kMss);
  EXPECT_EQ(send_all(s, Time::us(10)), 2);
}

TEST(WindowSender, LastPacketCarriesTheRemainder) {
  WindowSender s;
  s.start(3, 2 * kMss + 1, kMss, 10 * kMss);
  EXPECT_EQ(s.payload(0), kMss);
  EXPECT_EQ(s.payload(2), 1);
  EXPECT_EQ(send_all(s, Time{}), 3);
  EXPECT_EQ(s.in_flight(), 2 * kMss + 1);
}

TEST(WindowSender, ReorderingShorterThanTheThresholdIsNotALoss) {
  // Threshold 3: packet 0 missing while 1, 2, 3 are acknowledged is reordering; once 4 (= 0 + 3 +
  // 1) is acknowledged, 0 is deemed lost and is the next packet sent.
  WindowSender s;
  s.start(10, 10 * kMss, kMss, 10 * kMss);
  send_all(s, Time{});
  for (std::uint32_t seq = 1; seq <= 3; ++seq) s.on_ack(seq, false, false, Time::us(5), kParams);
  EXPECT_FALSE(s.can_send());  // all 10 sent, none lost
  s.on_ack(4, false, false, Time::us(5), kParams);
  ASSERT_TRUE(s.can_send());
  bool retransmit = false;
  EXPECT_EQ(s.take(Time::us(5), kParams, retransmit), 0u);
  EXPECT_TRUE(retransmit);
  // A loss halves the window once: 10 + 4 acked in slow start = 14 packets -> 7.
  EXPECT_DOUBLE_EQ(s.cwnd(), 7 * kMss);
}

TEST(WindowSender, LateAckOfAPacketDeemedLostCancelsItsRetransmission) {
  WindowSender s;
  s.start(10, 10 * kMss, kMss, 10 * kMss);
  send_all(s, Time{});
  for (std::uint32_t seq = 1; seq <= 4; ++seq) s.on_ack(seq, false, false, Time::us(5), kParams);
  EXPECT_TRUE(s.can_send());  // packet 0 waits to be resent
  s.on_ack(0, false, false, Time::us(6), kParams);
  EXPECT_FALSE(s.can_send());  // it arrived after all: nothing to resend, nothing new left
  EXPECT_EQ(s.in_flight(), 5 * kMss);
}

/// Sends what the window allows, then acknowledges all of it in order, marking every
/// `mark_every`-th ACK (0: none); returns the next packet number.
std::uint32_t round_trip(WindowSender& s, std::uint32_t next, int mark_every) {
  send_all(s, Time::us(1));
  for (int i = 1; s.in_flight() > 0; ++i) {
    s.on_ack(next++, mark_every > 0 && i % mark_every == 0, false, Time::us(2), kParams);
  }
  return next;
}

TEST(WindowSender, EcnEchoCutsTheWindowByHalfAlphaOncePerWindow) {
  // The first ACK closes the first observation window: alpha = (1 - g) x 1 + g x 1 = 1, and
  // its echo cuts cwnd by alpha / 2, once: the next echo of the same window leaves it alone.
  WindowSender s;
  s.start(1000, 1000 * kMss, kMss, 4 * kMss);
  send_all(s, Time{});
  s.on_ack(0, true, false, Time::us(1), kParams);
  EXPECT_DOUBLE_EQ(s.alpha(), 1.0);
  EXPECT_DOUBLE_EQ(s.cwnd(), 2 * kMss);
  s.on_ack(1, true, false, Time::us(1), kParams);
  EXPECT_DOUBLE_EQ(s.cwnd(), 2 * kMss);
}

TEST(WindowSender, AlphaDecaysWithoutMarksAndStaysAtOneWhenAllAreMarked) {
  // No marks: each window's update multiplies alpha by (1 - g) = 0.75.
  WindowSender quiet;
  quiet.start(100'000, 100'000 * kMss, kMss, 4 * kMss);
  std::uint32_t next = 0;
  for (int r = 0; r < 6; ++r) next = round_trip(quiet, next, 0);
  EXPECT_LT(quiet.alpha(), 0.75 * 0.75 * 0.75 * 0.75 * 0.75 * 0.75 + 1e-9);
  EXPECT_GT(quiet.alpha(), 0.0);
  // Every ACK marked: F = 1 in every window, alpha stays 1 and the window sits at one packet.
  WindowSender marked;
  marked.start(100'000, 100'000 * kMss, kMss, 64 * kMss);
  next = 0;
  for (int r = 0; r < 20; ++r) next = round_trip(marked, next, 1);
  EXPECT_DOUBLE_EQ(marked.alpha(), 1.0);
  EXPECT_DOUBLE_EQ(marked.cwnd(), kMss);
}

TEST(WindowSender, TimeoutResendsEverythingUnacknowledgedFromOnePacket) {
  WindowParams params = kParams;
  params.tail_loss_probe = false;  // the probe would come first
  WindowSender s;
  s.start(8, 8 * kMss, kMss, 8 * kMss);
  send_all(s, Time{});
  EXPECT_EQ(s.deadline(), Time::us(100));  // min_rto: no RTT sample yet
  s.on_ack(2, false, false, Time::us(10), params);
  EXPECT_EQ(s.deadline(), Time::us(100));  // a selective ACK does not restart the timer
  EXPECT_TRUE(s.on_timer(Time::us(100), params).timeout);
  EXPECT_DOUBLE_EQ(s.cwnd(), kMss);
  EXPECT_EQ(s.deadline(), Time::us(300));  // backed off: 2 x 100 us after the timeout
  bool retransmit = false;
  EXPECT_EQ(s.take(Time::us(100), params, retransmit), 0u);
  EXPECT_TRUE(retransmit);
  EXPECT_FALSE(s.can_send());  // one packet of window
  s.on_ack(0, false, true, Time::us(110), params);
  EXPECT_EQ(s.take(Time::us(110), params, retransmit), 1u);
  EXPECT_EQ(s.take(Time::us(110), params, retransmit), 3u);  // 2 was acknowledged
}

TEST(WindowSender, DoneWhenEveryPacketIsAcknowledged) {
  WindowSender s;
  s.start(3, 3 * kMss, kMss, 3 * kMss);
  send_all(s, Time{});
  s.on_ack(2, false, false, Time::us(1), kParams);
  s.on_ack(0, false, false, Time::us(1), kParams);
  EXPECT_FALSE(s.done());
  s.on_ack(1, false, false, Time::us(1), kParams);
  EXPECT_TRUE(s.done());
  EXPECT_EQ(s.deadline(), Time::max());
  // Duplicate ACKs after the scoreboard is freed change nothing.
  s.on_ack(1, false, false, Time::us(2), kParams);
  s.on_ack(2, true, false, Time::us(3), kParams);
  EXPECT_TRUE(s.done());
  EXPECT_EQ(s.deadline(), Time::max());
  EXPECT_FALSE(s.can_send());
}

}  // namespace
}  // namespace fabricsim::net
