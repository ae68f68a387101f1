#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/units.hpp"

namespace fabricsim::metrics {

/// One simulated (sub)flow: a row of /flows. Times in picoseconds. The packet counters are
/// filled by the packet model only; the flow model leaves them 0.
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
  std::uint32_t packets = 0;            // transmissions, retransmissions included
  std::uint32_t retransmits = 0;        // packets sent again after being deemed lost
  std::uint32_t reordered_packets = 0;  // arrivals behind a higher-numbered packet
  std::uint32_t max_reorder = 0;        // packets: largest displacement of an arrival

  bool operator==(const FlowRecord&) const = default;
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

  bool operator==(const StepRecord&) const = default;
};

/// Per-link totals over the run: a row of /links/summary. The queue, drop and ECN counters
/// are filled by the packet model only; the flow model leaves them 0.
struct LinkRecord {
  std::uint32_t link_id;
  std::int64_t tx_bytes;
  double busy_fraction;  // tx_bytes * 8 / (rate * sim_end)
  std::int64_t max_queue_bytes = 0;  // largest backlog behind the packet in service
  std::uint64_t drops = 0;           // packets the output buffer refused
  std::int64_t dropped_bytes = 0;    // wire bytes of those packets
  std::uint64_t ecn_marks = 0;       // packets marked Congestion Experienced

  bool operator==(const LinkRecord&) const = default;
};

/// Every link's state sampled at a fixed period: /links/series. Row t of the [T x L]
/// matrices (row-major, L = links) is the sample taken at time_ps[t]. Empty when nothing
/// was sampled (flow model, or sampling off).
struct LinkSeries {
  std::vector<std::int64_t> time_ps;      // [T]
  std::vector<std::int64_t> queue_bytes;  // [T x L]: backlog behind the packet in service
  std::vector<std::int64_t> tx_bytes;     // [T x L]: wire bytes sent since the run began
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
  std::string warnings;  // things the user should know about the run, one per line
};

/// Everything a run produces; the engine fills it, io writes it, the summary reads it.
struct Results {
  RunInfo info;
  std::vector<FlowRecord> flows;
  std::vector<StepRecord> steps;
  std::vector<LinkRecord> links;
  LinkSeries link_series;
  std::vector<ExpertTokens> expert_tokens;
};

}  // namespace fabricsim::metrics
