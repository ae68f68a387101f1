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
    case NodeKind::rail:
      return "rail";
    case NodeKind::nvswitch:
      return "nvswitch";
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

std::uint32_t Fabric::pairs_between_hosts(std::uint32_t src_host, std::uint32_t dst_host,
                                          std::array<std::size_t, kMaxPorts>& pairs) const {
  std::uint32_t count = 0, fewest = 0;
  for (std::uint32_t i = 0; i < ports; ++i) {
    const std::size_t pair = pair_of_ports(src_host, dst_host, i);
    if (catalog.range(pair).count == 0) continue;
    const std::uint32_t distance = catalog.distance(pair);
    if (count > 0 && distance > fewest) continue;
    if (count == 0 || distance < fewest) count = 0;
    fewest = distance;
    pairs[count++] = pair;
  }
  return count;
}

bool Fabric::joins(std::uint32_t src_host, std::uint32_t dst_host, PathId p) const {
  std::array<std::size_t, kMaxPorts> pairs{};
  const std::uint32_t n = pairs_between_hosts(src_host, dst_host, pairs);
  const std::size_t pair = catalog.pair_of(p);
  return std::find(pairs.begin(), pairs.begin() + n, pair) != pairs.begin() + n;
}

PathRange Fabric::paths_between_hosts(std::uint32_t src_host, std::uint32_t dst_host) const {
  std::array<std::size_t, kMaxPorts> pairs{};
  if (pairs_between_hosts(src_host, dst_host, pairs) == 0) return {};
  return catalog.range(pairs[0]);
}

std::uint32_t Fabric::port_of(std::uint32_t host, PathId p, bool source) const {
  if (ports == 1) return 0;
  const std::size_t pair = catalog.pair_of(p);
  const auto edge = static_cast<std::uint32_t>(source ? pair / edge_count() : pair % edge_count());
  for (std::uint32_t i = 0; i < ports; ++i) {
    if (host_edge[port(host, i)] == edge) return i;
  }
  assert(false && "path does not touch the host's edge switches");
  return 0;
}

core::Time Fabric::route_latency(std::uint32_t src_host, std::uint32_t dst_host, PathId p) const {
  core::Time total = links[uplink(src_host, p)].latency + links[downlink(dst_host, p)].latency;
  for (const LinkId l : catalog.links(p)) total += links[l].latency;
  return total;
}

}  // namespace fabricsim::topo
