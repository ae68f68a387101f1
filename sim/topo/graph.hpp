#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "topo/fabric.hpp"
#include "topo/fabric_builder.hpp"
#include "topo/topology_size.hpp"

namespace fabricsim::topo {

/// One node of a custom graph: a host or a switch of any kind.
struct GraphNode {
  std::string name;
  NodeKind kind = NodeKind::host;
  bool operator==(const GraphNode&) const = default;
};

/// One cable between nodes `a` and `b` (indices into GraphSpec::nodes): two directed links.
struct GraphCable {
  std::uint32_t a = 0;
  std::uint32_t b = 0;
  LinkSpec link;
  bool operator==(const GraphCable& o) const {
    return a == o.a && b == o.b && link.rate == o.link.rate && link.latency == o.link.latency;
  }
};

/// A custom graph (`topology: {kind: graph}`), read from an edge-list YAML or a GraphML file.
/// Rules (check_graph): every host has exactly one cable, to a switch; a switch with hosts
/// is an edge switch; every host can reach every other host over switches; rates > 0.
/// The build keeps the order given: node ids follow `nodes`, host indices follow the hosts
/// in `nodes`, edge switch indices follow the edge switches in `nodes`; link ids are the
/// host cables first (in host order), then the other cables in `cables` order. So a graph
/// listing a leaf-spine's nodes and cables in the built-in order builds the same Fabric.
struct GraphSpec {
  std::vector<GraphNode> nodes;
  std::vector<GraphCable> cables;
  bool operator==(const GraphSpec&) const = default;
};

/// The first rule a graph breaks: the node or cable to blame and what is wrong.
struct GraphProblem {
  enum class At { graph, node, cable };
  At at = At::graph;
  std::uint32_t index = 0;  // into nodes or cables
  std::string what;
  std::optional<std::uint32_t> first_cable;  // a host's second cable: the index of its first
};

/// Checks the rules above and the size limits (hosts, links); nullopt when the graph is fine.
/// Names in the graph are not checked (the readers resolve them to indices).
std::optional<GraphProblem> check_graph(const GraphSpec& spec);

/// Sizes known before the build: paths are counted on the graph (every shortest switch-only
/// path between every ordered pair of edge switches, parallel cables distinct, one per edge
/// switch to itself); past kMaxPaths the count stops at a lower bound that is still past it,
/// and longest_route then covers only the pairs counted. host_link is the slowest host
/// cable's rate with the largest host cable latency.
TopologySize size_of(const GraphSpec& spec);

/// Builds the fabric in the order described at GraphSpec; throws std::invalid_argument when
/// check_graph finds a problem or the paths pass the limit.
Fabric build_graph(const GraphSpec& spec);

/// Description, oversubscription per switch kind and bisection, from the graph alone.
/// A switch's level is its hop distance from the nearest host; a cable from level i to
/// i + 1 is an uplink of the lower switch and a downlink of the upper one (cables within a
/// level count for neither). A kind's oversubscription is the largest, over its switches
/// that have uplinks, of downlink over uplink capacity. Bisection is the smallest of: the
/// host cables of the half of the hosts with the slowest ones, and, per level with at least
/// two switches with uplinks, the uplink capacity of the half of those switches with the
/// least. On a leaf-spine and a fat-tree this is the built-in kinds' figure; on irregular
/// graphs it bounds the cuts it names, not every cut.
void describe_tiers(const GraphSpec& spec, FabricStats& stats);

/// "host", "leaf", ... to the kind; nullopt for another word.
std::optional<NodeKind> node_kind_from(const std::string& name);
/// Every NodeKind's name, in enum order (for error messages).
std::vector<std::string> node_kind_names();

}  // namespace fabricsim::topo
