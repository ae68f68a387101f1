#include "flow/flow_model.hpp"

#include <gtest/gtest.h>

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
    while (queue_.run_next()) {}
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

}  // namespace
}  // namespace fabricsim::flow
