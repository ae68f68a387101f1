#include "flow/flow_model.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <vector>

namespace fabricsim::flow {
namespace {

using core::Time;

/// One link of `capacity` bytes/ps: starts flows at scheduled times, records when each ends.
class OneLink : public FlowListener, public core::Handler {
 public:
  explicit OneLink(double capacity) : model(queue_, {capacity}, *this) {}
  void on_flow_sent(std::uint32_t flow, Time now) override { finished[flow] = now.ps(); }
  void on_event(std::uint32_t tag, Time) override {
    const LinkUse use{0, 1.0};
    model.start_flow({&use, 1}, pending_bytes_[tag]);
  }
  void start_at(Time when, double bytes) {
    pending_bytes_.push_back(bytes);
    queue_.schedule(when, *this, static_cast<std::uint32_t>(pending_bytes_.size() - 1));
  }
  void run() {
    while (queue_.run_next()) {
    }
  }

 private:
  core::EventQueue queue_;
  std::vector<double> pending_bytes_;

 public:
  FlowModel model;
  std::map<std::uint32_t, std::int64_t> finished;
};

TEST(FlowModel, ShortFlowFinishesFirstThenLongFlowSpeedsUp) {
  // One link of 1 byte/ps. A = 1000 B and B = 3000 B start at 0 and get 0.5 each:
  // A ends at 2000 ps having sent 1000 B; B has 2000 B left at 1 byte/ps: ends at 4000 ps.
  OneLink rec(1.0);
  rec.start_at(Time::ps(0), 1000);
  rec.start_at(Time::ps(0), 3000);
  rec.run();
  EXPECT_EQ(rec.finished.at(0), 2000);
  EXPECT_EQ(rec.finished.at(1), 4000);
  EXPECT_EQ(rec.model.active_flows(), 0u);
}

TEST(FlowModel, LateArrivalSlowsTheRunningFlow) {
  // A = 3000 B starts at 0 alone (1 byte/ps). B = 500 B arrives at 1000 ps: A has 2000 B left;
  // both at 0.5 until B ends at 2000 ps; A then has 1500 B left and ends at 3500 ps.
  OneLink rec(1.0);
  rec.start_at(Time::ps(0), 3000);
  rec.start_at(Time::ps(1000), 500);
  rec.run();
  EXPECT_EQ(rec.finished.at(1), 2000);
  EXPECT_EQ(rec.finished.at(0), 3500);
}

TEST(FlowModel, SerializationAtLineRateIsExact) {
  // 4 MiB at 400 Gb/s (0.05 byte/ps) takes 4194304 / 0.05 = 83,886,080 ps exactly.
  OneLink rec(core::Bitrate::gbps(400).bytes_per_ps());
  rec.start_at(Time::ps(0), 4194304);
  rec.run();
  EXPECT_EQ(rec.finished.at(0), 83'886'080);
}

TEST(FlowModel, FlowsStartingTogetherShareOneSolve) {
  OneLink rec(1.0);
  for (int i = 0; i < 10; ++i) rec.start_at(Time::ps(0), 100);
  rec.run();
  // One solve when the ten start, one when all ten finish together at 1000 ps.
  EXPECT_EQ(rec.model.solves(), 2u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(rec.finished.at(static_cast<std::uint32_t>(i)), 1000);
}

/// Links of the given capacities (bytes/ps): runs actions at set times (start flows, change
/// capacities, reroute) and records when each flow's last byte leaves.
class Bench : public FlowListener, public core::Handler {
 public:
  explicit Bench(std::vector<double> capacity, Time resolve_interval = {})
      : model(queue, std::move(capacity), *this, resolve_interval) {}
  void on_flow_sent(std::uint32_t flow, Time now) override {
    finished[flow] = now.ps();
    ++reports;
  }
  void on_event(std::uint32_t tag, Time) override { actions_[tag](); }
  void at(std::int64_t ps, std::function<void()> action) {
    actions_.push_back(std::move(action));
    queue.schedule(Time::ps(ps), *this, static_cast<std::uint32_t>(actions_.size() - 1));
  }
  void start(std::int64_t ps, std::vector<LinkUse> uses, double bytes) {
    at(ps, [this, uses, bytes] { model.start_flow(uses, bytes); });
  }
  void run() {
    while (queue.run_next()) {
    }
  }

  core::EventQueue queue;
  FlowModel model;
  std::map<std::uint32_t, std::int64_t> finished;
  std::size_t reports = 0;

 private:
  std::vector<std::function<void()>> actions_;
};

const double k100G = core::Bitrate::gbps(100).bytes_per_ps();  // 0.0125 byte/ps

TEST(FlowModel, HalvedCapacitySlowsTheFlowFromThatInstant) {
  // 1 MB alone at 100 Gb/s (0.0125 byte/ps) would end at 80,000,000 ps. Halved at
  // t = 20,000,000 ps, when 250,000 B are sent: the 750,000 B left at 0.00625 byte/ps take
  // 120,000,000 ps, so it ends at 140,000,000 ps. Held re-solves (resolve_interval 30 us)
  // do not delay a capacity change.
  for (const Time interval : {Time{}, Time::ps(30'000'000)}) {
    Bench bench({k100G}, interval);
    bench.start(0, {{0, 1.0}}, 1e6);
    double left = -1;
    bench.at(20'000'000, [&] {
      bench.model.set_capacity(0, core::Bitrate::gbps(50).bytes_per_ps());
      left = bench.model.remaining_bytes(0);
    });
    bench.run();
    EXPECT_DOUBLE_EQ(left, 750'000.0);
    EXPECT_EQ(bench.finished.at(0), 140'000'000) << "resolve_interval " << interval.ps();
    EXPECT_EQ(bench.model.remaining_bytes(0), 0.0);
  }
}

TEST(FlowModel, CapacityChangeOnOneFlowsLinkMovesBothRatesAtThatInstant) {
  // A crosses L0 (100 Gb/s, shared with B) and L1 (80 Gb/s, A's own); 1 MB each. Both run at
  // 0.00625 byte/ps (L0 binds). At t = 40,000,000 ps each has 750,000 B left and L1 drops
  // to 40 Gb/s (0.005): A runs at 0.005 and B takes the rest of L0, 0.0075. B ends at
  // 40e6 + 750,000 / 0.0075 = 140,000,000 ps; A, still held by L1, at
  // 40e6 + 750,000 / 0.005 = 190,000,000 ps (both would end at 160,000,000 without it).
  Bench bench({k100G, core::Bitrate::gbps(80).bytes_per_ps()});
  bench.start(0, {{0, 1.0}, {1, 1.0}}, 1e6);
  bench.start(0, {{0, 1.0}}, 1e6);
  bench.at(40'000'000,
           [&] { bench.model.set_capacity(1, core::Bitrate::gbps(40).bytes_per_ps()); });
  bench.run();
  EXPECT_EQ(bench.finished.at(1), 140'000'000);
  EXPECT_EQ(bench.finished.at(0), 190'000'000);
}

TEST(FlowModel, LinkDownThenUpDelaysItsFlowsByTheOutage) {
  // A = 1 MB and B = 500 kB share L0 (100 Gb/s): without a failure B ends at
  // 500,000 / 0.00625 = 80,000,000 ps and A, alone at 0.0125 for its last 500,000 B, at
  // 120,000,000 ps. L0 down from t1 = 20,000,000 to t2 = 50,000,000 ps: nothing moves in
  // between and the same rates resume, so each ends 30,000,000 ps later.
  Bench bench({k100G});
  bench.start(0, {{0, 1.0}}, 1e6);
  bench.start(0, {{0, 1.0}}, 5e5);
  std::vector<double> left;
  bench.at(20'000'000, [&] { bench.model.set_capacity(0, 0.0); });
  bench.at(35'000'000, [&] {
    left = {bench.model.remaining_bytes(0), bench.model.remaining_bytes(1)};
  });
  bench.at(50'000'000, [&] { bench.model.set_capacity(0, k100G); });
  bench.run();
  EXPECT_EQ(bench.finished.at(1), 80'000'000 + 30'000'000);
  EXPECT_EQ(bench.finished.at(0), 120'000'000 + 30'000'000);
  ASSERT_EQ(left.size(), 2u);
  EXPECT_DOUBLE_EQ(left[0], 875'000.0);  // 1e6 - 0.00625 x 20e6, frozen while down
  EXPECT_DOUBLE_EQ(left[1], 375'000.0);
}

TEST(FlowModel, FlowOnALinkThatStaysDownNeverCompletes) {
  // L0 goes down at 10,000,000 ps, when the 1 MB flow has sent 125,000 B; a second flow starts
  // on it later. Neither ever gets a completion: the queue drains with both still active.
  Bench bench({k100G});
  bench.start(0, {{0, 1.0}}, 1e6);
  bench.at(10'000'000, [&] { bench.model.set_capacity(0, 0.0); });
  bench.start(20'000'000, {{0, 1.0}}, 1e6);
  bench.run();
  EXPECT_TRUE(bench.finished.empty());
  EXPECT_EQ(bench.model.active_flows(), 2u);
  EXPECT_DOUBLE_EQ(bench.model.remaining_bytes(0), 875'000.0);
  EXPECT_EQ(bench.model.remaining_bytes(1), 1e6);
}

TEST(FlowModel, RerouteKeepsTheIdAndTheBytesLeft) {
  // Flow 0 (1 MB) on a slow path L0 (40 Gb/s, 0.005 byte/ps); flow 1 (1 MB) alone on L1
  // (100 Gb/s). At t = 40,000,000 ps flow 0 has 1e6 - 0.005 x 40e6 = 800,000 B left and flow 1
  // 500,000 B; flow 0 moves to L1, where both run at 0.00625. Flow 1 ends at
  // 40e6 + 500,000 / 0.00625 = 120,000,000 ps; flow 0 has then 300,000 B left at 0.0125:
  // 120e6 + 24e6 = 144,000,000 ps, reported under its own id.
  Bench bench({core::Bitrate::gbps(40).bytes_per_ps(), k100G});
  bench.start(0, {{0, 1.0}}, 1e6);
  bench.start(0, {{1, 1.0}}, 1e6);
  std::vector<double> left;
  bench.at(40'000'000, [&] {
    left = {bench.model.remaining_bytes(0), bench.model.remaining_bytes(1)};
    const LinkUse fast{1, 1.0};
    bench.model.reroute(0, {&fast, 1});
    left.push_back(bench.model.remaining_bytes(0));
  });
  bench.run();
  ASSERT_EQ(left.size(), 3u);
  EXPECT_DOUBLE_EQ(left[0], 800'000.0);
  EXPECT_DOUBLE_EQ(left[1], 500'000.0);
  EXPECT_DOUBLE_EQ(left[2], 800'000.0);
  EXPECT_EQ(bench.finished.size(), 2u);
  EXPECT_EQ(bench.finished.at(1), 120'000'000);
  EXPECT_EQ(bench.finished.at(0), 144'000'000);
  EXPECT_EQ(bench.model.active_flows(), 0u);
}

TEST(FlowModel, LinkDownAndRerouteAtOneInstantInEitherOrder) {
  // L0 (100 Gb/s) dies at t = 20,000,000 ps under a 1 MB flow with 750,000 B left, which moves
  // to L1 (50 Gb/s): it ends at 20e6 + 750,000 / 0.00625 = 140,000,000 ps, whether the reroute
  // comes in the same call, before the link goes down, or after the model re-solved at t.
  for (int order = 0; order < 3; ++order) {
    Bench bench({k100G, core::Bitrate::gbps(50).bytes_per_ps()});
    bench.start(0, {{0, 1.0}}, 1e6);
    const auto move = [&] {
      const LinkUse other{1, 1.0};
      bench.model.reroute(0, {&other, 1});
    };
    bench.at(20'000'000, [&] {
      if (order == 1) move();
      bench.model.set_capacity(0, 0.0);
      if (order == 0) move();
      if (order == 2) bench.at(20'000'000, move);  // runs after the model's re-solve at t
    });
    bench.run();
    EXPECT_EQ(bench.finished.at(0), 140'000'000) << "order " << order;
  }
}

TEST(FlowModel, RerouteAtTheLastByteOrAfterTheEndMovesNothing) {
  // 1 MB alone at 100 Gb/s ends at 80,000,000 ps. A reroute onto a down link at that very
  // instant (run before the model's completion event there) leaves it to end on its link at
  // 80,000,000 ps; one after the end changes nothing either: one report, at 80,000,000 ps.
  Bench bench({k100G, 0.5 * k100G});
  const LinkUse elsewhere{1, 1.0};
  bench.at(0, [&] { bench.model.set_capacity(1, 0.0); });
  bench.at(80'000'000, [&] { bench.model.reroute(0, {&elsewhere, 1}); });
  bench.at(90'000'000, [&] { bench.model.reroute(0, {&elsewhere, 1}); });
  bench.start(0, {{0, 1.0}}, 1e6);
  bench.run();
  EXPECT_EQ(bench.reports, 1u);
  EXPECT_EQ(bench.finished.at(0), 80'000'000);
  EXPECT_EQ(bench.model.active_flows(), 0u);
}

}  // namespace
}  // namespace fabricsim::flow
