#pragma once
#include <cstdint>

namespace fabricsim::topo {

/// Sanity limits of any fabric, checked before anything is allocated (by the scenario
/// reader, with the key to blame, and again by the builders).
inline constexpr std::uint64_t kMaxHosts = 65'536;
inline constexpr std::uint64_t kMaxLinks = std::uint64_t{1} << 24;  // directed links (16M)
/// Most equal-cost paths a fabric may store (4M, ~16 bytes each with their links).
inline constexpr std::uint64_t kMaxPaths = std::uint64_t{4} << 20;

}  // namespace fabricsim::topo
