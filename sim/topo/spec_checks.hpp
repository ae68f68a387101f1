#pragma once
// Internal to topo/: the checks every built-in topology spec shares.
#include <cstdint>
#include <stdexcept>
#include <string>

#include "core/units.hpp"
#include "topo/fabric_builder.hpp"

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

inline std::uint64_t saturate(core::uint128 v) {
  return v > UINT64_MAX ? UINT64_MAX : static_cast<std::uint64_t>(v);
}

}  // namespace fabricsim::topo
