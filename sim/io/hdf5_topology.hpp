#pragma once
// Internal to io/: the /topology group of a result file.
#include <hdf5.h>

#include "topo/fabric.hpp"

namespace fabricsim::io {

/// Writes /topology/nodes, /topology/links (with names), /topology/hosts (host index ->
/// node, edge switch and links) and /topology/paths (one row per node a path crosses).
void write_topology(hid_t file, const topo::Fabric& fabric);

}  // namespace fabricsim::io
