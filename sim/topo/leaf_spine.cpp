#include "topo/leaf_spine.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "topo/limits.hpp"
#include "topo/spec_checks.hpp"

namespace fabricsim::topo {
namespace {

constexpr const char* kName = "leaf-spine";

/// Rejects zero counts, bad links and sizes beyond the sane limits.
void validate(const LeafSpineSpec& spec) {
  require_count(kName, spec.leaves, "leaves");
  require_count(kName, spec.spines, "spines");
  require_count(kName, spec.hosts_per_leaf, "hosts_per_leaf");
  require_count(kName, spec.links_per_pair, "links_per_pair");
  require_planes(kName, spec.planes);
  require_link(kName, spec.host_link, "host_link");
  require_link(kName, spec.fabric_link, "fabric_link");
  require_within_limits(kName, size_of(spec),
                        "reduce leaves, spines, hosts_per_leaf or links_per_pair");
}

}  // namespace

std::uint64_t equal_cost_paths(const LeafSpineSpec& spec) {
  // Each factor is a uint32: the product of five fits in 128 bits when leaves * spines *
  // links_per_pair is small, so compute in two checked steps.
  const core::uint128 leaves = spec.leaves, spines = spec.spines, per_pair = spec.links_per_pair;
  const core::uint128 per_leaf_pair = spines * per_pair * per_pair;     // < 2^96
  const core::uint128 pairs = leaves * (leaves == 0 ? 0 : leaves - 1);  // < 2^64
  core::uint128 paths = 0;
  if (__builtin_mul_overflow(pairs, per_leaf_pair, &paths)) return UINT64_MAX;
  return saturate((paths + leaves) * spec.planes);  // planes are disjoint copies
}

TopologySize size_of(const LeafSpineSpec& spec) {
  // 128-bit products: each factor is a uint32, so no product of two or three can overflow.
  const core::uint128 hosts = core::uint128{spec.leaves} * spec.hosts_per_leaf;
  const core::uint128 cables = core::uint128{spec.leaves} * spec.spines * spec.links_per_pair;
  TopologySize size;
  size.hosts = saturate(hosts);
  size.links = saturate((2 * hosts + 2 * cables) * spec.planes);
  size.paths = equal_cost_paths(spec);
  size.switches = (std::uint64_t{spec.leaves} + spec.spines) * spec.planes;
  size.edge_switches = std::uint64_t{spec.leaves} * spec.planes;
  size.edge_uplinks = static_cast<std::uint32_t>(
      std::min<std::uint64_t>(std::uint64_t{spec.spines} * spec.links_per_pair, UINT32_MAX));
  size.pair_paths = static_cast<std::uint32_t>(
      std::min<std::uint64_t>(std::uint64_t{size.edge_uplinks} * spec.planes, UINT32_MAX));
  size.host_link = spec.host_link;
  size.slowest = std::min(spec.host_link.rate, spec.fabric_link.rate);
  size.longest_route = spec.host_link.latency + spec.host_link.latency + spec.fabric_link.latency +
                       spec.fabric_link.latency;
  return size;
}

double oversubscription(const LeafSpineSpec& spec) {
  const double down =
      static_cast<double>(spec.hosts_per_leaf) * static_cast<double>(spec.host_link.rate.bps());
  const double up = static_cast<double>(spec.spines) * static_cast<double>(spec.links_per_pair) *
                    static_cast<double>(spec.fabric_link.rate.bps());
  return down / up;
}

Fabric build_leaf_spine(const LeafSpineSpec& spec) {
  validate(spec);
  const std::uint32_t hosts = spec.leaves * spec.hosts_per_leaf;
  FabricBuilder builder;
  for (std::uint32_t h = 0; h < hosts; ++h)
    builder.add_node(NodeKind::host, "host" + std::to_string(h));
  const auto name = [&](const char* kind, std::uint32_t i, std::uint32_t p) {
    return switch_name(kind, i, p, spec.planes);
  };
  const std::uint32_t per_plane = spec.leaves + spec.spines;
  for (std::uint32_t p = 0; p < spec.planes; ++p) {
    for (std::uint32_t l = 0; l < spec.leaves; ++l)
      builder.add_node(NodeKind::leaf, name("leaf", l, p), true);
    for (std::uint32_t s = 0; s < spec.spines; ++s)
      builder.add_node(NodeKind::spine, name("spine", s, p));
  }
  const auto leaf = [&](std::uint32_t l, std::uint32_t p) { return hosts + p * per_plane + l; };
  const auto spine = [&](std::uint32_t s, std::uint32_t p) {
    return hosts + p * per_plane + spec.leaves + s;
  };
  // Host cables first (leaf-major: host h hangs off leaf h / hosts_per_leaf, one port per
  // plane), then each plane's leaf-spine pairs' parallel cables. Link ids follow this order.
  for (std::uint32_t h = 0; h < hosts; ++h) {
    for (std::uint32_t p = 0; p < spec.planes; ++p)
      builder.attach_host(h, leaf(h / spec.hosts_per_leaf, p), spec.host_link);
  }
  for (std::uint32_t p = 0; p < spec.planes; ++p) {
    for (std::uint32_t l = 0; l < spec.leaves; ++l) {
      for (std::uint32_t s = 0; s < spec.spines; ++s) {
        for (std::uint32_t k = 0; k < spec.links_per_pair; ++k)
          builder.add_cable(leaf(l, p), spine(s, p), spec.fabric_link);
      }
    }
  }
  return builder.finish();
}

void describe_tiers(const LeafSpineSpec& spec, FabricStats& stats) {
  stats.description = "leaf-spine, " + std::to_string(spec.leaves) + " leaves x " +
                      std::to_string(spec.spines) + " spines, " +
                      std::to_string(spec.hosts_per_leaf) + " hosts per leaf, " +
                      std::to_string(spec.links_per_pair) + " link(s) per pair" +
                      (spec.planes > 1 ? ", " + std::to_string(spec.planes) + " planes" : "");
  stats.tiers = {{"leaf", oversubscription(spec)}};
  // Bisection bandwidth, as defined here: the rate at which half of the hosts can send to
  // the other half. Split the leaves into two groups; traffic between the groups crosses the
  // spine layer, whose cut is the uplink capacity of the smaller group (floor(L/2) leaves x
  // spines x links_per_pair x fabric rate). The hosts' own links cap it at hosts/2 x host
  // rate. With a single leaf no traffic crosses the spines, so only the host term applies.
  const core::uint128 host_side = core::uint128{stats.hosts / 2} * spec.planes *
                                  static_cast<std::uint64_t>(spec.host_link.rate.bps());
  core::uint128 bisection = host_side;
  if (spec.leaves >= 2) {
    const core::uint128 spine_cut = core::uint128{spec.leaves / 2} * spec.spines *
                                    spec.links_per_pair * spec.planes *
                                    static_cast<std::uint64_t>(spec.fabric_link.rate.bps());
    bisection = std::min(host_side, spine_cut);
  }
  const auto cap = static_cast<core::uint128>(std::numeric_limits<std::int64_t>::max());
  stats.bisection = core::Bitrate(static_cast<std::int64_t>(std::min(bisection, cap)));
}

}  // namespace fabricsim::topo
