#include "topo/fabric.hpp"

#include <algorithm>
#include <cassert>

namespace fabricsim::topo {

const char* to_string(NodeKind kind) {
  switch (kind) {
    case NodeKind::host:
      return "host";
    case NodeKind::leaf:
      return "leaf";
    case NodeKind::spine:
      return "spine";
    case NodeKind::tor:
      return "tor";
    case NodeKind::aggregation:
      return "aggregation";
    case NodeKind::core:
      return "core";
  }
  return "unknown";
}

std::uint32_t Fabric::uplink_count(std::uint32_t edge) const {
  assert(edge < edge_count());
  // The distinct next hops of the edge switch toward every other edge switch.
  std::vector<LinkId> first_hops;
  for (std::uint32_t other = 0; other < edge_count(); ++other) {
    if (other == edge) continue;
    const std::span<const LinkId> hops = catalog.next_hops(edge_node[edge], other);
    first_hops.insert(first_hops.end(), hops.begin(), hops.end());
  }
  std::sort(first_hops.begin(), first_hops.end());
  const auto distinct = std::unique(first_hops.begin(), first_hops.end()) - first_hops.begin();
  return static_cast<std::uint32_t>(distinct);
}

core::Time Fabric::route_latency(std::uint32_t src_host, std::uint32_t dst_host, PathId p) const {
  core::Time total = links[host_uplink[src_host]].latency + links[host_downlink[dst_host]].latency;
  for (const LinkId l : catalog.links(pair_of_hosts(src_host, dst_host), p))
    total += links[l].latency;
  return total;
}

}  // namespace fabricsim::topo
