// MaxMinSolver's (link, group) bookkeeping: buckets of uses, each group's shares (those on
// group links kept at the front of its column) and each link's row. The filling is in
// max_min.cpp.
#include <utility>

#include "flow/max_min.hpp"

namespace fabricsim::flow {

/// Takes a grouped use out of its bucket (swap-remove; the use moved into the hole learns
/// its new slot). The bucket stays linked even when it empties.
void MaxMinSolver::detach(std::uint32_t use) {
  Bucket& b = buckets_[use_bucket_[use]];
  const std::uint32_t last = b.uses.back();
  b.uses[use_slot_[use]] = last;
  use_slot_[last] = use_slot_[use];
  b.uses.pop_back();
  Share& share = col_[b.group][b.col_slot];
  share.weight = b.uses.empty() ? 0.0 : share.weight - uses_[use].fraction;
  --share.count;
  use_bucket_[use] = kNone;
}

/// Indexes `group`'s buckets by link for bucket_for().
void MaxMinSolver::index_group(std::uint32_t group) {
  ++index_id_;
  for (const Share& c : col_[group]) {
    indexed_in_[c.link] = index_id_;
    bucket_index_[c.link] = c.bucket;
  }
}

/// Moves a use into `group`'s bucket on its link (index_group(group) first).
void MaxMinSolver::regroup(std::uint32_t use, std::uint32_t group) {
  if (use_bucket_[use] != kNone) {
    const std::uint32_t old = use_bucket_[use];
    detach(use);
    if (buckets_[old].uses.empty()) emptied_.push_back(old);
  }
  const std::uint32_t id = bucket_for(uses_[use].link, group);
  Bucket& b = buckets_[id];
  use_bucket_[use] = id;
  use_slot_[use] = static_cast<std::uint32_t>(b.uses.size());
  b.uses.push_back(use);
  Share& share = col_[group][b.col_slot];
  share.weight += uses_[use].fraction;
  ++share.count;
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
  b.live = true;
  b.row_slot = static_cast<std::uint32_t>(row_[link].size());
  row_[link].push_back({id, group});
  b.col_slot = static_cast<std::uint32_t>(col_[group].size());
  col_[group].push_back({link, id, 0.0, 0});
  if (members_[link] > 0) to_front(id);
  indexed_in_[link] = index_id_;
  bucket_index_[link] = id;
  return id;
}

/// Unlinks an empty bucket from its link's row and its group's column.
void MaxMinSolver::release(std::uint32_t bucket) {
  Bucket& b = buckets_[bucket];
  if (!b.live || !b.uses.empty()) return;
  b.live = false;
  std::vector<RowEntry>& row = row_[b.link];
  buckets_[row.back().bucket].row_slot = b.row_slot;
  row[b.row_slot] = row.back();
  row.pop_back();
  if (b.col_slot < col_split_[b.group]) to_back(bucket);
  std::vector<Share>& col = col_[b.group];
  buckets_[col.back().bucket].col_slot = b.col_slot;
  col[b.col_slot] = col.back();
  col.pop_back();
  free_buckets_.push_back(bucket);
}

/// Swaps two shares of a group's column.
void MaxMinSolver::swap_shares(std::uint32_t group, std::uint32_t a, std::uint32_t b) {
  std::vector<Share>& col = col_[group];
  std::swap(col[a], col[b]);
  buckets_[col[a].bucket].col_slot = a;
  buckets_[col[b].bucket].col_slot = b;
}

/// Moves a bucket's share into the front part of its group's column (shares on group links).
void MaxMinSolver::to_front(std::uint32_t bucket) {
  const Bucket& b = buckets_[bucket];
  swap_shares(b.group, b.col_slot, col_split_[b.group]++);
}

/// Moves a bucket's share out of the front part of its group's column.
void MaxMinSolver::to_back(std::uint32_t bucket) {
  const Bucket& b = buckets_[bucket];
  swap_shares(b.group, b.col_slot, --col_split_[b.group]);
}

/// A flow joins `group`: when it is the first, the group's link becomes a group link, and the
/// shares of every group on that link move to the front of their columns.
void MaxMinSolver::enter(std::uint32_t group) {
  if (members_[group]++ > 0) return;
  for (const RowEntry& r : row_[group]) to_front(r.bucket);
}

/// A flow leaves `group`: when it is the last, the shares on the group's link move back.
void MaxMinSolver::leave(std::uint32_t group) {
  if (--members_[group] > 0) return;
  for (const RowEntry& r : row_[group]) to_back(r.bucket);
}

}  // namespace fabricsim::flow
