#include "flow/max_min.hpp"

#include <algorithm>
#include <stdexcept>

namespace fabricsim::flow {
namespace {
constexpr std::uint32_t kInactive = 0xffffffffu;
// Heap order: smallest share first, ties by link id so solves are reproducible.
bool later(const auto& a, const auto& b) {
  return a.share > b.share || (a.share == b.share && a.link > b.link);
}
}  // namespace

MaxMinSolver::MaxMinSolver(std::vector<double> capacity)
    : capacity_(std::move(capacity)),
      remaining_(capacity_.size()),
      demand_(capacity_.size()),
      unfrozen_(capacity_.size()),
      link_offset_(capacity_.size() + 1),
      cursor_(capacity_.size()) {
  for (const double c : capacity_) {
    if (!(c > 0)) throw std::invalid_argument("link capacity must be positive");
  }
}

std::uint32_t MaxMinSolver::add(std::span<const LinkUse> uses) {
  const auto id = static_cast<std::uint32_t>(rate_.size());
  uses_.insert(uses_.end(), uses.begin(), uses.end());
  use_offset_.push_back(uses_.size());
  rate_.push_back(0.0);
  frozen_.push_back(0);
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
}

std::span<const LinkUse> MaxMinSolver::uses(std::uint32_t flow) const {
  return {uses_.data() + use_offset_[flow], uses_.data() + use_offset_[flow + 1]};
}

void MaxMinSolver::build_link_lists() {
  // Counting sort of active flows by link: link_flows_ holds, per link, its active flows.
  std::fill(link_offset_.begin(), link_offset_.end(), 0);
  for (const std::uint32_t f : active_) {
    for (const LinkUse& u : uses(f)) ++link_offset_[u.link + 1];
  }
  for (std::size_t l = 0; l < capacity_.size(); ++l) link_offset_[l + 1] += link_offset_[l];
  link_flows_.resize(link_offset_.back());
  std::copy(link_offset_.begin(), link_offset_.end() - 1, cursor_.begin());
  for (const std::uint32_t f : active_) {
    for (const LinkUse& u : uses(f)) link_flows_[cursor_[u.link]++] = f;
  }
}

void MaxMinSolver::push(std::uint32_t link, double share) {
  heap_.push_back({share, link});
  std::push_heap(heap_.begin(), heap_.end(), later<HeapEntry, HeapEntry>);
}

void MaxMinSolver::solve() {
  build_link_lists();
  std::fill(demand_.begin(), demand_.end(), 0.0);
  std::fill(unfrozen_.begin(), unfrozen_.end(), 0u);
  for (const std::uint32_t f : active_) {
    frozen_[f] = 0;
    for (const LinkUse& u : uses(f)) {
      demand_[u.link] += u.fraction;
      ++unfrozen_[u.link];
    }
  }
  heap_.clear();
  for (std::uint32_t l = 0; l < capacity_.size(); ++l) {
    remaining_[l] = capacity_[l];
    if (unfrozen_[l] > 0) push(l, capacity_[l] / demand_[l]);
  }
  while (!heap_.empty()) {
    std::pop_heap(heap_.begin(), heap_.end(), later<HeapEntry, HeapEntry>);
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
    for (std::uint32_t i = link_offset_[top.link]; i < link_offset_[top.link + 1]; ++i) {
      const std::uint32_t f = link_flows_[i];
      if (frozen_[f]) continue;
      frozen_[f] = 1;
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
