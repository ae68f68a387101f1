#include "net/timer_set.hpp"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace fabricsim::net {
namespace {

using core::Time;

struct Recorder : TimerListener {
  void on_timer(std::uint32_t id, Time now) override { fired.emplace_back(id, now.ps()); }
  std::vector<std::pair<std::uint32_t, std::int64_t>> fired;
};

TEST(TimerSet, FiresEachArmingOnceInDeadlineOrder) {
  core::EventQueue queue;
  Recorder rec;
  TimerSet timers(queue, rec);
  timers.arm(1, Time::ps(30));
  timers.arm(2, Time::ps(10));  // earlier: retires the event at 30
  timers.arm(3, Time::ps(20));
  timers.arm(4, Time::ps(20));
  EXPECT_EQ(timers.armed(), 4u);
  while (queue.run_next()) {
  }
  const std::vector<std::pair<std::uint32_t, std::int64_t>> expected{
      {2, 10}, {3, 20}, {4, 20}, {1, 30}};
  EXPECT_EQ(rec.fired, expected);
  EXPECT_EQ(timers.armed(), 0u);
}

TEST(TimerSet, KeepsOneLiveEventWhateverTheNumberOfTimers) {
  core::EventQueue queue;
  Recorder rec;
  TimerSet timers(queue, rec);
  for (std::uint32_t id = 0; id < 10'000; ++id) timers.arm(id, Time::ps(1'000'000 - id % 7));
  // Later deadlines armed after an earlier one schedule nothing: at most one event per
  // distinct new minimum (here the first arming and the ones that lowered it).
  EXPECT_LE(queue.pending(), 7u);
  while (queue.run_next()) {
  }
  EXPECT_EQ(rec.fired.size(), 10'000u);
}

struct Rearming : TimerListener {
  explicit Rearming(TimerSet*& timers) : timers_(timers) {}
  void on_timer(std::uint32_t id, Time now) override {
    times.push_back(now.ps());
    if (times.size() < 3) timers_->arm(id, now + Time::ps(100));
  }
  std::vector<std::int64_t> times;
  TimerSet*& timers_;
};

TEST(TimerSet, ATimerCanArmAgainFromItsCallback) {
  core::EventQueue queue;
  TimerSet* handle = nullptr;
  Rearming listener(handle);
  TimerSet timers(queue, listener);
  handle = &timers;
  timers.arm(7, Time::ps(50));
  while (queue.run_next()) {
  }
  EXPECT_EQ(listener.times, (std::vector<std::int64_t>{50, 150, 250}));
}

}  // namespace
}  // namespace fabricsim::net
