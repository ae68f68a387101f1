// REPS in isolation: which path each packet of one flow takes given the feedback its earlier
// packets got (clean ACK, ECN-marked ACK, loss), with a fixed-seed routing stream.
#include "routing/reps.hpp"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <vector>

#include "core/rng.hpp"

namespace fabricsim::routing {
namespace {

using core::Time;
using Kind = Feedback::Kind;

class NoOccupancy final : public PathOccupancy {
 public:
  std::int64_t queued_bytes(topo::PathId) const override { return 0; }
  std::int64_t link_queued_bytes(topo::LinkId) const override { return 0; }
};

/// One flow over the 8 candidates 20..27, routed by REPS with `entropies`; `twin` is a copy
/// of the routing stream that a test draws from to predict a fresh entropy.
struct Flow {
  explicit Flow(std::uint32_t entropies = 256, std::uint64_t seed = 7)
      : reps(entropies), rng(seed, "net.route"), twin(rng) {}

  topo::PathId route(Time now = Time{},
                     Candidates candidates = Candidates(topo::PathRange{20, 8})) {
    return reps.choose_packet({key, candidates, now, rng, occupancy}, state);
  }
  void feedback(topo::PathId path, Kind kind, Time now = Time{}) {
    reps.on_feedback({key, path, kind, now}, state);
  }
  /// The path of the next fresh draw, taken from the twin stream (the flow's stream must
  /// then make the same draw).
  topo::PathId predicted_fresh() { return 20 + static_cast<topo::PathId>(twin.below(256) % 8); }

  Reps reps;
  FlowKey key{1, 9, 3, 0};
  NoOccupancy occupancy;
  PacketRouteState state;
  core::Rng rng;
  core::Rng twin;
};

TEST(Reps, WithNoFeedbackEveryPacketDrawsAFreshEntropy) {
  Flow f;
  for (int k = 0; k < 50; ++k) EXPECT_EQ(f.route(), f.predicted_fresh()) << k;
}

TEST(Reps, ACleanAckRecyclesItsPathForTheNextPacketWithoutADraw) {
  Flow f;
  const topo::PathId first = f.route();
  EXPECT_EQ(first, f.predicted_fresh());
  f.feedback(first, Kind::acked);
  EXPECT_EQ(f.route(), first);
  // The recycled packet drew nothing: the next fresh draw is the twin's next one.
  EXPECT_EQ(f.route(), f.predicted_fresh());
}

TEST(Reps, CleanPathsAreReusedOnceEachOldestFirst) {
  Flow f;
  for (const topo::PathId p : {23u, 21u, 26u}) f.feedback(p, Kind::acked);
  EXPECT_EQ(f.route(), 23u);
  EXPECT_EQ(f.route(), 21u);
  EXPECT_EQ(f.route(), 26u);
  EXPECT_EQ(f.route(), f.predicted_fresh());
}

TEST(Reps, KeepsTheLastEightCleanPaths) {
  Flow f;
  for (topo::PathId p = 20; p < 30; ++p) f.feedback(p, Kind::acked);  // 20, 21 pushed out
  for (topo::PathId p = 22; p < 28; ++p) EXPECT_EQ(f.route(), p);
  // 28 and 29 are no candidates (20..27): skipped; the packet draws fresh instead.
  EXPECT_EQ(f.route(), f.predicted_fresh());
}

TEST(Reps, AnEcnMarkedAckGivesItsPathNothingBack) {
  Flow f;
  const topo::PathId first = f.route();
  f.twin.below(256);  // the first route's draw
  f.feedback(first, Kind::acked_ecn);
  EXPECT_EQ(f.route(), f.predicted_fresh());
}

TEST(Reps, ALostPathIsStruckOffAndTheFlowFreezesOnTheOthers) {
  Flow f;
  for (const topo::PathId p : {24u, 22u, 25u, 25u}) f.feedback(p, Kind::acked);
  f.route();  // takes 24: the ring still holds it (a freeze reuses held paths)
  f.feedback(25, Kind::lost, Time::us(1));
  // Frozen: the held paths in turn (24, 22), 25 never again, and no fresh draw.
  for (int k = 0; k < 100; ++k) EXPECT_EQ(f.route(Time::us(2)), k % 2 == 0 ? 24u : 22u) << k;
  EXPECT_EQ(f.rng.below(1u << 30), f.twin.below(1u << 30));  // nothing was drawn
  // A clean ACK while frozen joins the cycle; a lost one leaves it.
  f.feedback(27, Kind::acked, Time::us(3));
  f.feedback(24, Kind::lost, Time::us(3));
  std::set<topo::PathId> seen;
  for (int k = 0; k < 20; ++k) seen.insert(f.route(Time::us(4)));
  EXPECT_EQ(seen, (std::set<topo::PathId>{22, 27}));
}

TEST(Reps, AFreezeEndsAfterItsTimeThenSixteenPacketsExplore) {
  Flow f;
  f.feedback(21, Kind::acked);
  f.feedback(23, Kind::lost, Time::us(5));
  EXPECT_EQ(f.route(Time::us(5) + Reps::kFreeze - Time::ps(1)), 21u);  // still frozen
  // Thawed: the ring is forgotten; clean ACKs now do not count until 16 packets explored.
  const Time thawed = Time::us(5) + Reps::kFreeze;
  f.feedback(26, Kind::acked, thawed);
  for (int k = 0; k < Reps::kExplore; ++k) EXPECT_EQ(f.route(thawed), f.predicted_fresh()) << k;
  EXPECT_EQ(f.route(thawed), 26u);
  // A loss while exploring does not freeze.
  Flow g;
  g.feedback(22, Kind::lost, Time{});
  g.feedback(22, Kind::acked, Reps::kFreeze);  // thaws, then recycles 22... after exploring
  for (int k = 0; k < 3; ++k) g.route(Reps::kFreeze);
  g.feedback(24, Kind::lost, Reps::kFreeze);
  g.twin = g.rng;
  for (int k = 3; k < Reps::kExplore; ++k) EXPECT_EQ(g.route(Reps::kFreeze), g.predicted_fresh());
  EXPECT_EQ(g.route(Reps::kFreeze), 22u);  // not frozen: the ring is read as usual
  EXPECT_EQ(g.route(Reps::kFreeze), g.predicted_fresh());
}

TEST(Reps, SkipsARecycledPathThatRoutingNoLongerOffers) {
  Flow f;
  f.feedback(27, Kind::acked);
  f.feedback(22, Kind::acked);
  const std::vector<topo::PathId> live{20, 21, 22, 23, 24, 25, 26};  // 27 believed dead
  EXPECT_EQ(f.route(Time{}, Candidates(std::span<const topo::PathId>(live))), 22u);
}

TEST(Reps, FreshEntropiesMapOntoTheCandidatesByTheirNumber) {
  // Entropy e takes candidate e mod 8: with 3 entropies only the first 3 candidates are
  // ever reached; with 256 (a multiple of 8) every candidate equally often.
  Flow few(3);
  std::set<topo::PathId> reached;
  for (int k = 0; k < 1000; ++k) reached.insert(few.route());
  EXPECT_EQ(reached, (std::set<topo::PathId>{20, 21, 22}));
  Flow many(256);
  std::vector<int> count(8, 0);
  for (int k = 0; k < 8000; ++k) ++count[many.route() - 20];
  for (int c : count) EXPECT_NEAR(c, 1000, 150);
}

/// A fixed script of packets and feedback; the paths the flow took.
std::vector<topo::PathId> script(std::uint64_t seed) {
  Flow f(256, seed);
  std::vector<topo::PathId> paths;
  for (int k = 0; k < 200; ++k) {
    const Time now = Time::us(k);
    const topo::PathId p = f.route(now);
    paths.push_back(p);
    const Kind kind = p == 20 ? Kind::lost : (k % 5 == 0 ? Kind::acked_ecn : Kind::acked);
    f.feedback(p, kind, now);
  }
  return paths;
}

TEST(Reps, TheSameSeedGivesTheSamePaths) {
  EXPECT_EQ(script(11), script(11));
  EXPECT_NE(script(11), script(12));
}

TEST(Reps, InTheFlowModelSpreadsEvenlyAsSpray) {
  const Reps reps(256);
  EXPECT_TRUE(reps.per_packet());
  EXPECT_TRUE(reps.spreads_evenly());
  EXPECT_TRUE(reps.wants_feedback());
  std::vector<PathShare> out;
  reps.choose({1, 9, 3, 0}, Candidates(topo::PathRange{40, 5}), out);
  ASSERT_EQ(out.size(), 5u);
  for (std::uint32_t i = 0; i < 5; ++i) {
    EXPECT_EQ(out[i].path, 40 + i);
    EXPECT_DOUBLE_EQ(out[i].fraction, 0.2);
  }
}

TEST(Reps, EntropiesOutsideOneTo65536AreRejected) {
  EXPECT_THROW(Reps(0), std::invalid_argument);
  EXPECT_THROW(Reps(65537), std::invalid_argument);
  EXPECT_NO_THROW(Reps(65536));
  EXPECT_NO_THROW(Reps(1));
}

TEST(Candidates, ContainsLooksInRangesAndLists) {
  const std::vector<topo::PathId> list{3, 8, 9};
  Candidates c(topo::PathRange{20, 4});
  c.add(std::span<const topo::PathId>(list));
  for (const topo::PathId p : {3u, 8u, 9u, 20u, 23u}) EXPECT_TRUE(c.contains(p)) << p;
  for (const topo::PathId p : {0u, 4u, 10u, 19u, 24u}) EXPECT_FALSE(c.contains(p)) << p;
}

}  // namespace
}  // namespace fabricsim::routing
