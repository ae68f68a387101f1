#include "core/event_queue.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <utility>
#include <vector>

namespace fabricsim::core {
namespace {

using namespace literals;

/// Records every wake-up as (tag, time).
class Recorder : public Handler {
 public:
  void on_event(std::uint32_t tag, Time now) override { seen.emplace_back(tag, now); }
  std::vector<std::pair<std::uint32_t, Time>> seen;
};

void run_all(EventQueue& queue) {
  while (queue.run_next()) {
  }
}

TEST(EventQueue, RunsEventsInTimeOrder) {
  EventQueue queue;
  Recorder r;
  // Scheduled out of order; must come back sorted by time.
  const Time times[] = {30_ns, 10_ns, 50_ns, 20_ns, 40_ns, 5_ns, 45_ns};
  for (std::uint32_t i = 0; i < 7; ++i) queue.schedule(times[i], r, i);
  EXPECT_EQ(queue.pending(), 7u);
  run_all(queue);
  ASSERT_EQ(r.seen.size(), 7u);
  for (std::size_t i = 1; i < r.seen.size(); ++i) EXPECT_LT(r.seen[i - 1].second, r.seen[i].second);
  EXPECT_EQ(r.seen.front().first, 5u);  // tag of 5 ns
  EXPECT_EQ(r.seen.back().first, 2u);   // tag of 50 ns
  EXPECT_EQ(queue.now(), 50_ns);
  EXPECT_EQ(queue.dispatched(), 7u);
}

TEST(EventQueue, ClockIsTheEventTimeDuringDispatch) {
  EventQueue queue;
  Recorder r;
  queue.schedule(7_us, r, 0);
  ASSERT_TRUE(queue.run_next());
  EXPECT_EQ(r.seen.at(0).second, 7_us);
  EXPECT_EQ(queue.now(), 7_us);
}

TEST(EventQueue, EqualTimesRunInInsertionOrder) {
  EventQueue queue;
  Recorder r;
  // 100 events at the same instant, interleaved with later ones: the heap must not reorder
  // the equal ones (a plain binary heap without a sequence number would).
  for (std::uint32_t i = 0; i < 100; ++i) {
    queue.schedule(1_us, r, i);
    queue.schedule(2_us, r, 1000 + i);
  }
  run_all(queue);
  ASSERT_EQ(r.seen.size(), 200u);
  for (std::uint32_t i = 0; i < 100; ++i) {
    EXPECT_EQ(r.seen[i].first, i);
    EXPECT_EQ(r.seen[100 + i].first, 1000 + i);
  }
}

/// Reschedules itself `remaining` times, `gap` apart, and also wakes a peer at the same instant.
class Chain : public Handler {
 public:
  Chain(EventQueue& queue, Recorder& peer) : queue_(queue), peer_(peer) {}
  void on_event(std::uint32_t tag, Time now) override {
    wakes.push_back(now);
    queue_.schedule(now, peer_, tag);  // same time: runs after what is already queued then
    if (remaining > 0) {
      --remaining;
      queue_.schedule(now + gap, *this, tag + 1);
    }
  }
  int remaining = 3;
  Time gap = 10_ns;
  std::vector<Time> wakes;

 private:
  EventQueue& queue_;
  Recorder& peer_;
};

TEST(EventQueue, HandlersCanScheduleMoreEvents) {
  EventQueue queue;
  Recorder peer;
  Chain chain(queue, peer);
  queue.schedule(0_ns, chain, 0);
  queue.schedule(10_ns, peer, 99);  // queued before the chain's second wake at 10 ns
  run_all(queue);
  // The chain wakes at 0, 10, 20, 30 ns.
  EXPECT_EQ(chain.wakes, (std::vector<Time>{0_ns, 10_ns, 20_ns, 30_ns}));
  // At 10 ns: tag 99 was inserted first, then the chain's wake (tag 1), then its peer call.
  ASSERT_EQ(peer.seen.size(), 5u);
  EXPECT_EQ(peer.seen[0], std::make_pair(0u, 0_ns));
  EXPECT_EQ(peer.seen[1], std::make_pair(99u, 10_ns));
  EXPECT_EQ(peer.seen[2], std::make_pair(1u, 10_ns));
  EXPECT_EQ(peer.seen[4], std::make_pair(3u, 30_ns));
}

TEST(EventQueue, RejectsEventsInThePast) {
  EventQueue queue;
  Recorder r;
  queue.schedule(10_ns, r, 0);
  ASSERT_TRUE(queue.run_next());
  EXPECT_THROW(queue.schedule(9_ns, r, 1), std::logic_error);
  EXPECT_NO_THROW(queue.schedule(10_ns, r, 2));  // "now" itself is allowed
  EXPECT_EQ(queue.pending(), 1u);
}

TEST(EventQueue, EmptyQueueRunsNothing) {
  EventQueue queue;
  EXPECT_TRUE(queue.empty());
  EXPECT_FALSE(queue.run_next());
  EXPECT_EQ(queue.now(), Time{});
}

}  // namespace
}  // namespace fabricsim::core
