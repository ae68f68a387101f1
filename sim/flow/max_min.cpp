#include "flow/max_min.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace fabricsim::flow {
namespace {
constexpr std::uint32_t kNone = 0xffffffffu;
constexpr double kNoLevel = std::numeric_limits<double>::infinity();
constexpr std::size_t kPrefetch = 8;  // flows fetched ahead while freezing
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
      rising_begin_(capacity_.size()),
      rising_end_(capacity_.size()) {
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
  frozen_in_.push_back(0);
  order_slot_.push_back(kNone);
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
  const bool solved = order_slot_[flow] != kNone;
  if (solved) left_level_ = std::min(left_level_, rate_[flow]);
  for (std::uint64_t i = use_offset_[flow]; i < use_offset_[flow + 1]; ++i) {
    // Swap-remove from the link's list; the flow moved into the hole learns its new slot.
    const std::uint32_t link = uses_[i].link;
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

void MaxMinSolver::push(std::uint32_t link, double share) {
  heap_.push_back({share, link});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
}

/// The level below which nothing changes: the slowest leaver's rate, and for each newcomer's
/// link l the lower of its slowest solved flow and capacity / demand. Below both, l carries
/// level x demand in the old and the new filling alike minus what newcomers add, and it
/// saturates no earlier than capacity / demand, so the filling below is the old one.
/// 0 (everything re-fills) as soon as it reaches the slowest solved flow.
double MaxMinSolver::restart_level() {
  double level = left_level_;
  const double slowest = order_.empty() ? kNoLevel : rate_[order_.front()];
  for (const std::uint32_t flow : added_) {
    if (active_slot_[flow] == kNone) continue;
    for (const LinkUse& u : uses(flow)) {
      if (scanned_in_[u.link] == solve_id_) continue;
      scanned_in_[u.link] = solve_id_;
      level = std::min(level, capacity_[u.link] / link_demand_[u.link]);
      for (const std::uint32_t f : link_flows_[u.link]) {
        if (order_slot_[f] != kNone) level = std::min(level, rate_[f]);
      }
      if (level <= slowest) return 0.0;
    }
  }
  return level;
}

void MaxMinSolver::solve() {
  refrozen_.clear();
  if (added_.empty() && left_level_ == kNoLevel) return;  // nothing changed
  ++solve_id_;
  const double level = restart_level();
  // Flows below `level` keep their rates; the rest rise again from the frozen ones' leftovers.
  const auto first = static_cast<std::size_t>(
      std::partition_point(order_.begin(), order_.end(),
                           [&](std::uint32_t f) { return rate_[f] < level; }) -
      order_.begin());
  if (first == 0) std::fill(link_load_.begin(), link_load_.end(), 0.0);  // no drift survives
  unfreeze(first);
  fill(level);
  for (std::size_t i = 0; i < refrozen_.size(); ++i) {
    if (i + kPrefetch < refrozen_.size()) __builtin_prefetch(&uses_[use_offset_[refrozen_[i + kPrefetch]]]);
    const std::uint32_t f = refrozen_[i];
    order_slot_[f] = static_cast<std::uint32_t>(order_.size());
    order_.push_back(f);
    for (const LinkUse& u : uses(f)) link_load_[u.link] += u.fraction * rate_[f];
  }
  frozen_total_ += refrozen_.size();
}

/// Collects the flows to re-fill (solved ones from `first` on, and newcomers), takes their
/// load off their links, and lists them link by link for fill().
void MaxMinSolver::unfreeze(std::size_t first) {
  rising_.clear();
  for (std::size_t i = first; i < order_.size(); ++i) {
    const std::uint32_t f = order_[i];
    order_slot_[f] = kNone;
    if (active_slot_[f] != kNone) rising_.push_back(f);
  }
  const std::size_t solved = first > 0 ? rising_.size() : 0;  // these carry load to take off
  for (const std::uint32_t f : added_) {
    if (active_slot_[f] != kNone) rising_.push_back(f);
  }
  order_.resize(first);
  added_.clear();
  left_level_ = kNoLevel;

  touched_.clear();
  for (std::size_t i = 0; i < rising_.size(); ++i) {
    // Bound by cache misses on the flows' uses, so fetch a few flows ahead.
    if (i + kPrefetch < rising_.size()) __builtin_prefetch(&uses_[use_offset_[rising_[i + kPrefetch]]]);
    const std::uint32_t f = rising_[i];
    const bool loaded = i < solved;  // its rate is counted in link_load_
    for (const LinkUse& u : uses(f)) {
      if (touched_in_[u.link] != solve_id_) {
        touched_in_[u.link] = solve_id_;
        touched_.push_back(u.link);
        demand_[u.link] = 0.0;
        unfrozen_[u.link] = 0;
      }
      if (loaded) link_load_[u.link] -= u.fraction * rate_[f];
      demand_[u.link] += u.fraction;
      ++unfrozen_[u.link];
    }
  }
  std::uint32_t end = 0;
  for (const std::uint32_t l : touched_) {
    rising_begin_[l] = rising_end_[l] = end;
    end += unfrozen_[l];
  }
  rising_flows_.resize(end);
  for (const std::uint32_t f : rising_) {
    for (const LinkUse& u : uses(f)) rising_flows_[rising_end_[u.link]++] = f;
  }
}

void MaxMinSolver::fill(double level) {
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
    const std::uint32_t begin = rising_begin_[top.link], end = rising_end_[top.link];
    for (std::uint32_t i = begin; i < end; ++i) {
      // The loop is bound by cache misses on per-flow state, so fetch a few flows ahead.
      if (i + kPrefetch < end) {
        const std::uint32_t ahead = rising_flows_[i + kPrefetch];
        __builtin_prefetch(&frozen_in_[ahead]);
        __builtin_prefetch(&uses_[use_offset_[ahead]]);
      }
      const std::uint32_t f = rising_flows_[i];
      if (frozen_in_[f] == solve_id_) continue;
      frozen_in_[f] = solve_id_;
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
