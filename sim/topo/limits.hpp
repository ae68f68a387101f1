#pragma once
#include <cstdint>

namespace fabricsim::topo {

/// Sanity limits of any fabric, checked before anything is allocated (by the scenario
/// reader, with the key to blame, and again by the builders).
inline constexpr std::uint64_t kMaxHosts = 65'536;
inline constexpr std::uint64_t kMaxLinks = std::uint64_t{1} << 24;  // directed links (16M)
/// Most equal-cost paths a fabric may number (2^31: path ids are 32-bit; the catalog stores
/// next-hop sets, not paths, so memory does not grow with this number).
inline constexpr std::uint64_t kMaxPaths = std::uint64_t{1} << 31;
/// Most bytes the path catalog may take (an entry per switch and edge switch: 1 GiB is a
/// 32,768-leaf leaf-spine or a k=64 fat-tree at about an eighth of it).
inline constexpr std::uint64_t kMaxCatalogBytes = std::uint64_t{1} << 30;

}  // namespace fabricsim::topo
