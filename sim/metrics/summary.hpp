#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "metrics/results.hpp"

namespace fabricsim::metrics {

/// Nearest-rank percentile (p in [0, 100]) of finished (sub)flows' completion times
/// (/flows), in ps; -1 when no flow finished.
std::int64_t fct_percentile_ps(const Results& results, double p);
/// The same over application flows (/app_flows): first release to last subflow delivered.
std::int64_t app_fct_percentile_ps(const Results& results, double p);

/// The one-paragraph end-of-run summary: application flows (and subflows when routing split
/// them), each step's time against its bound (with many steps: the first and last two, the
/// one furthest above its bound, and per-kind and per-iteration means), p50/p99 FCT of the
/// application flows (of /flows when there are none), max link utilisation, the packet
/// model's retransmits, reordering, drops and ECN marks, events/s, wall time, and the run's
/// warnings. `link_name` names a link id ("leaf0->spine3"); without it links are named by id.
std::string format_summary(const Results& results,
                           const std::function<std::string(std::uint32_t)>& link_name = {});

}  // namespace fabricsim::metrics
