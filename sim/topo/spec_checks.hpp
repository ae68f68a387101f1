#pragma once
// Internal to topo/: the checks every built-in topology spec shares.
#include <cstdint>
#include <stdexcept>
#include <string>

#include "core/units.hpp"
#include "topo/fabric_builder.hpp"
#include "topo/limits.hpp"
#include "topo/topology_size.hpp"

namespace fabricsim::topo {

/// Throws std::invalid_argument("<topology> topology: <what>").
[[noreturn]] inline void reject(const char* topology, const std::string& what) {
  throw std::invalid_argument(std::string(topology) + " topology: " + what);
}

inline void require_link(const char* topology, const LinkSpec& link, const char* field) {
  if (link.rate.bps() <= 0) reject(topology, std::string(field) + ".rate must be positive");
  if (link.latency.ps() < 0) reject(topology, std::string(field) + ".latency must not be negative");
}

inline void require_count(const char* topology, std::uint32_t value, const char* field) {
  if (value == 0) reject(topology, std::string(field) + " must be at least 1 (got 0)");
}

inline void require_planes(const char* topology, std::uint32_t planes) {
  if (planes == 0 || planes > kMaxPorts)
    reject(topology, "planes must be 1 .. " + std::to_string(kMaxPorts));
}

/// Rejects a fabric past the limits of topo/limits.hpp; `hint` says what to reduce.
inline void require_within_limits(const char* topology, const TopologySize& size,
                                  const std::string& hint) {
  const auto over = [&](std::uint64_t value, std::uint64_t limit, const char* what) {
    if (value > limit) {
      reject(topology, std::to_string(value) + " " + what + ", more than the limit of " +
                           std::to_string(limit) + ": " + hint);
    }
  };
  over(size.hosts, kMaxHosts, "hosts");
  over(size.links, kMaxLinks, "directed links");
  over(size.paths, kMaxPaths, "equal-cost paths");
  over(catalog_bytes(size), kMaxCatalogBytes, "bytes of path catalog");
}

inline std::uint64_t saturate(core::uint128 v) {
  return v > UINT64_MAX ? UINT64_MAX : static_cast<std::uint64_t>(v);
}

}  // namespace fabricsim::topo
