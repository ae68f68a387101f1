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
/// Why a re-solve can be partial:
/// - Filling reaches a level x in the same state with or without a flow whose rate is at
///   least x, since none of its links saturates below its rate. So when flows leave, every
///   flow slower than the slowest leaver keeps its rate; when flows arrive, every flow slower
///   than x keeps its rate, x being the level below which none of their links can saturate.
/// - Of the flows at or above x, only those joined to the change through saturated links
///   (the region) can move: the others' bottlenecks carry no region flow. solve() fills the
///   region again on what the other flows leave of each link, then checks every link that
///   saturated: a flow outside the region that is faster there joins it, and it fills again.
/// The result is a max-min allocation (each flow saturates a link on which none is faster)
/// and equals a solve from scratch; tests/flow/max_min_test.cpp checks it after every change
/// on random flow sets.
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
  /// The flows whose rate the last solve() set (the others kept theirs).
  std::span<const std::uint32_t> resolved() const;

  double rate(std::uint32_t flow) const { return rate_[flow]; }
  std::span<const LinkUse> uses(std::uint32_t flow) const;
  std::span<const std::uint32_t> active() const { return active_; }
  std::size_t link_count() const { return capacity_.size(); }
  /// Flows the solves so far have frozen, summed: the work they did.
  std::uint64_t frozen_total() const { return frozen_total_; }

 private:
  struct HeapEntry {
    double share;
    std::uint32_t link;
  };
  double restart_level();
  bool saturated(std::uint32_t link) const;
  void reach(std::uint32_t link);
  void grow_region(double level);
  void join(std::uint32_t flow);
  void unfreeze_region();
  void fill(double level);
  bool absorb_faster_outsiders(double level);
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
  std::vector<std::uint8_t> solved_;  // per flow: has a rate from a solve
  std::vector<std::uint32_t> added_;       // flows added since the last solve
  std::vector<std::uint32_t> left_links_;  // saturated links of the flows removed since
  double left_level_;                 // lowest rate of the flows removed since then
  // Per link, kept current by add/remove: active flows, their count, summed fractions, and
  // the load (fraction x rate) of the solved ones.
  std::vector<std::vector<std::uint32_t>> link_flows_;
  std::vector<std::uint32_t> link_count_;
  std::vector<double> link_demand_;
  std::vector<double> link_load_;
  // Scratch for solve(), kept to avoid allocating per solve.
  std::vector<double> remaining_;
  std::vector<double> demand_;  // sum of fractions of unfrozen flows, per link
  std::vector<std::uint32_t> unfrozen_;
  std::vector<std::uint32_t> touched_;      // links with unfrozen flows in this solve
  std::vector<std::uint32_t> touched_in_;   // link -> the solve that touched it
  std::vector<std::uint32_t> scanned_in_;   // link -> the solve that read its slowest flow
  std::vector<std::uint32_t> reached_in_;   // link -> the solve whose region reached it
  std::vector<std::uint32_t> frontier_;     // links the region still has to look at
  std::vector<std::uint32_t> region_;       // flows the solve re-fills
  std::vector<std::uint32_t> saturated_;    // links that froze flows in the last fill
  std::vector<double> saturated_level_;
  std::vector<std::uint32_t> rising_in_;    // flow -> the solve whose region holds it
  std::vector<std::uint32_t> frozen_in_;    // flow -> the solve that froze it
  std::vector<std::uint32_t> refrozen_;     // flows frozen by this solve, in order
  std::uint32_t solve_id_ = 0;
  std::uint32_t fill_id_ = 0;  // a solve fills once, or again after its region grew
  std::uint64_t frozen_total_ = 0;
  std::vector<HeapEntry> heap_;
};

}  // namespace fabricsim::flow
