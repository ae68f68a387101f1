#pragma once
#include <cstdint>
#include <span>

#include "routing/policies.hpp"
#include "routing/step_plan.hpp"

namespace fabricsim::routing {

/// How a step was planned and how good the plan is. Loads are a link's bytes over its rate,
/// in seconds; "spray" is the even spread of every flow over its live candidates (ideal
/// packet spraying's fluid limit).
struct PlanReport {
  bool exact = false;             // the colouring construction made the plan (else the balance)
  double spray_max = 0;           // max link load under ideal spraying
  double fractional_max = 0;      // balance: max link load of the fractional solution
  double lower_bound = 0;         // balance: certified lower bound on the fractional optimum
  double rounding_bound = 0;      // balance: max_load <= fractional_max + rounding_bound
  double max_load = 0;            // of the plan's pieces
  std::uint32_t iterations = 0;   // balance: Frank-Wolfe iterations
  std::uint32_t most_pieces = 0;  // pieces of the most cut flow
  std::uint64_t pieces = 0;       // pieces of every flow of the step
  std::uint32_t greedy_commodities = 0;  // balance: rounded by filling, the cap binding
};

/// Tuning of the planner (documented in docs/routing.md, section planned).
struct PlannerOptions {
  std::uint32_t max_pieces = 0;         // per flow; 0: the source edge switch's uplinks
  std::int64_t min_piece_bytes = 4096;  // the balance never cuts a piece smaller
  double tolerance = 0.01;              // balance: stop at max <= (1 + tolerance) lower bound
  std::uint32_t max_iterations = 2000;  // balance: Frank-Wolfe iterations at most
};

/// Plans a step: flows within one edge switch (one candidate) stay whole and unpinned; the
/// others are cut into pieces pinned to one path each, by the exact colouring construction
/// when the step's flows allow it, else by the fractional min-max balance and its rounding.
PlanReport plan_step(std::span<const StepFlow> flows, const Router& router,
                     const PlannerOptions& options, StepPlan& out);

/// Step-level planned splitting: the flows of a step are planned together and their pieces
/// pinned to paths (plan_step). A subflow that is not pinned, or whose pinned path routing
/// believes dead, is hashed like ecmp among the live candidates.
class Planned : public Ecmp {
 public:
  Planned(std::uint64_t salt, std::uint32_t max_pieces) : Ecmp(salt) {
    options_.max_pieces = max_pieces;
  }
  void plan(std::span<const StepFlow> flows, const Router& router, StepPlan& out) const override;
  std::uint32_t most_subflows(std::uint32_t uplinks, std::uint32_t paths) const override;

 private:
  PlannerOptions options_;
};

}  // namespace fabricsim::routing
