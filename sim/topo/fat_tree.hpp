#pragma once
#include <cstdint>

#include "topo/fabric.hpp"
#include "topo/fabric_builder.hpp"
#include "topo/topology_size.hpp"

namespace fabricsim::topo {

/// A k-ary three-tier fat-tree: k pods of k/2 ToRs and k/2 aggregation switches, every ToR
/// cabled to every aggregation switch of its pod; aggregation switch j of each pod cabled to
/// cores j*c .. j*c + c - 1 (c = cores_per_agg, k/2 by default, so (k/2)^2 cores). Hosts hang
/// off ToRs, k/2 each by default. hosts_per_tor > k/2 oversubscribes the ToRs, cores_per_agg
/// < k/2 the aggregation tier; tor_agg_links and agg_core_links parallel cables per switch
/// pair widen a tier (each multiplies the equal-cost paths by its square). With `planes` P > 1
/// there are P identical, disjoint trees and every host has a port on its ToR of each.
struct FatTreeSpec {
  std::uint32_t k = 8;
  std::uint32_t hosts_per_tor = 0;  // 0 = k/2
  std::uint32_t cores_per_agg = 0;  // 0 = k/2
  std::uint32_t tor_agg_links = 1;
  std::uint32_t agg_core_links = 1;
  std::uint32_t planes = 1;
  LinkSpec host_link;
  LinkSpec tor_link;   // ToR - aggregation
  LinkSpec core_link;  // aggregation - core

  std::uint32_t half() const { return k / 2; }
  std::uint32_t tors() const { return k * half(); }
  std::uint32_t hosts_each() const { return hosts_per_tor ? hosts_per_tor : half(); }
  std::uint32_t cores_each() const { return cores_per_agg ? cores_per_agg : half(); }
};

TopologySize size_of(const FatTreeSpec& spec);
/// Node ids: hosts (ToR-major), then ToRs (pod-major), aggregation switches, cores.
Fabric build_fat_tree(const FatTreeSpec& spec);
void describe_tiers(const FatTreeSpec& spec, FabricStats& stats);

}  // namespace fabricsim::topo
