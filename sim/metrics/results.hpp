#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/units.hpp"

namespace fabricsim::metrics {

/// One simulated (sub)flow: a row of /flows. Times in picoseconds.
struct FlowRecord {
  std::uint32_t id;
  std::uint32_t src;  // host index
  std::uint32_t dst;
  std::int64_t bytes;
  std::int64_t start_ps;
  std::int64_t end_ps;  // last byte delivered, propagation included; -1 if unfinished
  std::uint32_t step_id;
  std::uint32_t subflow_of;  // application flow id; equal to id's parent for split flows
  std::int32_t path_id;      // -1 when the flow spreads over several paths
};

/// One step of the workload DAG: a row of /steps.
struct StepRecord {
  std::uint32_t id;
  std::uint32_t workload;
  std::string kind;
  std::int32_t layer;
  std::int32_t iteration;
  std::int64_t start_ps;
  std::int64_t end_ps;
};

/// Per-link totals over the run: a row of /links/summary.
struct LinkRecord {
  std::uint32_t link_id;
  std::int64_t tx_bytes;
  double busy_fraction;  // tx_bytes * 8 / (rate * sim_end)
};

/// Expert load of one MoE layer in one iteration: a cell of the /moe/w<k>/ cubes.
struct ExpertTokens {
  std::uint32_t workload;
  std::int32_t layer;
  std::int32_t iteration;
  std::vector<std::int64_t> tokens;      // per expert: routed (processed + dropped)
  std::vector<std::int64_t> gpu_tokens;  // per GPU of the group: processed there
  std::int64_t dropped = 0;              // over capacity: skipped their expert
};

/// Run-level facts: root attributes of the result file.
struct RunInfo {
  std::string name;
  std::string scenario_yaml;  // the resolved scenario, reloadable
  std::string overrides;      // the --set overrides, one "key.path=value" per line
  std::uint64_t seed = 0;
  std::string model;
  std::string status;  // "complete" or "incomplete"
  std::int64_t sim_end_ps = 0;
  std::uint64_t events = 0;
  double wall_seconds = 0;
};

/// Everything a run produces; the engine fills it, io writes it, the summary reads it.
struct Results {
  RunInfo info;
  std::vector<FlowRecord> flows;
  std::vector<StepRecord> steps;
  std::vector<LinkRecord> links;
  std::vector<ExpertTokens> expert_tokens;
};

}  // namespace fabricsim::metrics
