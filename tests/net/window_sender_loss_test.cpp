// WindowSender's loss recovery that does not wait for the retransmission timer: the time rule
// (a packet sent after q acknowledged, q overdue by the reorder window), its timer, lost
// retransmissions, and the tail-loss probe.
#include <gtest/gtest.h>

#include "net/window_sender.hpp"

namespace fabricsim::net {
namespace {

using core::Time;

constexpr std::int64_t kMss = 1000;

/// A 3 us reorder window, a count threshold too high to matter and no probe, unless a test
/// says otherwise.
WindowParams params(bool probe = false) {
  return {.mss = kMss,
          .reorder_threshold = 1000,
          .reorder_window = Time::us(3),
          .tail_loss_probe = probe,
          .min_rto = Time::ms(1),
          .gain = 0.25};
}

/// A flow of `packets` full packets with room for all of them in its window.
WindowSender sender(std::uint32_t packets) {
  WindowSender s;
  s.start(packets, packets * kMss, kMss, packets * kMss);
  return s;
}

/// Takes the next packet at `now`; `retransmit` tells whether it was sent before.
std::uint32_t send(WindowSender& s, Time now, const WindowParams& p, bool* retransmit = nullptr) {
  bool again = false;
  const std::uint32_t seq = s.take(now, p, again);
  if (retransmit != nullptr) *retransmit = again;
  return seq;
}

void ack(WindowSender& s, std::uint32_t seq, Time now, const WindowParams& p,
         bool of_resend = false) {
  s.on_ack(seq, false, of_resend, now, p);
}

TEST(WindowSender, APacketIsLostOnceOneSentAWindowAfterItIsAcknowledged) {
  // Packets 0, 1, 2 leave at 0, 1 and 3 us; 2's ACK comes at 10 us (rtt 7 us). Packet 0 is
  // overdue from 0 + 7 + 3 = 10 us: lost at once. Packet 1 only from 1 + 7 + 3 = 11 us: the
  // reorder timer is set for then, and at 11 us, with no further ACK, it is lost too.
  const WindowParams p = params();
  WindowSender s = sender(3);
  for (const std::int64_t t : {0, 1, 3}) send(s, Time::us(t), p);
  ack(s, 2, Time::us(10), p);
  EXPECT_EQ(s.deadline(), Time::us(11));
  bool again = false;
  EXPECT_EQ(send(s, Time::us(10), p, &again), 0u);
  EXPECT_TRUE(again);
  EXPECT_FALSE(s.can_send());
  const TimerOutcome fired = s.on_timer(Time::us(11), p);
  EXPECT_FALSE(fired.timeout);
  EXPECT_EQ(send(s, Time::us(11), p, &again), 1u);
  EXPECT_TRUE(again);
}

TEST(WindowSender, ReorderingWithinTheWindowIsNotALoss) {
  // Packet 1 (sent at 1 us) is acknowledged at 8 us, before packet 0 (sent at 0): 0 would be
  // overdue at 0 + 7 + 3 = 10 us, but its ACK comes at 9 us. Nothing is resent.
  const WindowParams p = params();
  WindowSender s = sender(2);
  send(s, Time::us(0), p);
  send(s, Time::us(1), p);
  ack(s, 1, Time::us(8), p);
  EXPECT_EQ(s.deadline(), Time::us(10));
  ack(s, 0, Time::us(9), p);
  EXPECT_TRUE(s.done());
  EXPECT_EQ(s.deadline(), Time::max());
}

TEST(WindowSender, PacketsSentTogetherAreNotJudgedByEachOther) {
  // Both leave at 0: the ACK of 1 says nothing about 0, which was not sent before it.
  const WindowParams p = params();
  WindowSender s = sender(2);
  send(s, Time{}, p);
  send(s, Time{}, p);
  ack(s, 1, Time::us(50), p);
  EXPECT_FALSE(s.can_send());
  EXPECT_EQ(s.deadline(), Time::ms(1));  // only the retransmission timer
}

TEST(WindowSender, ALostRetransmissionIsFoundByTheTimeRule) {
  // 0 and 1 leave at 0 and 5 us; 1's ACK at 12 us (rtt 7) finds 0 lost (0 + 7 + 3 <= 12).
  // 0 is resent at 12 us and lost again; 2 leaves at 13 us and is acknowledged at 20 us (rtt
  // 7): the resend is overdue from 12 + 7 + 3 = 22 us, and the timer resends it once more.
  const WindowParams p = params();
  WindowSender s = sender(3);
  send(s, Time::us(0), p);
  send(s, Time::us(5), p);
  ack(s, 1, Time::us(12), p);
  EXPECT_EQ(send(s, Time::us(12), p), 0u);
  EXPECT_EQ(send(s, Time::us(13), p), 2u);
  ack(s, 2, Time::us(20), p);
  EXPECT_FALSE(s.can_send());
  EXPECT_EQ(s.deadline(), Time::us(22));
  s.on_timer(Time::us(22), p);
  bool again = false;
  EXPECT_EQ(send(s, Time::us(22), p, &again), 0u);
  EXPECT_TRUE(again);
  ack(s, 0, Time::us(29), p, true);
  EXPECT_TRUE(s.done());
}

TEST(WindowSender, ALateAckOfTheFirstCopyDoesNotMoveTheTimeRule) {
  // 0, 1, 2 leave at 0, 5 and 6 us; 1's ACK at 12 us finds 0 lost, and 0 is resent at 12 us.
  // Then the first copy of 0 arrives after all: its ACK at 14 us is not of the resend. Taking
  // the resend's send time (12 us, rtt 2 us) would make 2 overdue (6 + 2 + 3 <= 14); the first
  // copy's is unknown, so the rule stays where 1's ACK left it and 2 stays outstanding.
  const WindowParams p = params();
  WindowSender s = sender(3);
  for (const std::int64_t t : {0, 5, 6}) send(s, Time::us(t), p);
  ack(s, 1, Time::us(12), p);
  EXPECT_EQ(send(s, Time::us(12), p), 0u);
  ack(s, 0, Time::us(14), p, false);
  EXPECT_FALSE(s.can_send());
  EXPECT_EQ(s.in_flight(), kMss);  // packet 2
}

TEST(WindowSender, TheCountRuleStillMarksAHoleLostWhenTheWindowIsLong) {
  // A 1 ms reorder window never fires here; with a threshold of 3, acknowledging packet 4
  // (numbered above 0 + 3) marks 0 lost.
  WindowParams p = params();
  p.reorder_window = Time::ms(1);
  p.reorder_threshold = 3;
  WindowSender s = sender(6);
  for (std::int64_t t = 0; t < 6; ++t) send(s, Time::us(t), p);
  for (std::uint32_t seq = 1; seq <= 3; ++seq) ack(s, seq, Time::us(10), p);
  EXPECT_FALSE(s.can_send());
  ack(s, 4, Time::us(10), p);
  EXPECT_EQ(send(s, Time::us(10), p), 0u);
}

TEST(WindowSender, AProbeResendsTheHighestOutstandingPacketAfterSilence) {
  // 4 packets leave at 0; ACKs of 0 and 1 at 10 us: RTT samples of 10 us give srtt = 10 us and
  // rttvar = (3 x 5 + 0) / 4 = 3.75 us, so the probe timeout is 10 + 4 x 3.75 = 25 us: silence
  // until 35 us makes a probe due, and it resends 3, the highest packet outstanding, beyond
  // the window. Its ACK at 40 us shows 2 overtaken: 2 is lost (0 + 5 + 3 <= 40) and resent.
  const WindowParams p = params(true);
  WindowSender s;
  s.start(4, 4 * kMss, kMss, 4 * kMss);
  for (int i = 0; i < 4; ++i) send(s, Time{}, p);
  ack(s, 0, Time::us(10), p);
  ack(s, 1, Time::us(10), p);
  EXPECT_EQ(s.srtt(), Time::us(10));
  EXPECT_EQ(s.deadline(), Time::us(35));
  EXPECT_TRUE(s.on_timer(Time::us(35), p).probe);
  ASSERT_TRUE(s.can_send());
  bool again = false;
  EXPECT_EQ(send(s, Time::us(35), p, &again), 3u);
  EXPECT_TRUE(again);
  EXPECT_FALSE(s.can_send());
  ack(s, 3, Time::us(40), p, true);
  EXPECT_EQ(send(s, Time::us(40), p, &again), 2u);
  EXPECT_TRUE(again);
}

TEST(WindowSender, ConsecutiveProbesWithoutAnAckBackOff) {
  // The same flow: the first probe goes at 35 us; with no ACK since, the next waits twice
  // the probe timeout (50 us) from the probe's send.
  const WindowParams p = params(true);
  WindowSender s = sender(4);
  for (int i = 0; i < 4; ++i) send(s, Time{}, p);
  ack(s, 0, Time::us(10), p);
  ack(s, 1, Time::us(10), p);
  s.on_timer(Time::us(35), p);
  send(s, Time::us(35), p);
  EXPECT_EQ(s.deadline(), Time::us(85));
  EXPECT_TRUE(s.on_timer(Time::us(85), p).probe);
}

TEST(WindowSender, BeforeTheFirstSampleTheProbeTimeoutComesFromTheInitialRtt) {
  // No ACK yet: with an initial RTT of 10 us (srtt 10 us, rttvar 5 us as a first sample would
  // give) the probe timeout is 10 + 4 x 5 = 30 us after the last send; the probe resends the
  // highest packet outstanding. The first real sample (40 us, of packet 0, sent once) then
  // replaces the estimate. Without an initial RTT only the retransmission timer is armed.
  const WindowParams p = params(true);
  WindowSender s;
  s.start(2, 2 * kMss, kMss, 2 * kMss, Time::us(10));
  send(s, Time{}, p);
  send(s, Time::us(1), p);
  EXPECT_EQ(s.deadline(), Time::us(31));
  EXPECT_TRUE(s.on_timer(Time::us(31), p).probe);
  bool again = false;
  EXPECT_EQ(send(s, Time::us(31), p, &again), 1u);
  EXPECT_TRUE(again);
  EXPECT_EQ(s.deadline(), Time::us(91));  // backed off: twice 30 us
  ack(s, 0, Time::us(40), p);
  EXPECT_EQ(s.srtt(), Time::us(40));
  WindowSender unseeded = sender(2);
  send(unseeded, Time{}, p);
  send(unseeded, Time::us(1), p);
  EXPECT_EQ(unseeded.deadline(), Time::ms(1));
}

TEST(WindowSender, NoProbeWhenTailLossProbeIsOff) {
  const WindowParams p = params(false);
  WindowSender s = sender(4);
  for (int i = 0; i < 4; ++i) send(s, Time{}, p);
  ack(s, 0, Time::us(10), p);
  EXPECT_EQ(s.deadline(), Time::ms(1) + Time::us(10));  // the retransmission timer alone
  EXPECT_FALSE(s.on_timer(Time::us(500), p).probe);
  EXPECT_FALSE(s.can_send());
}

TEST(WindowSender, AutoReorderWindowIsTheSmoothedRttPlusFourVariations) {
  // One 8 us sample: srtt 8 us, rttvar 4 us, so auto = 8 + 16 = 24 us; before any sample it is
  // the floor.
  WindowParams p = params();
  p.reorder_window.reset();
  WindowSender s = sender(2);
  EXPECT_EQ(s.reorder_window(p), WindowSender::kMinReorderWindow);
  send(s, Time{}, p);
  ack(s, 0, Time::us(8), p);
  EXPECT_EQ(s.reorder_window(p), Time::us(24));
}

}  // namespace
}  // namespace fabricsim::net
