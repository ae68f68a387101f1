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

/// Weighted max-min fair rates by progressive filling: every unfrozen flow's rate rises
/// together until some link saturates (sum of fraction * rate = capacity); that link's flows
/// freeze, and filling goes on. Capacities and rates in bytes per picosecond.
///
/// Why it is fast: each link keeps its active flows and their summed fractions up to date as
/// flows come and go, so a solve starts from O(links) state and touches each (flow, link) use
/// once while freezing. The next link to saturate comes from a heap keyed by remaining
/// capacity per unit of unfrozen demand; keys are re-computed lazily (see solve()).
class MaxMinSolver {
 public:
  explicit MaxMinSolver(std::vector<double> capacity);

  /// Adds a flow crossing `uses` (each link at most once); returns its id (ids count up).
  std::uint32_t add(std::span<const LinkUse> uses);
  /// Removes a flow from the next solve; its rate is kept as it was.
  void remove(std::uint32_t flow);
  /// Recomputes the rate of every active flow.
  void solve();

  double rate(std::uint32_t flow) const { return rate_[flow]; }
  std::span<const LinkUse> uses(std::uint32_t flow) const;
  std::span<const std::uint32_t> active() const { return active_; }
  std::size_t link_count() const { return capacity_.size(); }

 private:
  struct HeapEntry {
    double share;
    std::uint32_t link;
  };
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
  // Per link, kept current by add/remove: active flows, their count and summed fractions.
  std::vector<std::vector<std::uint32_t>> link_flows_;
  std::vector<std::uint32_t> link_count_;
  std::vector<double> link_demand_;
  // Scratch for solve(), kept to avoid allocating per solve.
  std::vector<double> remaining_;
  std::vector<double> demand_;  // sum of fractions of unfrozen flows, per link
  std::vector<std::uint32_t> unfrozen_;
  std::vector<std::uint32_t> frozen_in_;  // flow -> the solve that froze it
  std::uint32_t solve_id_ = 0;
  std::vector<HeapEntry> heap_;
};

}  // namespace fabricsim::flow
