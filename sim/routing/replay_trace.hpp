#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "topo/fabric.hpp"

namespace fabricsim::routing {

/// A routing trace that cannot be replayed (bad input, exit 2); the message names the file and
/// the row.
class TraceInputError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// One routing decision as a trace file holds it, before it is checked against the fabric.
struct TraceDecision {
  std::uint32_t src_host = 0;
  std::uint32_t dst_host = 0;
  std::uint32_t index = 0;  // the k-th workload flow between the two hosts (StepFlow::index)
  // A result file's row: the /flows id, workload flow and subflow it is for, its path id and
  // its subflow's bytes. A CSV row: the path as written, every row a piece of its own.
  std::uint32_t flow_id = 0;
  std::uint32_t app_flow = 0;
  std::uint32_t subflow = 0;
  std::string path;  // CSV: a path id or the switch names it crosses; result file: empty
  topo::PathId path_id = 0;
  double fraction = -1;     // of the flow's rate (result file) or bytes (CSV); < 0: not given
  std::int64_t bytes = -1;  // result file: the subflow's bytes; CSV: -1 (from the fractions)
  std::uint64_t row = 0;    // CSV: line number (1 = the header); result file: row, from 0
};

/// Recorded per-packet (path ids) or per-hop (link ids) choices: per /flows id and direction
/// (reverse = the ACKs'), in call order.
struct TraceChoices {
  std::vector<std::uint32_t> flow_id;
  std::vector<std::uint8_t> reverse;
  std::vector<std::uint32_t> value;
};

/// Where a trace row is: "FILE:LINE" (CSV) or "FILE: /routing/decisions row R" (result file).
std::string trace_row(const std::string& file, bool csv, std::uint64_t row);

/// A routing trace as read from its file: a CSV of paths, or a result file's /routing group.
struct DecisionTrace {
  std::string file;
  bool csv = false;
  std::vector<TraceDecision> decisions;
  bool per_packet = false;  // the recording policy routed each packet (record: packets)
  bool per_hop = false;     // ... and chose at every switch
  TraceChoices packets;
  TraceChoices hops;

  std::string where(std::uint64_t row) const { return trace_row(file, csv, row); }
  /// The most pieces the trace cuts one workload flow into.
  std::uint32_t most_pieces() const;
};

/// Reads a CSV trace: a header naming the columns src, dst, path and optionally index and
/// fraction (any order), then one row per decision; blank lines and lines starting with '#'
/// are skipped. Throws TraceInputError naming the file and line.
DecisionTrace read_decisions_csv(const std::string& path);

}  // namespace fabricsim::routing
