#include "core/event_queue.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <queue>
#include <stdexcept>
#include <tuple>
#include <utility>
#include <vector>

#include "core/rng.hpp"

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

/// Random schedules checked against a reference: a std::priority_queue ordered by (time,
/// insertion number), which is what "equal times run in insertion order" means. Each
/// dispatched event schedules 0-3 more from inside its handler, at distances that hit ties
/// (0), the neighbours of every power of two (the radix buckets' edges), short and long
/// spans, so events keep crossing from one bucket to another.
class Fuzzer : public Handler {
 public:
  Fuzzer(EventQueue& queue, std::uint64_t seed) : queue_(queue), rng_(seed, "event_queue_test") {}

  void add(Time when) {
    const auto id = static_cast<std::uint32_t>(next_id_++);
    ran_.push_back(false);
    queue_.schedule(when, *this, id);
    reference_.emplace(when.ps(), id);
  }
  void prefetch(std::uint32_t tag, int ahead) override {
    // A hint names an event that has not run yet, at a distance the queue was asked for.
    ++hints_;
    EXPECT_GE(ahead, 1);
    EXPECT_LE(ahead, lookahead_);
    EXPECT_LT(tag, next_id_);
    EXPECT_FALSE(ran_.at(tag)) << "hint for event " << tag << ", which ran already";
  }
  void on_event(std::uint32_t tag, Time now) override {
    ASSERT_FALSE(reference_.empty());
    ran_.at(tag) = true;
    const auto [when, id] = reference_.top();
    reference_.pop();
    ASSERT_EQ(tag, id) << "event " << dispatched_;
    ASSERT_EQ(now.ps(), when) << "event " << dispatched_;
    ASSERT_EQ(queue_.now(), now);
    ++dispatched_;
    if (budget_ == 0) return;
    const std::uint64_t more = rng_.below(4);
    for (std::uint64_t i = 0; i < more && budget_ > 0; ++i, --budget_) add(now + distance());
  }
  Time distance() {
    switch (rng_.below(6)) {
      case 0:
        return Time{};
      case 1: {
        const std::uint64_t bit = rng_.below(40);
        const auto edge = static_cast<std::int64_t>(std::uint64_t{1} << bit);
        return Time::ps(edge - 1 + static_cast<std::int64_t>(rng_.below(3)));
      }
      case 2:
        return Time::ps(static_cast<std::int64_t>(rng_.below(16)));
      case 3:
        return Time::ps(static_cast<std::int64_t>(rng_.below(1'000'000)));
      case 4:
        return Time::ps(static_cast<std::int64_t>(rng_.below(std::uint64_t{1} << 40)));
      default:
        return Time::ps(static_cast<std::int64_t>(rng_.below(5000)) * 333);
    }
  }

  std::uint64_t budget_ = 0;
  std::uint64_t dispatched_ = 0;
  std::uint64_t hints_ = 0;
  int lookahead_ = 0;
  std::size_t reference_left() const { return reference_.size(); }

 private:
  using Key = std::pair<std::int64_t, std::uint32_t>;  // (time, insertion number)
  EventQueue& queue_;
  Rng rng_;
  std::priority_queue<Key, std::vector<Key>, std::greater<>> reference_;
  std::uint64_t next_id_ = 0;
  std::vector<bool> ran_;
};

TEST(EventQueue, MatchesAReferenceQueueOnRandomSchedules) {
  // Every lookahead: the hints must not change the order.
  for (std::uint64_t seed = 1; seed <= 24; ++seed) {
    EventQueue queue;
    Fuzzer fuzzer(queue, seed);
    fuzzer.lookahead_ = static_cast<int>(seed % (EventQueue::kMaxLookahead + 1));
    queue.set_lookahead(fuzzer.lookahead_);
    // A first batch with many exact ties, then a stream scheduled from inside handlers.
    for (int i = 0; i < 500; ++i) fuzzer.add(fuzzer.distance() + Time::ps(i % 7));
    fuzzer.budget_ = 20'000;
    std::uint64_t runs = 0;
    while (queue.run_next()) {
      ++runs;
      ASSERT_EQ(queue.pending(), fuzzer.reference_left());
      if (::testing::Test::HasFatalFailure()) return;
    }
    EXPECT_EQ(runs, fuzzer.dispatched_);
    EXPECT_EQ(queue.dispatched(), runs);
    EXPECT_EQ(fuzzer.reference_left(), 0u);
    EXPECT_EQ(runs, 500u + 20'000u) << "seed " << seed;
    if (fuzzer.lookahead_ == 0) {
      EXPECT_EQ(fuzzer.hints_, 0u);
    } else {
      EXPECT_GT(fuzzer.hints_, runs / 2);
    }
  }
}

/// Records the hints it is given, as (tag, distance), between two dispatches.
class HintRecorder : public Handler {
 public:
  void on_event(std::uint32_t tag, Time /*now*/) override {
    seen.push_back(tag);
    hints_before.push_back(pending_hints);
    pending_hints.clear();
  }
  void prefetch(std::uint32_t tag, int ahead) override { pending_hints.emplace_back(tag, ahead); }
  std::vector<std::uint32_t> seen;
  std::vector<std::vector<std::pair<std::uint32_t, int>>> hints_before;
  std::vector<std::pair<std::uint32_t, int>> pending_hints;
};

TEST(EventQueue, LookaheadHintsTheNextEventsFarthestFirst) {
  // 40 events 100 ps apart and a lookahead of 3: once the queue has seen a few events go by
  // (it looks only as far ahead as the last 16 events spanned), before event i runs the
  // handlers of events i+1, i+2, i+3 hear of them at distances 1, 2, 3, the farthest first;
  // none at all without a lookahead.
  constexpr std::uint32_t kEvents = 40;
  for (const int lookahead : {0, 3}) {
    EventQueue queue;
    queue.set_lookahead(lookahead);
    HintRecorder r;
    for (std::uint32_t i = 0; i < kEvents; ++i) {
      queue.schedule(Time::ps(100 * (kEvents - i)), r, kEvents - 1 - i);
    }
    run_all(queue);
    ASSERT_EQ(r.seen.size(), kEvents);
    for (std::uint32_t i = 0; i < kEvents; ++i) EXPECT_EQ(r.seen[i], i);
    for (std::uint32_t i = 0; i < kEvents; ++i) {
      if (lookahead == 0) {
        EXPECT_TRUE(r.hints_before[i].empty());
        continue;
      }
      if (i < 17) continue;
      std::vector<std::pair<std::uint32_t, int>> expected;
      for (int d = lookahead; d >= 1; --d) {
        if (i + d < kEvents) expected.emplace_back(i + d, d);
      }
      EXPECT_EQ(r.hints_before[i], expected) << "before event " << i;
    }
  }
  EventQueue queue;
  EXPECT_THROW(queue.set_lookahead(EventQueue::kMaxLookahead + 1), std::invalid_argument);
  EXPECT_THROW(queue.set_lookahead(-1), std::invalid_argument);
}

TEST(EventQueue, LookaheadKeepsOrderAroundALoneFarEvent) {
  // A sampler-like event far ahead while a chain of near events keeps being scheduled: the
  // lookahead leaves the far one in the heap (else every near event would be inserted into
  // a long sorted buffer); whatever the buffer holds, the order stays (time, insertion).
  EventQueue queue;
  queue.set_lookahead(EventQueue::kMaxLookahead);
  Recorder r;
  queue.schedule(Time::us(10), r, 1000);
  for (std::uint32_t i = 0; i < 16; ++i) queue.schedule(Time::ps(i), r, i);
  // A handler scheduling a chain of near events while the far one waits.
  class Chain2 : public Handler {
   public:
    Chain2(EventQueue& q, Recorder& r) : q_(q), r_(r) {}
    void on_event(std::uint32_t tag, Time now) override {
      r_.on_event(tag, now);
      if (tag < 2000) q_.schedule(now + Time::ps(3), *this, tag + 1);
    }

   private:
    EventQueue& q_;
    Recorder& r_;
  } chain(queue, r);
  queue.schedule(Time::ps(16), chain, 1001);
  run_all(queue);
  ASSERT_EQ(r.seen.size(), 16u + 1u + 1000u);
  for (std::size_t i = 1; i < r.seen.size(); ++i) EXPECT_LE(r.seen[i - 1].second, r.seen[i].second);
  EXPECT_EQ(r.seen.back(), std::make_pair(1000u, Time::us(10)));
}

TEST(EventQueue, FarFutureAndEqualTimesAfterManyBucketMoves) {
  // Times near the top of the clock's range, and a long run of equal times that arrive from
  // different buckets (scheduled at different clock values) and must still run in order.
  EventQueue queue;
  Recorder r;
  const Time far = Time::ps(std::int64_t{1} << 62);
  queue.schedule(far, r, 1);
  queue.schedule(Time::ps(5), r, 0);
  std::uint32_t tag = 2;
  for (std::int64_t t = 1; t <= 64; t *= 2) queue.schedule(Time::ps(1000), r, tag++);
  queue.schedule(Time::ps(999), r, 100);
  run_all(queue);
  ASSERT_EQ(r.seen.size(), 10u);
  EXPECT_EQ(r.seen[0].first, 0u);
  EXPECT_EQ(r.seen[1].first, 100u);
  for (std::uint32_t i = 0; i < 7; ++i) EXPECT_EQ(r.seen[2 + i].first, 2 + i);
  EXPECT_EQ(r.seen.back(), std::make_pair(1u, far));
}

}  // namespace
}  // namespace fabricsim::core
