#pragma once
#include <variant>

#include "topo/fabric.hpp"
#include "topo/fat_tree.hpp"
#include "topo/graph.hpp"
#include "topo/leaf_spine.hpp"
#include "topo/rail.hpp"
#include "topo/topology_size.hpp"

namespace fabricsim::topo {

/// Every topology a scenario can name. The engine and the CLI only ever use the functions
/// below, never a kind.
using TopologySpec = std::variant<LeafSpineSpec, FatTreeSpec, RailSpec, GraphSpec>;

/// "leaf_spine", "fat_tree", "rail", "graph": the YAML `topology.kind`.
const char* kind_name(const TopologySpec& spec);
TopologySize size_of(const TopologySpec& spec);
/// Builds the fabric; throws std::invalid_argument on a spec beyond the limits.
Fabric build_fabric(const TopologySpec& spec);
FabricStats describe(const TopologySpec& spec, const Fabric& fabric);

}  // namespace fabricsim::topo
