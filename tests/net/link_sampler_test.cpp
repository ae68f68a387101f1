// The link sampler on its own: a hand-driven queue and link counters.
#include "net/link_sampler.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

namespace fabricsim::net {
namespace {

using core::Time;

constexpr std::int64_t kUs = 1'000'000;  // ps
constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

/// Three links; every event adds 100 bytes to link 0's tx and sets link 2's backlog to the
/// event's tag. `done_at` (ps) is when the "workload" finishes.
class Bench : public core::Handler {
 public:
  explicit Bench(std::int64_t done_at = kNever) : done_at_(done_at) {}

  LinkSampler sampler(Time interval, std::size_t max_cells = LinkSampler::kMaxCells) {
    return LinkSampler(
        queue, [this] { return std::span<const LinkStats>(links); }, interval,
        [this] { return queue.now().ps() < done_at_; }, max_cells);
  }
  void at(std::int64_t ps, std::uint32_t backlog) { queue.schedule(Time::ps(ps), *this, backlog); }
  void on_event(std::uint32_t tag, Time) override {
    links[0].tx_bytes += 100;
    links[2].queue_bytes = tag;
  }
  void run() {
    while (queue.run_next()) {
    }
  }

  core::EventQueue queue;
  std::vector<LinkStats> links = std::vector<LinkStats>(3);

 private:
  std::int64_t done_at_;
};

TEST(LinkSampler, SamplesEveryIntervalAndNeverOutlivesTheOtherEvents) {
  // Events at 5 and 25 us, samples every 10 us: 0, 10, 20 and 30 us; at 30 us nothing else
  // is pending, so the sampler does not re-arm and the queue empties.
  Bench bench;
  LinkSampler sampler = bench.sampler(Time::us(10));
  sampler.start();
  bench.at(5 * kUs, 7);
  bench.at(25 * kUs, 9);
  bench.run();
  EXPECT_EQ(sampler.events(), 4u);
  const metrics::LinkSeries s = sampler.take(kNever);
  EXPECT_EQ(s.time_ps, (std::vector<std::int64_t>{0, 10 * kUs, 20 * kUs, 30 * kUs}));
  // Row t holds links 0, 1, 2 at time_ps[t].
  EXPECT_EQ(s.tx_bytes, (std::vector<std::int64_t>{0, 0, 0, 100, 0, 0, 100, 0, 0, 200, 0, 0}));
  EXPECT_EQ(s.queue_bytes, (std::vector<std::int64_t>{0, 0, 0, 0, 0, 7, 0, 0, 7, 0, 0, 9}));
  EXPECT_TRUE(sampler.warning().empty());
}

TEST(LinkSampler, TakeKeepsOnlySamplesBeforeTheEndOfTheRun) {
  for (const auto& [end_ps, kept] : {std::pair<std::int64_t, std::size_t>{25 * kUs, 3},
                                     {20 * kUs, 2},
                                     {20 * kUs + 1, 3},
                                     {0, 0}}) {
    Bench bench;
    LinkSampler sampler = bench.sampler(Time::us(10));
    sampler.start();
    bench.at(25 * kUs, 1);
    bench.run();
    const metrics::LinkSeries s = sampler.take(end_ps);
    EXPECT_EQ(s.time_ps.size(), kept) << end_ps;
    EXPECT_EQ(s.queue_bytes.size(), 3 * kept) << end_ps;
    EXPECT_EQ(s.tx_bytes.size(), 3 * kept) << end_ps;
  }
}

TEST(LinkSampler, StopsOnceTheWorkloadIsDoneWhileOtherEventsGoOn) {
  // Done at 15 us: samples at 0 and 10 us; the one at 20 us records nothing and stops.
  Bench bench(15 * kUs);
  LinkSampler sampler = bench.sampler(Time::us(10));
  sampler.start();
  bench.at(40 * kUs, 1);
  bench.run();
  EXPECT_EQ(sampler.events(), 3u);
  EXPECT_EQ(bench.queue.now(), Time::us(40));
  EXPECT_EQ(sampler.take(kNever).time_ps, (std::vector<std::int64_t>{0, 10 * kUs}));
}

TEST(LinkSampler, StopsAtTheCellCapWithAWarning) {
  // 3 links and a cap of 7 cells: 2 samples fit (6 cells), the third would not.
  for (const std::int64_t end_ps : {25 * kUs, 20 * kUs}) {
    Bench bench;
    LinkSampler sampler = bench.sampler(Time::us(10), 7);
    sampler.start();
    bench.at(25 * kUs, 1);
    bench.run();
    EXPECT_EQ(sampler.events(), 3u);
    EXPECT_EQ(sampler.take(end_ps).time_ps, (std::vector<std::int64_t>{0, 10 * kUs}));
    if (end_ps > 20 * kUs) {
      EXPECT_NE(sampler.warning().find("stopped at 20.000 us after 2 samples"), std::string::npos)
          << sampler.warning();
      EXPECT_NE(sampler.warning().find("raise output.sample_interval"), std::string::npos);
    } else {
      EXPECT_EQ(sampler.warning(), "") << "the run ended when the cap was reached";
    }
  }
}

TEST(LinkSampler, RejectsAZeroInterval) {
  Bench bench;
  EXPECT_THROW(bench.sampler(Time::ps(0)), std::invalid_argument);
}

}  // namespace
}  // namespace fabricsim::net
