#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace fabricsim::flow {

/// One link a flow crosses and the fraction of the flow's rate carried on it
/// (1 on a single path; 1/n on each of n sprayed paths).
struct LinkUse {
  std::uint32_t link;
  double fraction;
};

/// Exact weighted max-min fair rates by progressive filling, re-solved incrementally.
/// Every unfrozen flow's rate rises together until some link saturates (sum of fraction x
/// rate = capacity); that link's flows freeze at that level, and filling goes on. Capacities
/// and rates in bytes per picosecond.
///
/// Why a re-solve can be partial: filling reaches a level x in the same state with or without
/// a flow whose rate is at least x, because none of that flow's links saturates below its
/// rate. So when flows leave, every flow slower than the slowest leaver keeps its rate; when
/// flows arrive, every flow slower than x keeps its rate, x being the level below which none
/// of the newcomers' links can saturate. solve() keeps the flows sorted by rate, unfreezes
/// only those at or above that level and fills again from what the others leave of each
/// link, touching only the unfrozen flows' uses. The result equals a solve from scratch
/// (tests/flow/max_min_test.cpp checks it after every change on random flow sets).
class MaxMinSolver {
 public:
  explicit MaxMinSolver(std::vector<double> capacity);

  /// Adds a flow crossing `uses` (each link at most once); returns its id (ids count up).
  /// Its rate is 0 until the next solve().
  std::uint32_t add(std::span<const LinkUse> uses);
  /// Removes a flow; its rate is kept as it was.
  void remove(std::uint32_t flow);
  /// Brings every active flow's rate to the max-min allocation of the active set.
  void solve();
  /// The flows whose rate the last solve() set (the others kept theirs), in rate order.
  std::span<const std::uint32_t> resolved() const { return refrozen_; }

  double rate(std::uint32_t flow) const { return rate_[flow]; }
  std::span<const LinkUse> uses(std::uint32_t flow) const;
  std::span<const std::uint32_t> active() const { return active_; }
  std::size_t link_count() const { return capacity_.size(); }
  /// Rates the solves so far have set, summed: the work they did.
  std::uint64_t frozen_total() const { return frozen_total_; }

 private:
  struct HeapEntry {
    double share;
    std::uint32_t link;
  };
  double restart_level();
  void unfreeze(std::size_t first);
  void fill(double level);
  void push(std::uint32_t link, double share);

  std::vector<double> capacity_;
  // Per flow: its uses are uses_[use_offset_[f] .. use_offset_[f + 1]); use_slot_ holds each
  // use's position in its link's flow list.
  std::vector<LinkUse> uses_;
  std::vector<std::uint32_t> use_slot_;
  std::vector<std::uint64_t> use_offset_{0};
  std::vector<double> rate_;
  std::vector<std::uint32_t> active_;
  std::vector<std::uint32_t> active_slot_;  // flow -> index in active_
  // Solved flows in nondecreasing rate order, and each one's index there (kNone before its
  // first solve). Flows removed since the last solve stay listed until it: they sit in the
  // part it re-fills, so it drops them.
  std::vector<std::uint32_t> order_;
  std::vector<std::uint32_t> order_slot_;
  std::vector<std::uint32_t> added_;  // flows added since the last solve
  double left_level_;                 // lowest rate of the flows removed since then
  // Per link, kept current by add/remove: active flows, their count, summed fractions, and
  // the load (fraction x rate) of the solved ones.
  std::vector<std::vector<std::uint32_t>> link_flows_;
  std::vector<std::uint32_t> link_count_;
  std::vector<double> link_demand_;
  std::vector<double> link_load_;
  // Scratch for solve(), kept to avoid allocating per solve.
  std::vector<double> remaining_;
  std::vector<double> demand_;           // sum of fractions of unfrozen flows, per link
  std::vector<std::uint32_t> unfrozen_;  // unfrozen flows, per link
  std::vector<std::uint32_t> touched_;   // links with unfrozen flows in this solve
  std::vector<std::uint32_t> touched_in_;  // link -> the solve that touched it
  std::vector<std::uint32_t> scanned_in_;  // link -> the solve that read its slowest flow
  // The unfrozen flows of each touched link, link by link (CSR over touched_): filling
  // reads these instead of the links' whole flow lists, most of whose flows keep their rate.
  std::vector<std::uint32_t> rising_begin_;  // link -> its range in rising_flows_
  std::vector<std::uint32_t> rising_end_;
  std::vector<std::uint32_t> rising_flows_;
  std::vector<std::uint32_t> rising_;       // the unfrozen flows of this solve
  std::vector<std::uint32_t> frozen_in_;    // flow -> the solve that froze it
  std::vector<std::uint32_t> refrozen_;     // flows frozen by this solve, in order
  std::uint32_t solve_id_ = 0;
  std::uint64_t frozen_total_ = 0;
  std::vector<HeapEntry> heap_;
};

}  // namespace fabricsim::flow
