#include "topo/fat_tree.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "topo/limits.hpp"
#include "topo/spec_checks.hpp"

namespace fabricsim::topo {
namespace {

constexpr const char* kName = "fat-tree";

void validate(const FatTreeSpec& spec) {
  if (spec.k < 2 || spec.k % 2 != 0)
    reject(kName, "k must be even and at least 2 (got " + std::to_string(spec.k) + ")");
  if (spec.tor_agg_links == 0 || spec.agg_core_links == 0)
    reject(kName, "parallel links must be at least 1");
  require_planes(kName, spec.planes);
  require_link(kName, spec.host_link, "host_link");
  require_link(kName, spec.tor_link, "tor_link");
  require_link(kName, spec.core_link, "core_link");
  require_within_limits(kName, size_of(spec),
                        "reduce k, hosts_per_tor, cores_per_agg or parallel links");
}

}  // namespace

TopologySize size_of(const FatTreeSpec& spec) {
  const core::uint128 half = spec.half(), tors = core::uint128{spec.k} * half;
  const core::uint128 cores = spec.cores_each();
  const core::uint128 hosts = tors * spec.hosts_each();
  const core::uint128 a = spec.tor_agg_links, b = spec.agg_core_links;
  const core::uint128 cables = hosts + tors * half * a + core::uint128{spec.k} * half * cores * b;
  TopologySize size;
  size.hosts = saturate(hosts);
  size.links = saturate(2 * cables * spec.planes);
  // Per ToR: itself, the other ToRs of its pod via each aggregation switch (and cable up and
  // down), the ToRs of other pods via each (aggregation switch, core) pair and cables.
  const core::uint128 same_pod = half == 0 ? 0 : (half - 1) * half * a * a;
  const core::uint128 other_pods = (tors - half) * half * cores * a * a * b * b;
  const core::uint128 planes = spec.planes;
  size.paths = saturate(tors * (1 + same_pod + other_pods) * planes);
  size.switches = saturate((2 * tors + cores) * planes);
  size.edge_switches = saturate(tors * planes);
  size.edge_uplinks = spec.half();
  // Between ToRs of two pods: each (aggregation switch, core) pair and cable up and down.
  const core::uint128 pair = std::max(half * a * a, half * cores * a * a * b * b);
  size.pair_paths = static_cast<std::uint32_t>(std::min<core::uint128>(pair * planes, UINT32_MAX));
  size.host_link = spec.host_link;
  size.slowest = std::min({spec.host_link.rate, spec.tor_link.rate, spec.core_link.rate});
  size.longest_route = spec.host_link.latency + spec.host_link.latency + spec.tor_link.latency +
                       spec.tor_link.latency + spec.core_link.latency + spec.core_link.latency;
  return size;
}

namespace {

/// One plane's ToR-aggregation and aggregation-core cables.
void add_plane_cables(const FatTreeSpec& spec, FabricBuilder& builder, NodeId first_tor,
                      NodeId first_agg, NodeId first_core) {
  const std::uint32_t half = spec.half(), per_agg = spec.cores_each();
  // ToR t and aggregation switch a are in pod t / (k/2) and a / (k/2).
  for (std::uint32_t pod = 0; pod < spec.k; ++pod) {
    for (std::uint32_t t = 0; t < half; ++t) {
      for (std::uint32_t a = 0; a < half; ++a) {
        for (std::uint32_t n = 0; n < spec.tor_agg_links; ++n) {
          builder.add_cable(first_tor + pod * half + t, first_agg + pod * half + a, spec.tor_link);
        }
      }
    }
  }
  for (std::uint32_t pod = 0; pod < spec.k; ++pod) {
    for (std::uint32_t a = 0; a < half; ++a) {
      for (std::uint32_t c = 0; c < per_agg; ++c) {
        for (std::uint32_t n = 0; n < spec.agg_core_links; ++n) {
          builder.add_cable(first_agg + pod * half + a, first_core + a * per_agg + c,
                            spec.core_link);
        }
      }
    }
  }
}

}  // namespace

Fabric build_fat_tree(const FatTreeSpec& spec) {
  validate(spec);
  const std::uint32_t half = spec.half(), tors = spec.tors(), per_tor = spec.hosts_each();
  const std::uint32_t per_agg = spec.cores_each(), hosts = tors * per_tor;
  FabricBuilder builder;
  for (std::uint32_t h = 0; h < hosts; ++h)
    builder.add_node(NodeKind::host, "host" + std::to_string(h));
  const auto name = [&](const char* kind, std::uint32_t i, std::uint32_t p) {
    return switch_name(kind, i, p, spec.planes);
  };
  const std::uint32_t per_plane = 2 * tors + half * per_agg;
  for (std::uint32_t p = 0; p < spec.planes; ++p) {
    for (std::uint32_t t = 0; t < tors; ++t)
      builder.add_node(NodeKind::tor, name("tor", t, p), true);
    for (std::uint32_t a = 0; a < tors; ++a)
      builder.add_node(NodeKind::aggregation, name("agg", a, p));
    for (std::uint32_t c = 0; c < half * per_agg; ++c)
      builder.add_node(NodeKind::core, name("core", c, p));
  }
  for (std::uint32_t h = 0; h < hosts; ++h) {
    for (std::uint32_t p = 0; p < spec.planes; ++p)
      builder.attach_host(h, hosts + p * per_plane + h / per_tor, spec.host_link);
  }
  for (std::uint32_t p = 0; p < spec.planes; ++p) {
    const NodeId first_tor = hosts + p * per_plane, first_agg = first_tor + tors;
    const NodeId first_core = first_agg + tors;
    add_plane_cables(spec, builder, first_tor, first_agg, first_core);
  }
  return builder.finish();
}

void describe_tiers(const FatTreeSpec& spec, FabricStats& stats) {
  const double half = spec.half(), host = static_cast<double>(spec.host_link.rate.bps());
  const double tor = static_cast<double>(spec.tor_link.rate.bps());
  const double core = static_cast<double>(spec.core_link.rate.bps());
  stats.description =
      "fat-tree, k = " + std::to_string(spec.k) + ": " + std::to_string(spec.k) + " pods of " +
      std::to_string(spec.half()) + " ToRs and " + std::to_string(spec.half()) +
      " aggregation switches, " + std::to_string(spec.half() * spec.cores_each()) + " cores, " +
      std::to_string(spec.hosts_each()) + " hosts per ToR, " + std::to_string(spec.tor_agg_links) +
      " and " + std::to_string(spec.agg_core_links) +
      " cable(s) per ToR-aggregation and aggregation-core pair" +
      (spec.planes > 1 ? ", " + std::to_string(spec.planes) + " planes" : "");
  const double a = spec.tor_agg_links, b = spec.agg_core_links;
  stats.tiers = {{"tor", spec.hosts_each() * host / (half * a * tor)},
                 {"aggregation", half * a * tor / (spec.cores_each() * b * core)}};
  stats.oversubscription = stats.tiers[0].oversubscription;
  // Half the pods to the other half: the hosts' links, the ToRs' uplinks and the
  // aggregation switches' uplinks of one half each bound it.
  const core::uint128 hosts_cut = core::uint128{stats.hosts / 2} * spec.planes *
                                  static_cast<std::uint64_t>(spec.host_link.rate.bps());
  const core::uint128 tor_cut = core::uint128{spec.tors() / 2} * spec.half() * spec.tor_agg_links *
                                spec.planes * static_cast<std::uint64_t>(spec.tor_link.rate.bps());
  const core::uint128 core_cut = core::uint128{spec.k / 2} * spec.half() * spec.cores_each() *
                                 spec.agg_core_links * spec.planes *
                                 static_cast<std::uint64_t>(spec.core_link.rate.bps());
  const auto cap = static_cast<core::uint128>(std::numeric_limits<std::int64_t>::max());
  stats.bisection =
      core::Bitrate(static_cast<std::int64_t>(std::min({hosts_cut, tor_cut, core_cut, cap})));
}

}  // namespace fabricsim::topo
