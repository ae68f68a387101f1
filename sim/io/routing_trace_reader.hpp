#pragma once
#include <string>

#include "routing/replay_trace.hpp"

namespace fabricsim::io {

/// Reads the routing record of a result file (/routing/decisions, and /routing/packets and
/// /routing/hops when it recorded packets; /app_flows gives each workload flow's hosts and
/// index) for `policy: replay`. Throws routing::TraceInputError naming the file and row.
routing::DecisionTrace read_routing_trace(const std::string& path);

/// A routing trace of either kind: a result file (read_routing_trace) when the file is HDF5,
/// else a CSV of paths (routing::read_decisions_csv).
routing::DecisionTrace read_decision_trace(const std::string& path);

}  // namespace fabricsim::io
