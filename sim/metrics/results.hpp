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
  std::uint32_t app_flow;         // the application flow (row of /app_flows) this one is part of
  std::int32_t path_id;           // -1 when the flow spreads over several paths
  std::uint32_t packets = 0;      // transmissions, retransmissions included
  std::uint32_t retransmits = 0;  // packets sent again after being deemed lost
  std::uint32_t reordered_packets = 0;  // arrivals behind a higher-numbered packet
  std::uint32_t max_reorder = 0;        // packets: largest displacement of an arrival
  std::uint32_t probes = 0;             // tail-loss probe expiries that sent a packet
  std::uint32_t timeouts = 0;           // retransmission timer expiries

  bool operator==(const FlowRecord&) const = default;
};

/// One workload (application) flow, however many subflows routing cut it into: a row of
/// /app_flows. Times in picoseconds.
struct AppFlowRecord {
  std::uint32_t id;
  std::uint32_t src;  // host index
  std::uint32_t dst;
  std::int64_t bytes;     // the demand: its subflows' bytes add up to it
  std::int64_t start_ps;  // its step's release
  std::int64_t end_ps;    // last subflow delivered; -1 if some subflow is unfinished
  std::uint32_t subflows;
  std::uint32_t step_id;

  bool operator==(const AppFlowRecord&) const = default;
};

/// One step of the workload DAG: a row of /steps. `bound_ps` is a lower bound on the
/// step's duration (end - start) that holds for any routing and both models; `bound_by`
/// says what gives it ("compute", "host_uplink", "host_downlink", "edge_uplinks",
/// "edge_downlinks") and `bound_node` whose links (a host or an edge switch node; -1 else).
struct StepRecord {
  std::uint32_t id;
  std::uint32_t workload;
  std::string kind;
  std::int32_t layer;
  std::int32_t iteration;
  std::int64_t start_ps;
  std::int64_t end_ps;
  std::int64_t bound_ps = 0;
  std::string bound_by = "compute";
  std::int32_t bound_node = -1;

  bool operator==(const StepRecord&) const = default;
};

/// Per-link totals over the run: a row of /links/summary. The queue, drop and ECN counters
/// are filled by the packet model only; the flow model leaves them 0.
struct LinkRecord {
  std::uint32_t link_id;
  std::int64_t tx_bytes;
  double busy_fraction;              // tx_bytes * 8 / (rate * sim_end)
  std::int64_t max_queue_bytes = 0;  // largest backlog behind the packet in service
  std::uint64_t drops = 0;           // packets the output buffer refused
  std::int64_t dropped_bytes = 0;    // wire bytes of those packets
  std::uint64_t ecn_marks = 0;       // packets marked Congestion Experienced
  std::int64_t lost_bytes = 0;  // of dropped_bytes: packets already on the wire when the link died

  bool operator==(const LinkRecord&) const = default;
};

/// A change to one directed link (scenario `events:`): a row of /links/events.
struct LinkEventRecord {
  std::int64_t time_ps;
  std::uint32_t link_id;
  std::string kind;    // "down", "up" or "rate"
  std::int64_t value;  // the link's rate from then on, bits per second (0 while down)

  bool operator==(const LinkEventRecord&) const = default;
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

/// One routing decision (`routing: {record: ...}`): a row of /routing/decisions. A (sub)flow
/// spread over several paths has one row per path.
struct RoutingDecision {
  std::uint32_t flow_id;   // row of /flows
  std::uint32_t app_flow;  // row of /app_flows
  std::uint32_t subflow;
  std::uint32_t path_id;
  double fraction;     // of the flow's rate on this path
  std::int64_t bytes;  // the subflow's bytes
  bool operator==(const RoutingDecision&) const = default;
};

/// A per-packet choice (path id) or per-hop choice (link id) of a policy, for one /flows row
/// in one direction (reverse: the ACKs'): a row of /routing/packets or /routing/hops.
struct RoutingChoice {
  std::uint32_t flow_id;
  std::uint8_t reverse;
  std::uint32_t value;
  bool operator==(const RoutingChoice&) const = default;
};

/// What routing recorded: /routing. `record` is "none" (nothing written), "flows" or
/// "packets"; packets and hops in (flow_id, reverse, call) order. per_packet and per_hop: the
/// policy's, with record "packets" (the packets' choices were logged); false otherwise.
struct RoutingRecord {
  std::string record = "none";
  std::string policy;
  bool per_packet = false;
  bool per_hop = false;
  std::vector<RoutingDecision> decisions;
  std::vector<RoutingChoice> packets;
  std::vector<RoutingChoice> hops;
};

/// A file the run read (/inputs table): its role ("scenario", "topology", "routing_trace",
/// "connection_matrix"), its absolute path, and its size and SHA-256 when the run began.
struct InputFile {
  std::string role;
  std::string path;
  std::uint64_t bytes = 0;
  std::string sha256;  // lower-case hex
};

/// The `overrides` attribute of a run given these --set arguments: one "key.path=value"
/// per line, each line ended by a newline.
inline std::string overrides_attribute(const std::vector<std::string>& overrides) {
  std::string text;
  for (const std::string& o : overrides) text += o + "\n";
  return text;
}

/// Run-level facts: root attributes of the result file. The engine fills what the run
/// knows; the command line, start time and host name come from the app.
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
  std::string warnings;        // things the user should know about the run, one per line
  std::string command_line;    // argv, each word shell-quoted where needed, joined by spaces
  std::string start_time_utc;  // ISO-8601, e.g. "2026-11-24T19:37:47Z"
  std::string host_name;
  std::vector<InputFile> inputs;  // filled by the app; written as /inputs
};

/// Everything a run produces; the engine fills it, io writes it, the summary reads it.
struct Results {
  RunInfo info;
  std::vector<AppFlowRecord> app_flows;
  std::vector<FlowRecord> flows;
  std::vector<StepRecord> steps;
  std::vector<LinkRecord> links;
  std::vector<LinkEventRecord> link_events;  // in time order
  LinkSeries link_series;
  std::vector<ExpertTokens> expert_tokens;
  RoutingRecord routing;
};

}  // namespace fabricsim::metrics
