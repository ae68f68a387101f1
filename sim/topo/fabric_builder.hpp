#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "topo/fabric.hpp"

namespace fabricsim::topo {

/// One kind of cable: its rate and one-way latency (both directions alike).
struct LinkSpec {
  core::Bitrate rate = core::Bitrate::gbps(400);
  core::Time latency = core::Time::ns(500);
};

/// Builds a Fabric from nodes and cables, whatever the topology: it keeps the graph
/// (Boost.Graph), and finish() finds the shortest paths between edge switches over
/// switch-only links (up-down paths on a Clos fabric) and stores them as a PathCatalog.
/// Node ids and link ids follow the order of the calls.
class FabricBuilder {
 public:
  FabricBuilder();
  ~FabricBuilder();
  FabricBuilder(const FabricBuilder&) = delete;
  FabricBuilder& operator=(const FabricBuilder&) = delete;

  /// Adds a node; an `edge` switch is one hosts may hang off (it gets the next edge index).
  NodeId add_node(NodeKind kind, std::string name, bool edge = false);
  /// Adds one cable as two directed links, a->b then b->a.
  void add_cable(NodeId a, NodeId b, const LinkSpec& spec);
  /// Cables host node `host` to edge switch `edge` and makes it the next host index.
  void attach_host(NodeId host, NodeId edge, const LinkSpec& spec);
  /// Finds the paths and hands the fabric over.
  Fabric finish();

 private:
  struct Graph;
  std::unique_ptr<Graph> graph_;
  Fabric fabric_;
  std::vector<std::uint32_t> edge_of_node_;  // node -> edge index, or none
};

}  // namespace fabricsim::topo
