#include "metrics/summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace fabricsim::metrics {
namespace {

constexpr std::size_t kStepsListed = 6;

std::string micros(std::int64_t ps) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f us", static_cast<double>(ps) * 1e-6);
  return buf;
}

}  // namespace

std::int64_t fct_percentile_ps(const Results& results, double p) {
  std::vector<std::int64_t> fct;
  fct.reserve(results.flows.size());
  for (const FlowRecord& f : results.flows) {
    if (f.end_ps >= 0) fct.push_back(f.end_ps - f.start_ps);
  }
  if (fct.empty()) return -1;
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(fct.size())));
  const std::size_t index = rank == 0 ? 0 : rank - 1;
  std::nth_element(fct.begin(), fct.begin() + static_cast<std::ptrdiff_t>(index), fct.end());
  return fct[index];
}

std::string format_summary(const Results& results) {
  const RunInfo& info = results.info;
  std::string out = "fabricsim: " + info.name + " (" + info.model + " model, seed " +
                    std::to_string(info.seed) + "): " + info.status + "\n";
  out += "  flows: " + std::to_string(results.flows.size()) + ", simulated time: " +
         micros(info.sim_end_ps) + "\n";
  for (std::size_t i = 0; i < results.steps.size() && i < kStepsListed; ++i) {
    const StepRecord& s = results.steps[i];
    out += "  step " + std::to_string(s.id) + " (" + s.kind + ", workload " +
           std::to_string(s.workload) + "): " +
           (s.end_ps >= 0 ? micros(s.end_ps - s.start_ps) : std::string("unfinished")) + "\n";
  }
  if (results.steps.size() > kStepsListed) {
    out += "  ... " + std::to_string(results.steps.size() - kStepsListed) + " more steps\n";
  }
  out += "  FCT p50: " + micros(fct_percentile_ps(results, 50)) +
         ", p99: " + micros(fct_percentile_ps(results, 99)) + "\n";
  const auto busiest = std::max_element(
      results.links.begin(), results.links.end(),
      [](const LinkRecord& a, const LinkRecord& b) { return a.busy_fraction < b.busy_fraction; });
  if (busiest != results.links.end()) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "  max link utilisation: %.1f %% (link %u)\n",
                  busiest->busy_fraction * 100.0, busiest->link_id);
    out += buf;
  }
  char buf[128];
  std::snprintf(buf, sizeof buf, "  events: %llu (%.3g events/s), wall time: %.3f s\n",
                static_cast<unsigned long long>(info.events),
                info.wall_seconds > 0 ? static_cast<double>(info.events) / info.wall_seconds : 0.0,
                info.wall_seconds);
  out += buf;
  return out;
}

}  // namespace fabricsim::metrics
