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

PathRange Fabric::paths_between_hosts(std::uint32_t src_host, std::uint32_t dst_host) const {
  assert(src_host < host_count() && dst_host < host_count());
  // Row-major pair index: the ids of pair (a, b) are pair_offset[a*E+b] .. pair_offset[a*E+b+1].
  const std::size_t pair = std::size_t{host_edge[src_host]} * edge_count() + host_edge[dst_host];
  return PathRange{pair_offset[pair], pair_offset[pair + 1] - pair_offset[pair]};
}

std::span<const LinkId> Fabric::path(PathId p) const {
  assert(p + 1 < path_offset.size());
  return std::span<const LinkId>(path_links)
      .subspan(path_offset[p], path_offset[p + 1] - path_offset[p]);
}

std::uint32_t Fabric::uplink_count(std::uint32_t edge) const {
  assert(edge < edge_count());
  // Collect the first link of every path leaving `edge` for another edge switch, then count
  // the distinct ones. O(paths out of the edge): callers that need it often cache it per edge.
  std::vector<LinkId> first_hops;
  const std::size_t row = std::size_t{edge} * edge_count();
  for (std::uint32_t other = 0; other < edge_count(); ++other) {
    if (other == edge) continue;
    for (PathId p = pair_offset[row + other]; p < pair_offset[row + other + 1]; ++p) {
      if (path_offset[p] != path_offset[p + 1]) first_hops.push_back(path_links[path_offset[p]]);
    }
  }
  std::sort(first_hops.begin(), first_hops.end());
  const auto distinct = std::unique(first_hops.begin(), first_hops.end()) - first_hops.begin();
  return static_cast<std::uint32_t>(distinct);
}

core::Time Fabric::route_latency(std::uint32_t src_host, std::uint32_t dst_host, PathId p) const {
  core::Time total = links[host_uplink[src_host]].latency + links[host_downlink[dst_host]].latency;
  for (const LinkId l : path(p)) total += links[l].latency;
  return total;
}

}  // namespace fabricsim::topo
