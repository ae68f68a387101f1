#pragma once
#include <cstdint>
#include <string>

#include "core/units.hpp"
#include "topo/fabric.hpp"

namespace fabricsim::topo {

struct LinkSpec {
  core::Bitrate rate = core::Bitrate::gbps(400);
  core::Time latency = core::Time::ns(500);
};

/// A two-tier leaf-spine: every leaf connects to every spine with `links_per_pair`
/// parallel cables; hosts hang off leaves.
struct LeafSpineSpec {
  std::uint32_t leaves = 16;
  std::uint32_t spines = 16;
  std::uint32_t hosts_per_leaf = 16;
  std::uint32_t links_per_pair = 1;
  LinkSpec host_link;
  LinkSpec fabric_link;
};

/// Host bandwidth into a leaf divided by the leaf's uplink bandwidth (1.0 = non-blocking).
double oversubscription(const LeafSpineSpec& spec);

/// Most equal-cost paths a fabric may store (4M, ~16 bytes each with their links).
inline constexpr std::uint64_t kMaxPaths = std::uint64_t{4} << 20;
/// Equal-cost paths the build stores: leaves x (leaves - 1) x spines x links_per_pair^2 between
/// leaves, plus one per leaf to itself; saturates at UINT64_MAX.
std::uint64_t equal_cost_paths(const LeafSpineSpec& spec);

/// Builds the graph (Boost.Graph), finds the equal-cost paths between leaves on it, and
/// compiles the result into a flat Fabric.
Fabric build_leaf_spine(const LeafSpineSpec& spec);

/// Facts for `fabricsim info` and the run summary.
struct FabricStats {
  std::uint32_t hosts = 0, switches = 0, links = 0;
  std::uint32_t min_paths = 0, max_paths = 0;  // equal-cost paths between distinct leaves
  double oversubscription = 1.0;
  core::Bitrate bisection;  // half the hosts to the other half, through the spines
};
FabricStats describe(const LeafSpineSpec& spec, const Fabric& fabric);

}  // namespace fabricsim::topo
