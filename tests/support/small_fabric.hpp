#pragma once
// Scenarios for engine tests: small leaf-spines with round numbers and exact completions.
#include <string>

#include "scenario/scenario.hpp"

namespace fabricsim::test_support {

/// `leaves` x `spines` leaf-spine with `hosts` per leaf, every link 100 Gb/s and 1 us, routed by
/// `policy`, running `workload`; the flow model's completion times are exact to the ps.
inline scenario::Scenario small_fabric(std::uint32_t leaves, std::uint32_t spines,
                                       std::uint32_t hosts, const std::string& policy,
                                       traffic::WorkloadSpec workload) {
  scenario::Scenario s;
  std::get<topo::LeafSpineSpec>(s.topology).leaves = leaves;
  std::get<topo::LeafSpineSpec>(s.topology).spines = spines;
  std::get<topo::LeafSpineSpec>(s.topology).hosts_per_leaf = hosts;
  std::get<topo::LeafSpineSpec>(s.topology).host_link = {core::Bitrate::gbps(100),
                                                         core::Time::us(1)};
  std::get<topo::LeafSpineSpec>(s.topology).fabric_link = {core::Bitrate::gbps(100),
                                                           core::Time::us(1)};
  s.routing.policy = policy;
  s.workloads = {std::move(workload)};
  return s;
}

}  // namespace fabricsim::test_support
