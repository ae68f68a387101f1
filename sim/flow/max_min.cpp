#include "flow/max_min.hpp"

#include <algorithm>
#include <stdexcept>

namespace fabricsim::flow {
namespace {
constexpr std::uint32_t kInactive = 0xffffffffu;
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
      link_flows_(capacity_.size()),
      link_count_(capacity_.size(), 0),
      link_demand_(capacity_.size(), 0.0),
      remaining_(capacity_.size()),
      demand_(capacity_.size()),
      unfrozen_(capacity_.size()) {
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
  active_slot_.push_back(static_cast<std::uint32_t>(active_.size()));
  active_.push_back(id);
  return id;
}

void MaxMinSolver::remove(std::uint32_t flow) {
  const std::uint32_t slot = active_slot_[flow];
  if (slot == kInactive) return;
  const std::uint32_t moved = active_.back();
  active_[slot] = moved;
  active_slot_[moved] = slot;
  active_.pop_back();
  active_slot_[flow] = kInactive;
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
    // Zero exactly when empty, so rounding in the running sum never outlives the flows.
    link_demand_[link] = --link_count_[link] == 0 ? 0.0 : link_demand_[link] - uses_[i].fraction;
  }
}

std::span<const LinkUse> MaxMinSolver::uses(std::uint32_t flow) const {
  return {uses_.data() + use_offset_[flow], uses_.data() + use_offset_[flow + 1]};
}

void MaxMinSolver::push(std::uint32_t link, double share) {
  heap_.push_back({share, link});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
}

void MaxMinSolver::solve() {
  ++solve_id_;
  remaining_ = capacity_;
  demand_ = link_demand_;
  unfrozen_ = link_count_;
  heap_.clear();
  for (std::uint32_t l = 0; l < capacity_.size(); ++l) {
    if (unfrozen_[l] > 0) push(l, capacity_[l] / demand_[l]);
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
    // This link saturates at water level `share`: freeze every flow still rising on it.
    // The loop is bound by cache misses on per-flow state, so fetch a few flows ahead.
    const std::vector<std::uint32_t>& flows = link_flows_[top.link];
    for (std::size_t i = 0; i < flows.size(); ++i) {
      if (i + kPrefetch < flows.size()) {
        const std::uint32_t ahead = flows[i + kPrefetch];
        __builtin_prefetch(&frozen_in_[ahead]);
        __builtin_prefetch(&uses_[use_offset_[ahead]]);
      }
      const std::uint32_t f = flows[i];
      if (frozen_in_[f] == solve_id_) continue;
      frozen_in_[f] = solve_id_;
      rate_[f] = share;
      for (const LinkUse& u : uses(f)) {
        remaining_[u.link] = std::max(0.0, remaining_[u.link] - u.fraction * share);
        demand_[u.link] -= u.fraction;
        --unfrozen_[u.link];
      }
    }
  }
}

}  // namespace fabricsim::flow
