#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "flow/max_min.hpp"
#include "topo/fabric.hpp"

namespace fabricsim::flow {

/// Orders uses by link.
inline bool by_link(const LinkUse& a, const LinkUse& b) { return a.link < b.link; }

/// Sorts `uses` by link and sums the fractions of a link listed more than once (the paths of
/// a flow that share it), so each link appears once.
void merge_by_link(std::vector<LinkUse>& uses);

/// Maps each link to the first link of its constraint class. When every flow spreads evenly
/// over all its paths, links with the same rate that carry the same share of every edge
/// pair's flows (a leaf's uplinks on a leaf-spine) always carry the same load: one max-min
/// constraint serves them all, so a sprayed flow has 4 solver uses instead of 2 + 2s.
std::vector<topo::LinkId> even_spread_classes(const topo::Fabric& fabric);

/// The fluid form of a flow spread evenly over every equal-cost path of its edge pair
/// (`spray`, `spray_rr`, `adaptive` in the flow model): 1/n of the flow on each of the n
/// paths, summed per link. It depends only on the (source edge, destination edge) pair, so
/// it is computed on the pair's first flow and reused by every later one: on the 512-GPU
/// fat-tree a flow across pods has 4,096 paths of 4 links but loads only 160 distinct links.
///
/// Stored compactly, per pair that has been asked for: each link (or constraint class) and
/// the index of its fraction packed in 4 bytes (24-bit id, 8-bit index into the pair's few
/// distinct fractions), plus the longest path latency. The fractions are the very doubles
/// the per-flow computation gave (1/n added once per path through the link, in path order),
/// so results are identical bit for bit.
class EvenSpreadCache {
 public:
  /// `constraint_of` maps each link to its max-min constraint class (Simulation's classes).
  EvenSpreadCache(const topo::Fabric& fabric, const std::vector<topo::LinkId>& constraint_of);

  /// Appends the flow's uses, host links included, sorted by link with each link once:
  /// what merging every path's links at 1/n each (plus both host links at 1) gives.
  /// Returns false, appending nothing, when the pair cannot be cached (see cacheable()).
  bool uses(std::uint32_t src_host, std::uint32_t dst_host, std::vector<LinkUse>& out);
  /// The flow's uses as constraints, sorted by class with each class once, host links
  /// included: what mapping `uses` through `constraint_of` and keeping one use per class
  /// gives. Returns false when some class of the pair holds different fractions (then the
  /// choice of which one to keep is the caller's) or the pair cannot be cached.
  bool constraints(std::uint32_t src_host, std::uint32_t dst_host, std::vector<LinkUse>& out);
  /// Longest route latency over the pair's paths, host links included (0 with no path).
  std::int64_t latency_ps(std::uint32_t src_host, std::uint32_t dst_host);

  /// Pairs computed so far and the bytes they take.
  std::size_t pairs_cached() const { return pairs_cached_; }
  std::size_t bytes() const;

 private:
  struct Pair {
    std::uint32_t uses_first = 0, uses_count = 0;
    std::uint32_t classes_first = 0, classes_count = 0;
    std::uint32_t fractions_first = 0;
    std::int64_t path_latency_ps = 0;  // the longest path's, host links excluded; 0: none
    std::uint8_t state = 0;            // kEmpty, kCached, kUncacheable
    bool classes_ok = false;           // every class of the pair has one fraction
  };
  const Pair& pair(std::uint32_t src_host, std::uint32_t dst_host);
  void fill(std::size_t index, Pair& p);
  LinkUse unpack(const Pair& p, std::uint32_t packed) const;

  const topo::Fabric& fabric_;
  const std::vector<topo::LinkId>& constraint_of_;
  std::vector<Pair> pairs_;            // by src_edge * edges + dst_edge
  std::vector<std::uint32_t> packed_;  // link or class id << 8 | fraction index
  std::vector<double> fractions_;      // each pair's distinct fractions
  std::vector<LinkUse> scratch_;
  std::size_t pairs_cached_ = 0;
};

}  // namespace fabricsim::flow
