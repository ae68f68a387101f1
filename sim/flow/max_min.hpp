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

/// Exact weighted max-min fair rates by progressive filling, re-solved incrementally and
/// kept per bottleneck rather than per flow.
///
/// Filling: every unfrozen flow's rate rises together until some link saturates (sum of
/// fraction x rate = capacity); that link's flows freeze at that level, and filling goes on.
/// The flows that froze at link l form group l, and all of them run at l's level, so the
/// solver stores one level per group, and per (link, group) the summed fractions of the
/// group's flows on that link. A re-solve re-fills those sums; it touches a flow only when
/// the flow changes group (in the quickstart, about 1 flow in 400 of those whose rate moves).
///
/// Why a re-solve can be partial: filling reaches a level x in the same state with or without
/// a flow whose rate is at least x, because none of that flow's links saturates below its
/// rate. So when flows leave, every group slower than the slowest leaver keeps its level;
/// when flows arrive, every group slower than x keeps its level, x being the level below
/// which none of the newcomers' links can saturate. The result equals a solve from scratch
/// (tests/flow/max_min_test.cpp checks it after every change on random flow sets).
/// Capacities and rates in bytes per picosecond.
class MaxMinSolver {
 public:
  static constexpr std::uint32_t kNoGroup = 0xffffffffu;
  /// A flow the last solve put into a group (its group before, kNoGroup for a new flow).
  /// A flow may move more than once in one solve; the moves are listed in order.
  struct Move {
    std::uint32_t flow;
    std::uint32_t from;
    std::uint32_t to;
  };

  explicit MaxMinSolver(std::vector<double> capacity);

  /// Adds a flow crossing `uses` (each link at most once); returns its id (ids count up).
  /// Its rate is 0 until the next solve().
  std::uint32_t add(std::span<const LinkUse> uses);
  /// Removes a flow.
  void remove(std::uint32_t flow);
  /// Sets a link's capacity (>= 0; 0 = down: its flows get rate 0) for the next solve().
  /// That solve re-fills from the level where the change can first matter: a rise from the
  /// link's own group's level (nothing if it bottlenecks no flow), a fall from capacity /
  /// demand (from 0, i.e. everything, when the link goes down).
  void set_capacity(std::uint32_t link, double capacity);
  /// Brings every active flow's rate to the max-min allocation of the active set.
  void solve();

  /// An active flow's rate: its group's level, 0 before its first solve.
  double rate(std::uint32_t flow) const;
  /// The link an active flow is bottlenecked at (its group), kNoGroup before its first solve.
  std::uint32_t group(std::uint32_t flow) const { return group_[flow]; }
  /// The rate of every flow in `group`.
  double level(std::uint32_t group) const { return level_[group]; }
  /// The groups whose level the last solve set (the others kept theirs), in level order.
  std::span<const std::uint32_t> refrozen() const { return refrozen_; }
  /// The flows the last solve moved between groups or placed for the first time.
  std::span<const Move> moves() const { return moves_; }
  /// Groups with at least one flow, after the last solve.
  std::size_t group_count() const { return order_.size(); }

  std::span<const LinkUse> uses(std::uint32_t flow) const;
  std::span<const std::uint32_t> active() const { return active_; }
  std::size_t link_count() const { return capacity_.size(); }

 private:
  static constexpr std::uint32_t kNone = 0xffffffffu;  // no bucket, slot or position
  // Flows of one group on one link: their uses (their summed fractions are in the group's
  // Share of the link).
  struct Bucket {
    std::uint32_t link = 0;
    std::uint32_t group = 0;
    std::vector<std::uint32_t> uses;
    std::uint32_t row_slot = 0;  // index in row_[link]
    std::uint32_t col_slot = 0;  // index in col_[group]
    bool live = false;
  };
  // A group's flows on one link, packed for the re-fills: its bucket there, the flows'
  // summed fractions and their count.
  struct Share {
    std::uint32_t link;
    std::uint32_t bucket;
    double weight;
    std::uint32_t count;
  };
  struct HeapEntry {
    double share;
    std::uint32_t link;
  };
  // A re-filled group's share on a filled link: a re-filled group's, or an extra one
  // (relevel()).
  struct Entry {
    double weight;
    std::uint32_t link;
    std::uint32_t count;  // its rising flows
  };
  double restart_level();
  bool has_newcomers() const;
  bool relevel(std::size_t first, double level);
  void unfreeze(std::size_t first);
  void fill(double level);
  bool next_saturated(double& level, std::uint32_t& link);
  bool rekey_top(double share);
  void saturate(std::uint32_t link, double level);
  void join(std::uint32_t flow, std::uint32_t group, double level);
  void touch(std::uint32_t link);
  void push(std::uint32_t link, double share);
  void shift(std::uint32_t flow, std::uint32_t group, double level);
  void detach(std::uint32_t use);
  void regroup(std::uint32_t use, std::uint32_t group);
  void index_group(std::uint32_t group);
  std::uint32_t bucket_for(std::uint32_t link, std::uint32_t group);
  void release(std::uint32_t bucket);
  void swap_shares(std::uint32_t group, std::uint32_t a, std::uint32_t b);
  void to_front(std::uint32_t bucket);
  void to_back(std::uint32_t bucket);
  void enter(std::uint32_t group);
  void leave(std::uint32_t group);

  std::vector<double> capacity_;
  // Per use (one link of one flow): uses_[use_offset_[f] .. use_offset_[f + 1]) are flow f's;
  // each grouped use sits in a bucket at a slot.
  std::vector<LinkUse> uses_;
  std::vector<std::uint32_t> use_flow_;
  std::vector<std::uint32_t> use_bucket_;
  std::vector<std::uint32_t> use_slot_;
  std::vector<std::uint64_t> use_offset_{0};
  // Per flow.
  std::vector<std::uint32_t> group_;
  std::vector<std::uint32_t> active_;
  std::vector<std::uint32_t> active_slot_;  // flow -> index in active_
  std::vector<std::uint32_t> added_;        // flows added since the last solve
  std::vector<std::uint32_t> placed_in_;    // flow -> the solve that placed it (new flows)
  // Per group (indexed by its link): level, flow count, buckets, and the solved groups in
  // nondecreasing level order. Groups that emptied since the last solve stay listed until
  // it: they sit in the part it re-fills, so it drops them.
  std::vector<double> level_;
  std::vector<std::uint32_t> members_;
  std::vector<std::vector<Share>> col_;
  // Per group: how many of its shares, at the front of col_, are on group links (links with
  // members). A rising group's flows on a group link all run at that group's level or below,
  // so the group links a rising group crosses are all rising: relevel() reads only the front.
  std::vector<std::uint32_t> col_split_;
  std::vector<std::uint32_t> order_;
  std::vector<std::uint32_t> order_slot_;  // group -> index in order_, kNone when not listed
  std::vector<std::uint32_t> rising_in_;   // group -> the solve that re-fills it
  double left_level_;  // lowest level a removal or capacity change since then can affect
  // Per link: its buckets (with their groups), active flows, summed fractions, and the load of
  // grouped flows.
  struct RowEntry {
    std::uint32_t bucket;
    std::uint32_t group;
  };
  std::vector<std::vector<RowEntry>> row_;
  std::vector<std::uint32_t> link_count_;
  std::vector<double> link_demand_;
  std::vector<double> link_load_;
  std::vector<Bucket> buckets_;
  std::vector<std::uint32_t> free_buckets_;
  std::vector<std::uint32_t> emptied_;  // buckets emptied during a fill, released after it
  // Scratch for solve(), kept to avoid allocating per solve.
  std::vector<double> remaining_;
  std::vector<double> demand_;               // summed fractions of rising flows, per link
  std::vector<std::uint32_t> rising_count_;  // rising flows, per link
  std::vector<std::uint32_t> touched_;       // links with rising flows in this solve
  std::vector<std::uint32_t> touched_in_;    // link -> the solve that touched it
  std::vector<std::uint32_t> scanned_in_;    // link -> the solve that read its slowest group
  std::vector<std::uint32_t> bucket_index_;  // link -> bucket of the group being joined
  std::vector<std::uint32_t> indexed_in_;    // link -> the join that indexed it
  std::uint32_t index_id_ = 0;
  // The rising groups' buckets and the new flows, listed link by link (CSR over touched_),
  // for the links that saturate.
  std::vector<std::uint32_t> new_count_;
  std::vector<std::uint32_t> new_begin_;
  std::vector<std::uint32_t> new_end_;
  std::vector<std::uint32_t> new_flows_;
  std::vector<std::uint32_t> bucket_count_;
  std::vector<std::uint32_t> bucket_begin_;
  std::vector<std::uint32_t> bucket_end_;
  std::vector<std::uint32_t> rising_buckets_;
  std::vector<std::uint32_t> rising_groups_;
  // Scratch for relevel(); extra_: links it fills besides the groups' own (found overloaded
  // by earlier attempts of the same solve), at most kAttempts attempts.
  static constexpr int kAttempts = 4;
  std::vector<std::uint32_t> extra_;
  std::vector<Entry> entries_;
  std::vector<std::uint32_t> group_entries_;      // group -> its first entry
  std::vector<std::uint32_t> group_entries_end_;  // group -> past its last entry
  std::vector<double> new_level_;
  std::vector<std::uint32_t> shifting_;    // buckets whose flows move to a saturating group
  std::vector<double> delta_;              // load change, per link
  std::vector<std::uint32_t> changed_in_;  // link -> the solve that set its delta_
  std::vector<std::uint32_t> changed_links_;
  std::vector<std::uint32_t> refrozen_;
  std::vector<Move> moves_;
  std::uint32_t solve_id_ = 0;
  std::vector<HeapEntry> heap_;
};

}  // namespace fabricsim::flow
