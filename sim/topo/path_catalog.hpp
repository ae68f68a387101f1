#pragma once
#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace fabricsim::topo {

using NodeId = std::uint32_t;
using LinkId = std::uint32_t;
using PathId = std::uint32_t;

/// Most links a path between two edge switches may cross (a 3-tier Clos path has 4).
inline constexpr std::uint32_t kMaxPathLinks = 15;

/// A contiguous range of path ids: the equal-cost candidates between two edge switches.
struct PathRange {
  PathId first = 0;
  std::uint32_t count = 0;
};

/// The links of one path, in order, decoded from the catalog into a small fixed array.
class PathLinks {
 public:
  const LinkId* begin() const { return links_.data(); }
  const LinkId* end() const { return links_.data() + size_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  LinkId operator[](std::size_t i) const { return links_[i]; }
  LinkId front() const { return links_[0]; }
  LinkId back() const { return links_[size_ - 1]; }
  void push_back(LinkId l) { links_[size_++] = l; }

 private:
  std::array<LinkId, kMaxPathLinks> links_{};
  std::uint8_t size_ = 0;
};

/// Every equal-cost (shortest) path between every ordered pair of edge switches, stored as a
/// switch's forwarding table would hold it: for each switch and each destination edge, the
/// set of next-hop links on shortest paths, and the number of paths from there. Path ids are
/// numbered pair by pair (pair a*E + b) and, within a pair, in depth-first order over next
/// hops in link order; a path is decoded on demand. A k=32 fat-tree (65 M paths) takes a few
/// MB instead of a list of every path.
class PathCatalog {
 public:
  /// One switch's shortest-path next hops toward one edge switch, and the paths from there.
  struct Entry {
    std::uint32_t hops = kNoSet;  // next-hop set id; kNoSet: the edge itself, or unreachable
    std::uint32_t paths = 0;      // shortest paths from the switch to the edge switch
    std::uint8_t distance = 0;    // links to the edge switch
  };
  static constexpr std::uint32_t kNoSet = 0xffffffffu;

  PathCatalog() = default;
  /// `switch_row[node]` is a switch's row (hosts: kNoSet); `entries[row * E + b]` its entry
  /// toward edge b; sets in CSR form (`set_offset`, `set_links`); `link_dst` each link's head.
  PathCatalog(std::vector<NodeId> edge_node, std::vector<std::uint32_t> switch_row,
              std::vector<Entry> entries, std::vector<std::uint32_t> set_offset,
              std::vector<LinkId> set_links, std::vector<NodeId> link_dst);

  std::uint32_t edge_count() const { return static_cast<std::uint32_t>(edge_node_.size()); }
  /// Paths of every pair together.
  std::uint64_t path_count() const { return pair_offset_.empty() ? 0 : pair_offset_.back(); }
  std::size_t pair_count() const { return pair_offset_.empty() ? 0 : pair_offset_.size() - 1; }
  /// The ids of pair (a, b) = a * E + b. Pair (a, a) has one path with no links.
  PathRange range(std::size_t pair) const {
    return {pair_offset_[pair], pair_offset_[pair + 1] - pair_offset_[pair]};
  }
  /// Links between the pair's edge switches (0 for a pair (a, a)).
  std::uint32_t distance(std::size_t pair) const {
    return entry(edge_node_[pair / edge_count()], static_cast<std::uint32_t>(pair % edge_count()))
        .distance;
  }
  /// The pair path p belongs to.
  std::size_t pair_of(PathId p) const;
  PathLinks links(PathId p) const { return links(pair_of(p), p); }
  /// The links of path p of pair `pair` (faster: no search for the pair).
  PathLinks links(std::size_t pair, PathId p) const;
  /// The link path p of pair `pair` takes out of switch `at`, a switch the path crosses
  /// before its last.
  LinkId next_link(std::size_t pair, PathId p, NodeId at) const;
  /// Whether every next hop of every entry leads to as many paths (every Clos fabric).
  bool divisible() const { return divisible_; }
  /// Path p of pair `pair` with its link out of switch `at` (a switch it crosses before its
  /// last) replaced by next hop `hop` (an index into next_hops(at, b)): the links before `at`
  /// stay, and after it the path continues as the paths under that hop are numbered. Only on
  /// a divisible catalog.
  PathId with_next_hop(std::size_t pair, PathId p, NodeId at, std::uint32_t hop) const;
  /// The shortest-path next hops of switch `at` toward edge switch `dst_edge`.
  std::span<const LinkId> next_hops(NodeId at, std::uint32_t dst_edge) const;
  /// Whether link l = (u -> v) lies on some path of pair (a, b): l is a next hop of u toward
  /// b and u lies on a shortest path from a to b (cables run both ways, so distances are
  /// symmetric).
  bool crosses(std::size_t pair, LinkId l, NodeId u) const;
  /// Bytes the catalog holds.
  std::size_t memory_bytes() const;

 private:
  const Entry& entry(NodeId node, std::uint32_t dst_edge) const {
    return entries_[std::size_t{switch_row_[node]} * edge_count() + dst_edge];
  }
  /// Index of the next hop that path `index` of the paths from `at` takes, and the index of
  /// the path among the paths from that next hop.
  std::uint32_t pick(const Entry& e, std::uint32_t dst_edge, std::uint32_t& index) const;

  std::vector<NodeId> edge_node_;
  std::vector<std::uint32_t> switch_row_;
  std::vector<Entry> entries_;
  std::vector<std::uint32_t> set_offset_;
  std::vector<LinkId> set_links_;
  std::vector<NodeId> link_dst_;
  std::vector<std::uint32_t> pair_offset_;
  /// Every next hop of every entry leads to as many paths: a path's index among the paths
  /// from a switch on it is its pair index modulo that switch's path count.
  bool divisible_ = true;
};

}  // namespace fabricsim::topo
