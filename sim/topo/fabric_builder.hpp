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

/// A switch's name: "leaf3", or "leaf3.p1" for plane 1 of a fabric of several planes.
inline std::string switch_name(const char* kind, std::uint32_t index, std::uint32_t plane,
                               std::uint32_t planes) {
  return kind + std::to_string(index) + (planes > 1 ? ".p" + std::to_string(plane) : "");
}

/// Builds a Fabric from nodes and cables, whatever the topology: finish() finds the shortest
/// paths between edge switches over switch-only links (up-down paths on a Clos fabric;
/// Boost.Graph's breadth-first search) and stores them as a PathCatalog.
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
  /// Cables host node `host` to edge switch `edge` as its next port; a host's first port
  /// makes it the next host index. Every host must end with as many ports.
  void attach_host(NodeId host, NodeId edge, const LinkSpec& spec);
  /// Finds the paths and hands the fabric over.
  Fabric finish();

 private:
  Fabric fabric_;
  struct Port {
    std::uint32_t edge;
    LinkId uplink, downlink;
  };
  std::vector<std::uint32_t> edge_of_node_;  // node -> edge index, or none
  std::vector<std::uint32_t> host_of_node_;  // node -> host index, or none
  std::vector<std::vector<Port>> ports_;     // host index -> its ports in attach order
};

}  // namespace fabricsim::topo
