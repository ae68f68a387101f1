#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/units.hpp"
#include "topo/fabric_builder.hpp"

namespace fabricsim::topo {

/// What a topology needs, known from its spec before anything is built: for the limits,
/// the resource estimate and the engine (none of which names a topology kind).
struct TopologySize {
  std::uint64_t hosts = 0;
  std::uint64_t links = 0;  // directed
  std::uint64_t paths = 0;  // equal-cost paths numbered between edge switches
  std::uint64_t switches = 0;
  std::uint64_t edge_switches = 0;  // switches hosts hang off
  std::uint32_t edge_uplinks = 0;   // distinct first hops out of an edge switch (split's s)
  std::uint32_t pair_paths = 0;     // most equal-cost candidates between two hosts (all planes)
  LinkSpec host_link;               // every host's NIC link
  core::Bitrate slowest;            // the slowest link rate
  core::Time longest_route;         // the largest sum of link latencies from host to host
};

/// Bytes of the path catalog: an entry per (switch, edge switch) and an offset per edge pair.
inline std::uint64_t catalog_bytes(const TopologySize& size) {
  const double bytes = static_cast<double>(size.switches) *
                           static_cast<double>(size.edge_switches) *
                           static_cast<double>(sizeof(PathCatalog::Entry)) +
                       static_cast<double>(size.edge_switches) *
                           static_cast<double>(size.edge_switches) * sizeof(std::uint32_t);
  return bytes >= 1.8e19 ? UINT64_MAX : static_cast<std::uint64_t>(bytes);
}

/// One switch tier's oversubscription: bandwidth into the tier from below over bandwidth
/// out of it upwards, per switch (1.0 = non-blocking).
struct TierStats {
  std::string name;
  double oversubscription = 1.0;
};

/// Facts for `fabricsim info` and the run summary.
struct FabricStats {
  std::string description;  // "leaf-spine, 16 leaves x 16 spines, ..."
  std::uint32_t hosts = 0, switches = 0, links = 0;
  std::vector<std::pair<std::string, std::uint32_t>> nodes_by_kind;
  std::uint32_t min_paths = 0, max_paths = 0;  // equal-cost paths between distinct edges
  double oversubscription = 1.0;               // at the edge tier
  std::vector<TierStats> tiers;                // edge tier first
  core::Bitrate bisection;  // half the hosts to the other half, at the narrowest tier
};

}  // namespace fabricsim::topo
