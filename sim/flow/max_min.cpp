#include "flow/max_min.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace fabricsim::flow {
namespace {
constexpr std::uint32_t kNone = 0xffffffffu;
constexpr double kNoLevel = std::numeric_limits<double>::infinity();
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
      level_(capacity_.size(), 0.0),
      members_(capacity_.size(), 0),
      col_(capacity_.size()),
      order_slot_(capacity_.size(), kNone),
      rising_in_(capacity_.size(), 0),
      left_level_(kNoLevel),
      row_(capacity_.size()),
      link_count_(capacity_.size(), 0),
      link_demand_(capacity_.size(), 0.0),
      link_load_(capacity_.size(), 0.0),
      remaining_(capacity_.size()),
      demand_(capacity_.size()),
      rising_count_(capacity_.size()),
      touched_in_(capacity_.size(), 0),
      scanned_in_(capacity_.size(), 0),
      bucket_index_(capacity_.size()),
      indexed_in_(capacity_.size(), 0),
      new_count_(capacity_.size()),
      new_begin_(capacity_.size()),
      new_end_(capacity_.size()),
      bucket_count_(capacity_.size()),
      bucket_begin_(capacity_.size()),
      bucket_end_(capacity_.size()) {
  for (const double c : capacity_) {
    if (!(c > 0)) throw std::invalid_argument("link capacity must be positive");
  }
}

std::uint32_t MaxMinSolver::add(std::span<const LinkUse> uses) {
  const auto id = static_cast<std::uint32_t>(group_.size());
  for (const LinkUse& u : uses) {
    uses_.push_back(u);
    use_flow_.push_back(id);
    use_bucket_.push_back(kNone);
    use_slot_.push_back(0);
    ++link_count_[u.link];
    link_demand_[u.link] += u.fraction;
  }
  use_offset_.push_back(uses_.size());
  group_.push_back(kNoGroup);
  placed_in_.push_back(0);
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
  const std::uint32_t g = group_[flow];
  if (g != kNoGroup) {
    left_level_ = std::min(left_level_, level_[g]);
    --members_[g];
  }
  for (std::uint64_t u = use_offset_[flow]; u < use_offset_[flow + 1]; ++u) {
    const LinkUse& use = uses_[u];
    if (g != kNoGroup) {
      const std::uint32_t b = use_bucket_[u];
      detach(static_cast<std::uint32_t>(u));
      if (buckets_[b].uses.empty()) release(b);
    }
    // Zero exactly when empty, so rounding in the running sums never outlives the flows.
    if (--link_count_[use.link] == 0) {
      link_demand_[use.link] = 0.0;
      link_load_[use.link] = 0.0;
    } else {
      link_demand_[use.link] -= use.fraction;
      if (g != kNoGroup) link_load_[use.link] -= use.fraction * level_[g];
    }
  }
}

double MaxMinSolver::rate(std::uint32_t flow) const {
  return group_[flow] == kNoGroup ? 0.0 : level_[group_[flow]];
}

std::span<const LinkUse> MaxMinSolver::uses(std::uint32_t flow) const {
  return {uses_.data() + use_offset_[flow], uses_.data() + use_offset_[flow + 1]};
}

/// Takes a grouped use out of its bucket (swap-remove; the use moved into the hole learns
/// its new slot). The bucket stays linked even when it empties.
void MaxMinSolver::detach(std::uint32_t use) {
  Bucket& b = buckets_[use_bucket_[use]];
  const std::uint32_t last = b.uses.back();
  b.uses[use_slot_[use]] = last;
  use_slot_[last] = use_slot_[use];
  b.uses.pop_back();
  b.weight = b.uses.empty() ? 0.0 : b.weight - uses_[use].fraction;
  use_bucket_[use] = kNone;
}

/// The bucket of `group` on `link`, created if missing; bucket_index_ must hold the group's
/// buckets (saturate() builds it).
std::uint32_t MaxMinSolver::bucket_for(std::uint32_t link, std::uint32_t group) {
  if (indexed_in_[link] == index_id_) return bucket_index_[link];
  std::uint32_t id;
  if (free_buckets_.empty()) {
    id = static_cast<std::uint32_t>(buckets_.size());
    buckets_.emplace_back();
  } else {
    id = free_buckets_.back();
    free_buckets_.pop_back();
  }
  Bucket& b = buckets_[id];
  b.link = link;
  b.group = group;
  b.weight = 0.0;
  b.live = true;
  b.row_slot = static_cast<std::uint32_t>(row_[link].size());
  row_[link].push_back(id);
  b.col_slot = static_cast<std::uint32_t>(col_[group].size());
  col_[group].push_back(id);
  indexed_in_[link] = index_id_;
  bucket_index_[link] = id;
  return id;
}

/// Unlinks an empty bucket from its link's row and its group's column.
void MaxMinSolver::release(std::uint32_t bucket) {
  Bucket& b = buckets_[bucket];
  if (!b.live || !b.uses.empty()) return;
  b.live = false;
  std::vector<std::uint32_t>& row = row_[b.link];
  buckets_[row.back()].row_slot = b.row_slot;
  row[b.row_slot] = row.back();
  row.pop_back();
  std::vector<std::uint32_t>& col = col_[b.group];
  buckets_[col.back()].col_slot = b.col_slot;
  col[b.col_slot] = col.back();
  col.pop_back();
  free_buckets_.push_back(bucket);
}

void MaxMinSolver::push(std::uint32_t link, double share) {
  heap_.push_back({share, link});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
}

/// The level below which nothing changes: the slowest leaver's level, and for each newcomer's
/// link l the lower of its slowest group and capacity / demand. Below both, l carries
/// level x demand in the old and the new filling alike minus what newcomers add, and it
/// saturates no earlier than capacity / demand, so the filling below is the old one.
/// 0 (everything re-fills) as soon as it reaches the slowest group.
double MaxMinSolver::restart_level() {
  double level = left_level_;
  const double slowest = order_.empty() ? kNoLevel : level_[order_.front()];
  for (const std::uint32_t flow : added_) {
    if (active_slot_[flow] == kNone) continue;
    for (const LinkUse& u : uses(flow)) {
      if (scanned_in_[u.link] == solve_id_) continue;
      scanned_in_[u.link] = solve_id_;
      level = std::min(level, capacity_[u.link] / link_demand_[u.link]);
      for (const std::uint32_t b : row_[u.link]) level = std::min(level, level_[buckets_[b].group]);
      if (level <= slowest) return 0.0;
    }
  }
  return level;
}

void MaxMinSolver::solve() {
  refrozen_.clear();
  moves_.clear();
  if (added_.empty() && left_level_ == kNoLevel) return;  // nothing changed
  ++solve_id_;
  const double level = restart_level();
  // Groups below `level` keep their levels; the rest rise again from the others' leftovers.
  const auto first = static_cast<std::size_t>(
      std::partition_point(order_.begin(), order_.end(),
                           [&](std::uint32_t g) { return level_[g] < level; }) -
      order_.begin());
  if (first == 0) std::fill(link_load_.begin(), link_load_.end(), 0.0);  // no drift survives
  unfreeze(first);
  fill(level);
  for (const std::uint32_t g : refrozen_) {
    order_slot_[g] = static_cast<std::uint32_t>(order_.size());
    order_.push_back(g);
  }
  for (const std::uint32_t b : emptied_) release(b);
  emptied_.clear();
}

void MaxMinSolver::touch(std::uint32_t link) {
  if (touched_in_[link] == solve_id_) return;
  touched_in_[link] = solve_id_;
  touched_.push_back(link);
  demand_[link] = 0.0;
  rising_count_[link] = 0;
  new_count_[link] = 0;
  bucket_count_[link] = 0;
}

/// Collects what re-fills (the groups from `first` on, and new flows), takes the groups'
/// load off their links, and lists the rising buckets and new flows link by link for
/// saturate().
void MaxMinSolver::unfreeze(std::size_t first) {
  touched_.clear();
  rising_groups_.clear();
  const bool loaded = first > 0;  // the groups' load is counted in link_load_
  for (std::size_t i = first; i < order_.size(); ++i) {
    const std::uint32_t g = order_[i];
    order_slot_[g] = kNone;
    if (members_[g] == 0) continue;  // emptied since the last solve
    rising_in_[g] = solve_id_;
    rising_groups_.push_back(g);
    for (const std::uint32_t id : col_[g]) {
      const Bucket& b = buckets_[id];
      touch(b.link);
      if (loaded) link_load_[b.link] -= b.weight * level_[g];
      demand_[b.link] += b.weight;
      rising_count_[b.link] += static_cast<std::uint32_t>(b.uses.size());
      ++bucket_count_[b.link];
    }
  }
  order_.resize(first);
  std::size_t fresh = 0;
  for (const std::uint32_t f : added_) {
    if (active_slot_[f] == kNone) continue;
    added_[fresh++] = f;
    for (const LinkUse& u : uses(f)) {
      touch(u.link);
      demand_[u.link] += u.fraction;
      ++rising_count_[u.link];
      ++new_count_[u.link];
    }
  }
  added_.resize(fresh);
  std::uint32_t flows = 0, buckets = 0;
  for (const std::uint32_t l : touched_) {
    new_begin_[l] = new_end_[l] = flows;
    flows += new_count_[l];
    bucket_begin_[l] = bucket_end_[l] = buckets;
    buckets += bucket_count_[l];
  }
  new_flows_.resize(flows);
  for (const std::uint32_t f : added_) {
    for (const LinkUse& u : uses(f)) new_flows_[new_end_[u.link]++] = f;
  }
  rising_buckets_.resize(buckets);
  for (const std::uint32_t g : rising_groups_) {
    for (const std::uint32_t id : col_[g]) rising_buckets_[bucket_end_[buckets_[id].link]++] = id;
  }
  added_.clear();
  left_level_ = kNoLevel;
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
    if (rising_count_[top.link] == 0) continue;
    // Shares only rise as flows freeze elsewhere, so a stale key is a lower bound: re-key a
    // link only when it reaches the top, instead of every time a frozen flow touches it.
    const double share = remaining_[top.link] / demand_[top.link];
    if (share > top.share) {
      push(top.link, share);
      continue;
    }
    // Levels never fall, so groups freeze in level order even where rounding nudges a share.
    level = std::max(level, share);
    saturate(top.link, level);
  }
}

/// Link `link` saturates at `level`: its group freezes there, and every flow still rising on
/// it, of another group or new, joins it.
void MaxMinSolver::saturate(std::uint32_t link, double level) {
  ++index_id_;
  const std::uint32_t g = link;
  const bool rising = rising_in_[g] == solve_id_;
  for (const std::uint32_t id : col_[g]) {
    const Bucket& b = buckets_[id];
    indexed_in_[b.link] = index_id_;
    bucket_index_[b.link] = id;
    if (!rising) continue;
    link_load_[b.link] += b.weight * level;
    demand_[b.link] -= b.weight;
    remaining_[b.link] = std::max(0.0, remaining_[b.link] - b.weight * level);
    rising_count_[b.link] -= static_cast<std::uint32_t>(b.uses.size());
  }
  rising_in_[g] = 0;
  level_[g] = level;
  refrozen_.push_back(g);
  for (std::uint32_t i = bucket_begin_[link]; i < bucket_end_[link]; ++i) {
    const std::uint32_t id = rising_buckets_[i];
    const std::uint32_t from = buckets_[id].group;
    if (rising_in_[from] != solve_id_) continue;
    while (!buckets_[id].uses.empty()) {
      const std::uint32_t f = use_flow_[buckets_[id].uses.back()];
      moves_.push_back({f, from});
      join(f, g, level);
    }
  }
  for (std::uint32_t i = new_begin_[link]; i < new_end_[link]; ++i) {
    const std::uint32_t f = new_flows_[i];
    if (placed_in_[f] == solve_id_) continue;
    placed_in_[f] = solve_id_;
    moves_.push_back({f, kNoGroup});
    join(f, g, level);
  }
}

/// A rising flow freezes at `level` into `group`: each of its uses moves into that group's
/// bucket on the use's link, and its load lands on the link.
void MaxMinSolver::join(std::uint32_t flow, std::uint32_t group, double level) {
  const std::uint32_t from = group_[flow];
  for (std::uint64_t i = use_offset_[flow]; i < use_offset_[flow + 1]; ++i) {
    const auto u = static_cast<std::uint32_t>(i);
    const LinkUse& use = uses_[u];
    if (from != kNoGroup) {
      const std::uint32_t old = use_bucket_[u];
      detach(u);
      if (buckets_[old].uses.empty()) emptied_.push_back(old);
    }
    const std::uint32_t id = bucket_for(use.link, group);
    Bucket& b = buckets_[id];
    use_bucket_[u] = id;
    use_slot_[u] = static_cast<std::uint32_t>(b.uses.size());
    b.uses.push_back(u);
    b.weight += use.fraction;
    link_load_[use.link] += use.fraction * level;
    demand_[use.link] -= use.fraction;
    remaining_[use.link] = std::max(0.0, remaining_[use.link] - use.fraction * level);
    --rising_count_[use.link];
  }
  if (from != kNoGroup) --members_[from];
  ++members_[group];
  group_[flow] = group;
}

}  // namespace fabricsim::flow
