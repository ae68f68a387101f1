#pragma once
#include <cstdint>

#include "topo/fabric.hpp"
#include "topo/fabric_builder.hpp"
#include "topo/topology_size.hpp"

namespace fabricsim::topo {

/// A rail-optimized fabric: servers of `gpus_per_server` GPUs (the hosts). GPU i of every
/// server of a group of `servers_per_group` servers is cabled to rail switch i of the group;
/// every rail switch is cabled to every spine. Inside a server each GPU is cabled to the
/// server's NVLink switch. Each GPU has two ports: port 0 its NIC (to its rail switch), port
/// 1 NVLink (to its NVSwitch).
///
/// Routes take the fewest links: between GPUs of one server over NVLink (GPU -> NVSwitch ->
/// GPU); between GPUs of one rail and one group under their rail switch; every other pair
/// (another rail, or another group) through the spines: rail switch -> spine -> rail switch.
/// Cross-rail traffic is not forwarded over NVLink to the destination's rail first.
struct RailSpec {
  std::uint32_t servers = 32;
  std::uint32_t gpus_per_server = 8;    // rails
  std::uint32_t servers_per_group = 0;  // 0 = every server in one group
  std::uint32_t spines = 8;
  LinkSpec host_link;                                              // GPU NIC - rail switch
  LinkSpec fabric_link;                                            // rail switch - spine
  LinkSpec nvlink{core::Bitrate::gbps(900), core::Time::ns(100)};  // GPU - NVSwitch

  std::uint32_t group_size() const { return servers_per_group ? servers_per_group : servers; }
  std::uint32_t groups() const { return (servers + group_size() - 1) / group_size(); }
};

TopologySize size_of(const RailSpec& spec);
/// Node ids: GPUs (server-major: host s * G + i is GPU i of server s), NVSwitches (one per
/// server), rail switches (group-major), spines.
Fabric build_rail(const RailSpec& spec);
void describe_tiers(const RailSpec& spec, FabricStats& stats);

}  // namespace fabricsim::topo
