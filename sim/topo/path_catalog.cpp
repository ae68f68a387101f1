#include "topo/path_catalog.hpp"

#include <algorithm>
#include <cassert>

namespace fabricsim::topo {

PathCatalog::PathCatalog(std::vector<NodeId> edge_node, std::vector<std::uint32_t> switch_row,
                         std::vector<Entry> entries, std::vector<std::uint32_t> set_offset,
                         std::vector<LinkId> set_links, std::vector<NodeId> link_dst)
    : edge_node_(std::move(edge_node)),
      switch_row_(std::move(switch_row)),
      entries_(std::move(entries)),
      set_offset_(std::move(set_offset)),
      set_links_(std::move(set_links)),
      link_dst_(std::move(link_dst)) {
  const std::uint32_t edges = edge_count();
  pair_offset_.reserve(std::size_t{edges} * edges + 1);
  pair_offset_.push_back(0);
  std::uint64_t total = 0;
  for (std::uint32_t a = 0; a < edges; ++a) {
    for (std::uint32_t b = 0; b < edges; ++b) {
      total += entry(edge_node_[a], b).paths;
      assert(total < (std::uint64_t{1} << 32));
      pair_offset_.push_back(static_cast<std::uint32_t>(total));
    }
  }
  for (const Entry& e : entries_) {
    if (e.hops == kNoSet) continue;
    const std::uint32_t first = set_offset_[e.hops], last = set_offset_[e.hops + 1];
    const std::uint32_t dst_edge =
        static_cast<std::uint32_t>((&e - entries_.data()) % std::max<std::uint32_t>(edges, 1));
    for (std::uint32_t i = first; i < last; ++i) {
      divisible_ =
          divisible_ && entry(link_dst_[set_links_[i]], dst_edge).paths * (last - first) == e.paths;
    }
  }
}

std::size_t PathCatalog::pair_of(PathId p) const {
  assert(p < path_count());
  const auto it = std::upper_bound(pair_offset_.begin(), pair_offset_.end(), p);
  return static_cast<std::size_t>(it - pair_offset_.begin()) - 1;
}

std::uint32_t PathCatalog::pick(const Entry& e, std::uint32_t dst_edge,
                                std::uint32_t& index) const {
  const std::uint32_t first = set_offset_[e.hops];
  const std::uint32_t hops = set_offset_[e.hops + 1] - first;
  if (divisible_) {
    const std::uint32_t per_hop = e.paths / hops;
    const std::uint32_t j = index / per_hop;
    index -= j * per_hop;
    return j;
  }
  for (std::uint32_t j = 0;; ++j) {
    const std::uint32_t paths = entry(link_dst_[set_links_[first + j]], dst_edge).paths;
    if (index < paths) return j;
    index -= paths;
  }
}

PathLinks PathCatalog::links(std::size_t pair, PathId p) const {
  const auto b = static_cast<std::uint32_t>(pair % edge_count());
  std::uint32_t index = p - pair_offset_[pair];
  NodeId at = edge_node_[pair / edge_count()];
  PathLinks out;
  for (;;) {
    const Entry& e = entry(at, b);
    if (e.hops == kNoSet) return out;
    const LinkId l = set_links_[set_offset_[e.hops] + pick(e, b, index)];
    out.push_back(l);
    at = link_dst_[l];
  }
}

LinkId PathCatalog::next_link(std::size_t pair, PathId p, NodeId at) const {
  const auto b = static_cast<std::uint32_t>(pair % edge_count());
  std::uint32_t index = p - pair_offset_[pair];
  if (divisible_) {
    // The path's index among the paths from `at` is its pair index modulo their number.
    const Entry& e = entry(at, b);
    index %= e.paths;
    return set_links_[set_offset_[e.hops] + pick(e, b, index)];
  }
  NodeId node = edge_node_[pair / edge_count()];
  for (;;) {
    const Entry& e = entry(node, b);
    const LinkId l = set_links_[set_offset_[e.hops] + pick(e, b, index)];
    if (node == at) return l;
    node = link_dst_[l];
  }
}

PathId PathCatalog::with_next_hop(std::size_t pair, PathId p, NodeId at, std::uint32_t hop) const {
  assert(divisible_);
  const Entry& e = entry(at, static_cast<std::uint32_t>(pair % edge_count()));
  const std::uint32_t per_hop = e.paths / (set_offset_[e.hops + 1] - set_offset_[e.hops]);
  // The index's digit at `at` is (index mod paths) / per_hop: replace it.
  const std::uint32_t digit = ((p - pair_offset_[pair]) % e.paths) / per_hop;
  return p - digit * per_hop + hop * per_hop;
}

std::span<const LinkId> PathCatalog::next_hops(NodeId at, std::uint32_t dst_edge) const {
  const Entry& e = entry(at, dst_edge);
  if (e.hops == kNoSet) return {};
  return std::span<const LinkId>(set_links_)
      .subspan(set_offset_[e.hops], set_offset_[e.hops + 1] - set_offset_[e.hops]);
}

bool PathCatalog::crosses(std::size_t pair, LinkId l, NodeId u) const {
  if (switch_row_[u] == kNoSet) return false;
  const auto a = static_cast<std::uint32_t>(pair / edge_count());
  const auto b = static_cast<std::uint32_t>(pair % edge_count());
  const Entry& from_a = entry(u, a);  // distance a -> u, cables being two-way
  const Entry& to_b = entry(u, b);
  const Entry& whole = entry(edge_node_[a], b);
  if (from_a.paths == 0 || to_b.paths == 0 || whole.paths == 0) return false;
  if (from_a.distance + to_b.distance != whole.distance) return false;
  const std::span<const LinkId> hops = next_hops(u, b);
  return std::find(hops.begin(), hops.end(), l) != hops.end();
}

std::size_t PathCatalog::memory_bytes() const {
  return edge_node_.size() * sizeof(NodeId) + switch_row_.size() * sizeof(std::uint32_t) +
         entries_.size() * sizeof(Entry) + set_offset_.size() * sizeof(std::uint32_t) +
         set_links_.size() * sizeof(LinkId) + link_dst_.size() * sizeof(NodeId) +
         pair_offset_.size() * sizeof(std::uint32_t);
}

}  // namespace fabricsim::topo
