#include "flow/max_min.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace fabricsim::flow {
namespace {
constexpr std::uint32_t kNone = 0xffffffffu;
constexpr double kNoLevel = std::numeric_limits<double>::infinity();
constexpr std::size_t kPrefetch = 8;  // flows fetched ahead while freezing
/// A link this close to its capacity is saturated, and a flow this much faster than a
/// link's level is faster than it: the slack that double-precision sums need.
constexpr double kSaturated = 1e-9;
/// Heap order: smallest share first, ties by link id so solves are reproducible.
struct Later {
  template <typename Entry>
  bool operator()(const Entry& a, const Entry& b) const {
    return a.share > b.share || (a.share == b.share && a.link > b.link);
  }
};
}  // namespace

MaxMinSolver::MaxMinSolver(std::vector<double> capacity)
    : capacity_(std::move(capacity)),
      left_level_(kNoLevel),
      link_flows_(capacity_.size()),
      link_count_(capacity_.size(), 0),
      link_demand_(capacity_.size(), 0.0),
      link_load_(capacity_.size(), 0.0),
      remaining_(capacity_.size()),
      demand_(capacity_.size()),
      unfrozen_(capacity_.size()),
      touched_in_(capacity_.size(), 0),
      scanned_in_(capacity_.size(), 0),
      reached_in_(capacity_.size(), 0) {
  for (const double c : capacity_) {
    if (!(c > 0)) throw std::invalid_argument("link capacity must be positive");
  }
}

std::uint32_t MaxMinSolver::add(std::span<const LinkUse> uses) {
  const auto id = static_cast<std::uint32_t>(rate_.size());
  for (const LinkUse& u : uses) {
    uses_.push_back(u);
    use_slot_.push_back(static_cast<std::uint32_t>(link_flows_[u.link].size()));
    link_flows_[u.link].push_back(id);
    ++link_count_[u.link];
    link_demand_[u.link] += u.fraction;
  }
  use_offset_.push_back(uses_.size());
  rate_.push_back(0.0);
  rising_in_.push_back(0);
  frozen_in_.push_back(0);
  solved_.push_back(0);
  active_slot_.push_back(static_cast<std::uint32_t>(active_.size()));
  active_.push_back(id);
  added_.push_back(id);
  return id;
}

void MaxMinSolver::remove(std::uint32_t flow) {
  const std::uint32_t slot = active_slot_[flow];
  if (slot == kNone) return;
  const std::uint32_t moved = active_.back();
  active_[slot] = moved;
  active_slot_[moved] = slot;
  active_.pop_back();
  active_slot_[flow] = kNone;
  const bool solved = solved_[flow] != 0;
  if (solved) left_level_ = std::min(left_level_, rate_[flow]);
  for (std::uint64_t i = use_offset_[flow]; i < use_offset_[flow + 1]; ++i) {
    // The flows it shared a saturated link with may rise: the next solve starts there.
    const std::uint32_t link = uses_[i].link;
    if (solved && saturated(link)) left_links_.push_back(link);
    // Swap-remove from the link's list; the flow moved into the hole learns its new slot.
    std::vector<std::uint32_t>& flows = link_flows_[link];
    const std::uint32_t last = flows.back();
    flows[use_slot_[i]] = last;
    for (std::uint64_t j = use_offset_[last]; j < use_offset_[last + 1]; ++j) {
      if (uses_[j].link == link) use_slot_[j] = use_slot_[i];
    }
    flows.pop_back();
    // Zero exactly when empty, so rounding in the running sums never outlives the flows.
    if (--link_count_[link] == 0) {
      link_demand_[link] = 0.0;
      link_load_[link] = 0.0;
    } else {
      link_demand_[link] -= uses_[i].fraction;
      if (solved) link_load_[link] -= uses_[i].fraction * rate_[flow];
    }
  }
}

std::span<const LinkUse> MaxMinSolver::uses(std::uint32_t flow) const {
  return {uses_.data() + use_offset_[flow], uses_.data() + use_offset_[flow + 1]};
}

std::span<const std::uint32_t> MaxMinSolver::resolved() const { return refrozen_; }

void MaxMinSolver::push(std::uint32_t link, double share) {
  heap_.push_back({share, link});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
}

bool MaxMinSolver::saturated(std::uint32_t link) const {
  return link_load_[link] >= capacity_[link] * (1 - kSaturated);
}

/// The level below which nothing changes: the slowest leaver's rate, and for each newcomer's
/// link l the lower of its slowest solved flow and capacity / demand. Below both, l carries
/// level x demand in the old and the new filling alike minus what newcomers add, and it
/// saturates no earlier than capacity / demand, so the filling below is the old one.
double MaxMinSolver::restart_level() {
  double level = left_level_;
  for (const std::uint32_t flow : added_) {
    if (active_slot_[flow] == kNone) continue;
    for (const LinkUse& u : uses(flow)) {
      if (scanned_in_[u.link] == solve_id_) continue;
      scanned_in_[u.link] = solve_id_;
      level = std::min(level, capacity_[u.link] / link_demand_[u.link]);
      for (const std::uint32_t f : link_flows_[u.link]) {
        if (solved_[f] != 0) level = std::min(level, rate_[f]);
      }
    }
  }
  return level;
}

void MaxMinSolver::join(std::uint32_t flow) {
  rising_in_[flow] = solve_id_;
  region_.push_back(flow);
  for (const LinkUse& u : uses(flow)) {
    if (saturated(u.link)) reach(u.link);
  }
}

void MaxMinSolver::reach(std::uint32_t link) {
  if (reached_in_[link] == solve_id_) return;
  reached_in_[link] = solve_id_;
  frontier_.push_back(link);
}

/// Adds to the region every solved flow at or above `level` on a reached link, and so on
/// through the saturated links of the flows it adds.
void MaxMinSolver::grow_region(double level) {
  while (!frontier_.empty()) {
    const std::uint32_t l = frontier_.back();
    frontier_.pop_back();
    for (const std::uint32_t f : link_flows_[l]) {
      if (rising_in_[f] != solve_id_ && solved_[f] != 0 && rate_[f] >= level) join(f);
    }
  }
}

void MaxMinSolver::unfreeze_region() {
  ++fill_id_;
  touched_.clear();
  for (const std::uint32_t flow : region_) {
    for (const LinkUse& u : uses(flow)) {
      if (touched_in_[u.link] != fill_id_) {
        touched_in_[u.link] = fill_id_;
        touched_.push_back(u.link);
        demand_[u.link] = 0.0;
        unfrozen_[u.link] = 0;
      }
      if (solved_[flow] != 0) link_load_[u.link] -= u.fraction * rate_[flow];
      demand_[u.link] += u.fraction;
      ++unfrozen_[u.link];
    }
    solved_[flow] = 0;
  }
}

void MaxMinSolver::solve() {
  refrozen_.clear();
  if (added_.empty() && left_level_ == kNoLevel) return;  // nothing changed
  ++solve_id_;
  const double level = restart_level();
  region_.clear();
  for (const std::uint32_t f : added_) {
    if (active_slot_[f] != kNone) join(f);
  }
  for (const std::uint32_t l : left_links_) reach(l);
  grow_region(level);
  added_.clear();
  left_links_.clear();
  left_level_ = kNoLevel;
  do {
    unfreeze_region();
    fill(level);
    for (const std::uint32_t f : refrozen_) {
      solved_[f] = 1;
      for (const LinkUse& u : uses(f)) link_load_[u.link] += u.fraction * rate_[f];
    }
    frozen_total_ += refrozen_.size();
  } while (absorb_faster_outsiders(level));
}

/// A flow outside the region that is faster than a link the region just saturated would
/// break max-min there: it joins the region (with what it reaches), and the caller fills
/// again. False when no link has such a flow.
bool MaxMinSolver::absorb_faster_outsiders(double level) {
  const std::size_t before = region_.size();
  for (std::size_t i = 0; i < saturated_.size(); ++i) {
    const double ceiling = saturated_level_[i] * (1 + kSaturated);
    for (const std::uint32_t f : link_flows_[saturated_[i]]) {
      if (rising_in_[f] != solve_id_ && solved_[f] != 0 && rate_[f] > ceiling) join(f);
    }
  }
  grow_region(level);
  return region_.size() > before;
}
void MaxMinSolver::fill(double level) {
  refrozen_.clear();
  saturated_.clear();
  saturated_level_.clear();
  heap_.clear();
  for (const std::uint32_t l : touched_) {
    remaining_[l] = std::max(0.0, capacity_[l] - link_load_[l]);
    push(l, remaining_[l] / demand_[l]);
  }
  while (!heap_.empty()) {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    const HeapEntry top = heap_.back();
    heap_.pop_back();
    if (unfrozen_[top.link] == 0) continue;
    // Shares only rise as flows freeze elsewhere, so a stale key is a lower bound: re-key a
    // link only when it reaches the top, instead of every time a frozen flow touches it.
    const double share = remaining_[top.link] / demand_[top.link];
    if (share > top.share) {
      push(top.link, share);
      continue;
    }
    // This link saturates: freeze every flow still rising on it. Levels never fall, so the
    // frozen flows come out in rate order even where rounding nudges a share down.
    level = std::max(level, share);
    saturated_.push_back(top.link);
    saturated_level_.push_back(level);
    const std::vector<std::uint32_t>& flows = link_flows_[top.link];
    for (std::size_t i = 0; i < flows.size(); ++i) {
      // The loop is bound by cache misses on per-flow state, so fetch a few flows ahead.
      if (i + kPrefetch < flows.size()) {
        const std::uint32_t ahead = flows[i + kPrefetch];
        __builtin_prefetch(&rising_in_[ahead]);
        __builtin_prefetch(&uses_[use_offset_[ahead]]);
      }
      const std::uint32_t f = flows[i];
      if (rising_in_[f] != solve_id_ || frozen_in_[f] == fill_id_) continue;
      frozen_in_[f] = fill_id_;
      rate_[f] = level;
      refrozen_.push_back(f);
      for (const LinkUse& u : uses(f)) {
        remaining_[u.link] = std::max(0.0, remaining_[u.link] - u.fraction * level);
        demand_[u.link] -= u.fraction;
        --unfrozen_[u.link];
      }
    }
  }
}

}  // namespace fabricsim::flow
