#include "topo/rail.hpp"

#include <algorithm>
#include <string>

#include "core/unit_parse.hpp"
#include "topo/limits.hpp"
#include "topo/spec_checks.hpp"

namespace fabricsim::topo {
namespace {

constexpr const char* kName = "rail";

void validate(const RailSpec& spec) {
  require_count(kName, spec.servers, "servers");
  require_count(kName, spec.gpus_per_server, "gpus_per_server");
  require_count(kName, spec.spines, "spines");
  require_link(kName, spec.host_link, "host_link");
  require_link(kName, spec.fabric_link, "fabric_link");
  require_link(kName, spec.nvlink, "nvlink");
  require_within_limits(kName, size_of(spec), "fewer servers, GPUs or spines");
}

}  // namespace

TopologySize size_of(const RailSpec& spec) {
  const core::uint128 servers = spec.servers, rails = spec.gpus_per_server;
  const core::uint128 groups = spec.groups(), spines = spec.spines;
  const core::uint128 hosts = servers * rails, rail_switches = groups * rails;
  TopologySize size;
  size.hosts = saturate(hosts);
  size.links = saturate(2 * (2 * hosts + rail_switches * spines));
  // Rail switch pairs: itself (one path), any other through each spine. NVSwitches: one
  // path to themselves.
  size.paths = saturate(rail_switches * (1 + (rail_switches - 1) * spines) + servers);
  size.switches = saturate(servers + rail_switches + spines);
  size.edge_switches = saturate(servers + rail_switches);
  size.edge_uplinks = spec.spines;
  size.pair_paths = spec.spines;
  size.host_link = spec.host_link;
  size.slowest = std::min({spec.host_link.rate, spec.fabric_link.rate, spec.nvlink.rate});
  size.longest_route = std::max(spec.host_link.latency + spec.host_link.latency +
                                    spec.fabric_link.latency + spec.fabric_link.latency,
                                spec.nvlink.latency + spec.nvlink.latency);
  return size;
}

Fabric build_rail(const RailSpec& spec) {
  validate(spec);
  const std::uint32_t gpus = spec.servers * spec.gpus_per_server, rails = spec.gpus_per_server;
  FabricBuilder builder;
  for (std::uint32_t h = 0; h < gpus; ++h)
    builder.add_node(NodeKind::host, "host" + std::to_string(h));
  const NodeId first_nvswitch = gpus;
  for (std::uint32_t s = 0; s < spec.servers; ++s)
    builder.add_node(NodeKind::nvswitch, "nvswitch" + std::to_string(s), true);
  // Rail switch i of group g is "rail<i>" ("rail<i>.g<g>" when there are several groups).
  const NodeId first_rail = first_nvswitch + spec.servers;
  for (std::uint32_t g = 0; g < spec.groups(); ++g) {
    for (std::uint32_t i = 0; i < rails; ++i) {
      builder.add_node(
          NodeKind::rail,
          "rail" + std::to_string(i) + (spec.groups() > 1 ? ".g" + std::to_string(g) : ""), true);
    }
  }
  const NodeId first_spine = first_rail + spec.groups() * rails;
  for (std::uint32_t s = 0; s < spec.spines; ++s)
    builder.add_node(NodeKind::spine, "spine" + std::to_string(s));
  // Each GPU: port 0 to its rail switch, port 1 to its server's NVSwitch; then the rail
  // switches' uplinks. Link ids follow this order.
  for (std::uint32_t h = 0; h < gpus; ++h) {
    const std::uint32_t server = h / rails, rail = h % rails;
    const std::uint32_t group = server / spec.group_size();
    builder.attach_host(h, first_rail + group * rails + rail, spec.host_link);
    builder.attach_host(h, first_nvswitch + server, spec.nvlink);
  }
  for (std::uint32_t r = 0; r < spec.groups() * rails; ++r) {
    for (std::uint32_t s = 0; s < spec.spines; ++s)
      builder.add_cable(first_rail + r, first_spine + s, spec.fabric_link);
  }
  return builder.finish();
}

void describe_tiers(const RailSpec& spec, FabricStats& stats) {
  stats.description = "rail-optimized, " + std::to_string(spec.servers) + " servers of " +
                      std::to_string(spec.gpus_per_server) + " GPUs, " +
                      std::to_string(spec.groups()) + " group(s) of " +
                      std::to_string(spec.group_size()) + " servers, " +
                      std::to_string(spec.spines) + " spines, NVLink " +
                      core::format_bitrate(spec.nvlink.rate) + " per GPU";
  // A rail switch: its group's GPUs on that rail below, the spines above.
  const double down =
      static_cast<double>(spec.group_size()) * static_cast<double>(spec.host_link.rate.bps());
  const double up =
      static_cast<double>(spec.spines) * static_cast<double>(spec.fabric_link.rate.bps());
  stats.tiers = {{"rail", down / up}};
  // Half the GPUs to the other half, every flow changing rail: the GPUs' NICs, or the
  // spine uplinks of half the rail switches.
  const core::uint128 nic_cut =
      core::uint128{stats.hosts / 2} * static_cast<std::uint64_t>(spec.host_link.rate.bps());
  const core::uint128 spine_cut = core::uint128{spec.groups() * spec.gpus_per_server / 2} *
                                  spec.spines *
                                  static_cast<std::uint64_t>(spec.fabric_link.rate.bps());
  const core::uint128 cut =
      spec.groups() * spec.gpus_per_server >= 2 ? std::min(nic_cut, spine_cut) : nic_cut;
  stats.bisection = core::Bitrate(static_cast<std::int64_t>(
      std::min<core::uint128>(cut, static_cast<core::uint128>(INT64_MAX))));
}

}  // namespace fabricsim::topo
