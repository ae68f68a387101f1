#pragma once
// Internal to io/: the /topology group of a result file.
#include <hdf5.h>

#include <vector>

#include "topo/fabric.hpp"

namespace fabricsim::io {

/// A catalog of at most this many paths is written whole to /topology/paths; a larger one
/// (a k=16 fat-tree has 1 M paths, k=32 65 M) only with the paths the run's flows name.
inline constexpr std::uint64_t kListedPaths = std::uint64_t{1} << 20;

/// Writes /topology/nodes, /topology/links (with names), /topology/hosts (host index ->
/// node, edge switch and links) and /topology/paths (one row per node a path crosses, for
/// every path or, past kListedPaths, for those in `used_paths`).
void write_topology(hid_t file, const topo::Fabric& fabric, std::vector<topo::PathId> used_paths);

}  // namespace fabricsim::io
