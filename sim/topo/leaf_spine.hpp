#pragma once
#include <cstdint>

#include "topo/fabric.hpp"
#include "topo/fabric_builder.hpp"
#include "topo/topology_size.hpp"

namespace fabricsim::topo {

/// A two-tier leaf-spine: every leaf connects to every spine with `links_per_pair`
/// parallel cables; hosts hang off leaves. With `planes` P > 1 there are P identical,
/// disjoint leaf-spines and every host has a port on its leaf of each.
struct LeafSpineSpec {
  std::uint32_t leaves = 16;
  std::uint32_t spines = 16;
  std::uint32_t hosts_per_leaf = 16;
  std::uint32_t links_per_pair = 1;
  std::uint32_t planes = 1;
  LinkSpec host_link;
  LinkSpec fabric_link;
};

/// Host bandwidth into a leaf divided by the leaf's uplink bandwidth (1.0 = non-blocking).
double oversubscription(const LeafSpineSpec& spec);
/// Equal-cost paths the build numbers: leaves x (leaves - 1) x spines x links_per_pair^2
/// between leaves, plus one per leaf to itself, per plane; saturates at UINT64_MAX.
std::uint64_t equal_cost_paths(const LeafSpineSpec& spec);
/// Sizes known before the build (saturating).
TopologySize size_of(const LeafSpineSpec& spec);

/// Builds the graph, finds the equal-cost paths between leaves on it, and compiles the
/// result into a flat Fabric. Node ids: hosts, then leaves, then spines.
Fabric build_leaf_spine(const LeafSpineSpec& spec);

/// The description, tiers and bisection of `fabricsim info` (describe() fills the rest).
void describe_tiers(const LeafSpineSpec& spec, FabricStats& stats);

}  // namespace fabricsim::topo
