#pragma once
// The pieces of the planned policy's planner (planned.cpp): the step's flows grouped by the
// candidates they share, the exact colouring construction (planned_exact.cpp) and the
// fractional balance with its rounding (planned_balance.cpp).
#include <cstdint>
#include <span>
#include <vector>

#include "routing/planned.hpp"
#include "routing/router.hpp"

namespace fabricsim::routing::planned {

/// The flows of a step between the same edge switches: they share their live candidates.
struct Commodity {
  std::vector<topo::PathId> paths;     // live candidates, in Router::candidates order
  std::vector<std::uint32_t> colours;  // per path: its plane and index within its edge pair
  std::vector<std::uint32_t> flows;    // indices into the step's flows
  std::int64_t bytes = 0;              // of all its flows
  std::uint32_t src_edge = 0;          // of the hosts' first port
  std::uint32_t dst_edge = 0;
  std::uint32_t max_pieces = 1;  // per flow: the planner's cap at the source edge switch
};

/// `bytes` of flow `flow` (an index into the step's flows) pinned to `path`.
struct Cut {
  std::uint32_t flow;
  topo::PathId path;
  std::int64_t bytes;
};

/// The step's flows with more than one candidate, by commodity (in order of first flow).
std::vector<Commodity> group_flows(std::span<const StepFlow> flows, const Router& router,
                                   const PlannerOptions& options);

/// Seconds link l takes per byte (8 / rate).
inline double seconds_per_byte(const topo::Fabric& fabric, topo::LinkId l) {
  return 8.0 / static_cast<double>(fabric.links[l].rate.bps());
}

/// Bytes per link (indexed by link id) when every commodity spreads evenly over its paths.
std::vector<double> spray_bytes(std::span<const Commodity> commodities, const topo::Fabric& fabric);
/// Bytes per link of the cuts.
std::vector<double> cut_bytes(std::span<const Cut> cuts, const topo::Fabric& fabric);
/// The largest bytes x seconds_per_byte over the links.
double max_load(std::span<const double> bytes, const topo::Fabric& fabric);

/// The colouring construction for equal flows whose edge-to-edge multigraph is regular:
/// appends its cuts, sets `bytes` to their bytes per link and returns true, or returns false
/// (cuts unchanged) when it does not apply or would not reproduce `spray` (spray_bytes) on
/// every link.
bool plan_exact(std::span<const Commodity> commodities, std::span<const StepFlow> flows,
                const topo::Fabric& fabric, std::span<const double> spray, std::vector<Cut>& cuts,
                std::vector<double>& bytes);

/// The fractional min-max balance and its rounding into pieces: appends the cuts and fills
/// the report's balance fields.
void plan_balanced(std::span<const Commodity> commodities, std::span<const StepFlow> flows,
                   const topo::Fabric& fabric, const PlannerOptions& options,
                   std::vector<Cut>& cuts, PlanReport& report);

}  // namespace fabricsim::routing::planned
