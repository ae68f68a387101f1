#include "flow/max_min.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace fabricsim::flow {
namespace {
constexpr double kNoLevel = std::numeric_limits<double>::infinity();
/// Relative load above capacity that rounding in the running sums can explain.
constexpr double kOverload = 1e-10;
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
      col_split_(capacity_.size(), 0),
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
      bucket_end_(capacity_.size()),
      group_entries_(capacity_.size()),
      group_entries_end_(capacity_.size()),
      new_level_(capacity_.size()),
      delta_(capacity_.size()),
      changed_in_(capacity_.size(), 0) {
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
    leave(g);
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

/// Filling below level x runs the same with the old and the new capacity as long as the link
/// saturates in neither: below its group's old level when it rises, below capacity / demand
/// (the level at which its flows could fill it if all were still rising) when it falls.
void MaxMinSolver::set_capacity(std::uint32_t link, double capacity) {
  if (!(capacity >= 0)) throw std::invalid_argument("link capacity must not be negative");
  const double old = capacity_[link];
  capacity_[link] = capacity;
  if (link_count_[link] == 0) return;
  if (capacity < old) {
    left_level_ = std::min(left_level_, capacity / link_demand_[link]);
  } else if (capacity > old && members_[link] > 0) {
    left_level_ = std::min(left_level_, level_[link]);
  }
}

double MaxMinSolver::rate(std::uint32_t flow) const {
  return group_[flow] == kNoGroup ? 0.0 : level_[group_[flow]];
}

std::span<const LinkUse> MaxMinSolver::uses(std::uint32_t flow) const {
  return {uses_.data() + use_offset_[flow], uses_.data() + use_offset_[flow + 1]};
}

/// relevel()'s move: a rising flow freezes at `level` on `group`'s link. Its load stays
/// counted at the old levels (now its new group's), as relevel() keeps link_load_ until it
/// commits, and the links being filled lose it as a rising flow.
void MaxMinSolver::shift(std::uint32_t flow, std::uint32_t group, double level) {
  const std::uint32_t from = group_[flow];
  for (std::uint64_t i = use_offset_[flow]; i < use_offset_[flow + 1]; ++i) {
    const auto u = static_cast<std::uint32_t>(i);
    const LinkUse& use = uses_[u];
    if (touched_in_[use.link] == solve_id_) {
      // A rising link: the flow's old group has an entry there, among its own.
      Entry* e = &entries_[group_entries_[from]];
      while (e->link != use.link) ++e;
      e->weight -= use.fraction;
      --e->count;
      remaining_[use.link] = std::max(0.0, remaining_[use.link] - use.fraction * level);
      demand_[use.link] -= use.fraction;
      --rising_count_[use.link];
    }
    link_load_[use.link] += use.fraction * (level_[group] - level_[from]);
    regroup(u, group);
  }
  leave(from);
  enter(group);
  group_[flow] = group;
  moves_.push_back({flow, from, group});
}

void MaxMinSolver::push(std::uint32_t link, double share) {
  heap_.push_back({share, link});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
}

/// The level below which nothing changes: the slowest leaver's level or the lowest a capacity
/// change can affect (set_capacity()), and for each newcomer's link l the lower of its
/// slowest group and capacity / demand. Below both, l carries
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
      for (const RowEntry& r : row_[u.link]) level = std::min(level, level_[r.group]);
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
  if (!has_newcomers()) {
    // Each failed re-levelling adds the links it overloaded, and tries again.
    extra_.clear();
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
      const std::size_t extra = extra_.size();
      if (relevel(first, level)) return;
      if (extra_.size() == extra) break;
      ++solve_id_;
    }
  }
  ++solve_id_;  // relevel() may have stamped links and groups
  refrozen_.clear();
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

bool MaxMinSolver::has_newcomers() const {
  return std::any_of(added_.begin(), added_.end(),
                     [&](std::uint32_t f) { return active_slot_[f] != kNone; });
}

/// The fast path when flows only left: fill only the re-filled groups' own links and the
/// links in extra_, with the groups' shares there, and accept the levels if no other link
/// goes above its capacity. A group still rising on another group's link (or an extra link)
/// when that link saturates hands the flows it has there to that link's group. Then every
/// flow is on a saturated link where none is faster, so the levels are the max-min
/// allocation. Touches each re-filled group's shares twice and only the flows that move;
/// on failure it adds the overloaded links to extra_ and returns false, leaving the moved
/// flows in their new groups (which sit in order_ from `first` on, at the levels their
/// loads are counted at), so a new attempt or the full fill starts from a consistent state.
bool MaxMinSolver::relevel(std::size_t first, double level) {
  rising_groups_.clear();
  for (std::size_t i = first; i < order_.size(); ++i) {
    const std::uint32_t g = order_[i];
    if (members_[g] == 0) continue;
    rising_in_[g] = solve_id_;
    rising_groups_.push_back(g);
  }
  // The groups' shares on their own links (the front of their columns, all on rising links),
  // by group, and each link's frozen load: what the other groups leave of it.
  // With extra links, also the shares there (further back in the columns).
  touched_.clear();
  std::size_t total = 0;
  for (const std::uint32_t g : rising_groups_) {
    touch(g);
    remaining_[g] = capacity_[g] - link_load_[g];
    total += extra_.empty() ? col_split_[g] : col_[g].size();
  }
  for (const std::uint32_t l : extra_) {
    if (touched_in_[l] == solve_id_) continue;  // it became a group
    touch(l);
    remaining_[l] = capacity_[l] - link_load_[l];
    group_entries_[l] = group_entries_end_[l] = 0;
  }
  if (entries_.size() < total) entries_.resize(total);
  Entry* entry = entries_.data();
  for (const std::uint32_t h : rising_groups_) {
    group_entries_[h] = static_cast<std::uint32_t>(entry - entries_.data());
    const Share* c = col_[h].data();
    const double at = level_[h];
    const Share* const end = c + (extra_.empty() ? col_split_[h] : col_[h].size());
    for (; c != end; ++c) {
      if (!extra_.empty() && touched_in_[c->link] != solve_id_) continue;
      *entry++ = {c->weight, c->link, c->count};
      remaining_[c->link] += c->weight * at;
      demand_[c->link] += c->weight;
      rising_count_[c->link] += c->count;
    }
    group_entries_end_[h] = static_cast<std::uint32_t>(entry - entries_.data());
  }
  heap_.clear();
  for (const std::uint32_t g : touched_) {
    remaining_[g] = capacity_[g] > 0 ? std::max(0.0, remaining_[g]) : 0.0;
    push(g, remaining_[g] / demand_[g]);
  }
  refrozen_.clear();
  std::uint32_t g = 0;
  while (next_saturated(level, g)) {
    rising_in_[g] = 0;
    new_level_[g] = level;
    refrozen_.push_back(g);
    for (std::size_t i = group_entries_[g]; i < group_entries_end_[g]; ++i) {
      const Entry& e = entries_[i];
      remaining_[e.link] = std::max(0.0, remaining_[e.link] - e.weight * level);
      demand_[e.link] -= e.weight;
      rising_count_[e.link] -= e.count;
    }
    // Flows of groups still rising here freeze here: they move into this group, group by
    // group in rising order (rare, so found through the link's buckets).
    if (rising_count_[g] == 0) continue;
    if (members_[g] == 0) {
      // An extra link (or an emptied group's) becomes a group: listed for a later attempt
      // and counted at its new level from the start.
      level_[g] = level;
      if (order_slot_[g] == kNone) {
        order_slot_[g] = static_cast<std::uint32_t>(order_.size());
        order_.push_back(g);
      }
    }
    index_group(g);
    shifting_.clear();
    for (const RowEntry& r : row_[g]) {
      if (rising_in_[r.group] == solve_id_) shifting_.push_back(r.bucket);
    }
    std::sort(shifting_.begin(), shifting_.end(), [&](std::uint32_t a, std::uint32_t b) {
      return group_entries_[buckets_[a].group] < group_entries_[buckets_[b].group];
    });
    for (const std::uint32_t id : shifting_) {  // shift() may add buckets: no references held
      while (!buckets_[id].uses.empty()) shift(use_flow_[buckets_[id].uses.back()], g, level);
    }
  }
  // The other links: their load moves with the levels; none may pass its capacity.
  // The shares on group links (the front of the columns) are all on filled links.
  for (const std::uint32_t l : touched_) {
    changed_in_[l] = solve_id_;
    delta_[l] = 0.0;
  }
  changed_links_.clear();
  for (const std::uint32_t h : rising_groups_) {
    const double change = new_level_[h] - level_[h];
    const Share* c = col_[h].data();
    for (const Share* split = c + col_split_[h]; c != split; ++c)
      delta_[c->link] += c->weight * change;
    for (const Share* end = col_[h].data() + col_[h].size(); c != end; ++c) {
      if (changed_in_[c->link] != solve_id_) {
        changed_in_[c->link] = solve_id_;
        changed_links_.push_back(c->link);
        delta_[c->link] = 0.0;
      }
      delta_[c->link] += c->weight * change;
    }
  }
  const std::size_t extra = extra_.size();
  for (const std::uint32_t l : changed_links_) {
    if (link_load_[l] + delta_[l] > capacity_[l] * (1.0 + kOverload)) extra_.push_back(l);
  }
  if (extra_.size() > extra) return false;
  for (const std::uint32_t l : touched_) link_load_[l] += delta_[l];
  for (const std::uint32_t l : changed_links_) link_load_[l] += delta_[l];
  for (std::size_t i = first; i < order_.size(); ++i) order_slot_[order_[i]] = kNone;
  order_.resize(first);
  for (const std::uint32_t frozen : refrozen_) {
    level_[frozen] = new_level_[frozen];
    order_slot_[frozen] = static_cast<std::uint32_t>(order_.size());
    order_.push_back(frozen);
  }
  for (const std::uint32_t b : emptied_) release(b);
  emptied_.clear();
  added_.clear();
  left_level_ = kNoLevel;
  return true;
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
    for (const Share& c : col_[g]) {
      touch(c.link);
      if (loaded) link_load_[c.link] -= c.weight * level_[g];
      demand_[c.link] += c.weight;
      rising_count_[c.link] += c.count;
      ++bucket_count_[c.link];
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
    for (const Share& c : col_[g]) rising_buckets_[bucket_end_[c.link]++] = c.bucket;
  }
  added_.clear();
  left_level_ = kNoLevel;
}

void MaxMinSolver::fill(double level) {
  heap_.clear();
  // A down link leaves nothing, whatever rounding in its running load says (as in relevel()).
  for (const std::uint32_t l : touched_) {
    remaining_[l] = capacity_[l] > 0 ? std::max(0.0, capacity_[l] - link_load_[l]) : 0.0;
    push(l, remaining_[l] / demand_[l]);
  }
  std::uint32_t link = 0;
  while (next_saturated(level, link)) saturate(link, level);
}

/// Pops the next link to saturate and raises `level` to its share; false when no link has
/// rising flows left. Shares only rise as flows freeze elsewhere, so a stale key is a lower
/// bound: a link is re-keyed only when it reaches the top, instead of every time a frozen
/// flow touches it. Levels never fall, so groups freeze in level order even where rounding
/// nudges a share down.
bool MaxMinSolver::next_saturated(double& level, std::uint32_t& link) {
  while (!heap_.empty()) {
    const std::uint32_t top = heap_.front().link;
    if (rising_count_[top] != 0) {
      const double share = remaining_[top] / demand_[top];
      // A stale key is raised in place; the link is next if it stays on top.
      if (share > heap_.front().share && !rekey_top(share)) continue;
      level = std::max(level, share);
      link = top;
    }
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    heap_.pop_back();
    if (rising_count_[top] != 0) return true;
  }
  return false;
}

/// Raises the top's key to `share` and sifts it down; true if it stays on top.
bool MaxMinSolver::rekey_top(double share) {
  const HeapEntry entry{share, heap_.front().link};
  const std::size_t n = heap_.size();
  std::size_t slot = 0;
  for (;;) {
    std::size_t child = 2 * slot + 1;
    if (child >= n) break;
    if (child + 1 < n && Later{}(heap_[child], heap_[child + 1])) ++child;
    if (!Later{}(entry, heap_[child])) break;
    heap_[slot] = heap_[child];
    slot = child;
  }
  heap_[slot] = entry;
  return slot == 0;
}

/// Link `link` saturates at `level`: its group freezes there, and every flow still rising on
/// it, of another group or new, joins it.
void MaxMinSolver::saturate(std::uint32_t link, double level) {
  const std::uint32_t g = link;
  index_group(g);
  // A group not re-filled here has no flows left: its buckets are all empty.
  for (const Share& c : col_[g]) {
    if (c.count == 0) continue;
    link_load_[c.link] += c.weight * level;
    demand_[c.link] -= c.weight;
    remaining_[c.link] = std::max(0.0, remaining_[c.link] - c.weight * level);
    rising_count_[c.link] -= c.count;
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
      join(f, g, level);
    }
  }
  for (std::uint32_t i = new_begin_[link]; i < new_end_[link]; ++i) {
    const std::uint32_t f = new_flows_[i];
    if (placed_in_[f] == solve_id_) continue;
    placed_in_[f] = solve_id_;
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
    regroup(u, group);
    link_load_[use.link] += use.fraction * level;
    demand_[use.link] -= use.fraction;
    remaining_[use.link] = std::max(0.0, remaining_[use.link] - use.fraction * level);
    --rising_count_[use.link];
  }
  if (from != kNoGroup) leave(from);
  enter(group);
  group_[flow] = group;
  moves_.push_back({flow, from, group});
}

}  // namespace fabricsim::flow
