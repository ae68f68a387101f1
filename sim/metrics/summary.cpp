#include "metrics/summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <vector>

namespace fabricsim::metrics {
namespace {

constexpr std::size_t kStepsListed = 6;  // more steps: the first and last two, the worst
constexpr std::size_t kEndsListed = 2;

std::string micros(std::int64_t ps) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f us", static_cast<double>(ps) * 1e-6);
  return buf;
}

/// Duration over bound of a finished step with a bound; 0 otherwise.
double bound_ratio(const StepRecord& s) {
  if (s.end_ps < 0 || s.bound_ps <= 0) return 0;
  return static_cast<double>(s.end_ps - s.start_ps) / static_cast<double>(s.bound_ps);
}

/// "  step 0 (dispatch, workload 0): 4773.777 us (bound 4760.100 us, 1.003x)".
std::string step_line(const StepRecord& s) {
  std::string out = "  step " + std::to_string(s.id) + " (" + s.kind + ", workload " +
                    std::to_string(s.workload) + "): " +
                    (s.end_ps >= 0 ? micros(s.end_ps - s.start_ps) : std::string("unfinished"));
  if (s.bound_ps > 0) {
    out += " (bound " + micros(s.bound_ps);
    if (s.end_ps >= 0) {
      char buf[32];
      std::snprintf(buf, sizeof buf, ", %.3fx", bound_ratio(s));
      out += buf;
    }
    out += ")";
  }
  return out + "\n";
}

/// Every step when there are few; else the first and last two and the one furthest above
/// its bound.
std::string list_steps(const std::vector<StepRecord>& steps) {
  std::string out;
  if (steps.size() <= kStepsListed) {
    for (const StepRecord& s : steps) out += step_line(s);
    return out;
  }
  for (std::size_t i = 0; i < kEndsListed; ++i) out += step_line(steps[i]);
  out += "  ... " + std::to_string(steps.size() - 2 * kEndsListed) + " more steps ...\n";
  for (std::size_t i = steps.size() - kEndsListed; i < steps.size(); ++i)
    out += step_line(steps[i]);
  const auto worst = std::max_element(
      steps.begin(), steps.end(),
      [](const StepRecord& a, const StepRecord& b) { return bound_ratio(a) < bound_ratio(b); });
  if (bound_ratio(*worst) > 0) out += "  furthest above its bound:\n" + step_line(*worst);
  return out;
}

/// Nearest-rank percentile of the completion times of finished rows, in ps; -1 when none.
template <class Row>
std::int64_t percentile_ps(const std::vector<Row>& rows, double p) {
  std::vector<std::int64_t> fct;
  fct.reserve(rows.size());
  for (const Row& f : rows) {
    if (f.end_ps >= 0) fct.push_back(f.end_ps - f.start_ps);
  }
  if (fct.empty()) return -1;
  const auto rank =
      static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(fct.size())));
  const std::size_t index = rank == 0 ? 0 : rank - 1;
  std::nth_element(fct.begin(), fct.begin() + static_cast<std::ptrdiff_t>(index), fct.end());
  return fct[index];
}

/// Per workload: each step kind's count and mean duration, and each iteration's span
/// (first start to last end), for runs with too many steps to list.
std::string summarize_steps(const std::vector<StepRecord>& steps) {
  struct KindTotal {
    std::size_t count = 0;
    std::int64_t ps = 0;
  };
  std::map<std::uint32_t, std::map<std::string, KindTotal>> kinds;
  std::map<std::uint32_t, std::map<std::int32_t, std::pair<std::int64_t, std::int64_t>>> iterations;
  for (const StepRecord& s : steps) {
    KindTotal& k = kinds[s.workload][s.kind];
    ++k.count;
    k.ps += s.end_ps >= 0 ? s.end_ps - s.start_ps : 0;
    auto [it, added] = iterations[s.workload].try_emplace(s.iteration, s.start_ps, s.end_ps);
    if (!added) {
      it->second.first = std::min(it->second.first, s.start_ps);
      it->second.second = std::max(it->second.second, s.end_ps);
    }
  }
  std::string out;
  for (const auto& [w, by_kind] : kinds) {
    out += "  workload " + std::to_string(w) + " steps:";
    for (const auto& [kind, k] : by_kind) {
      out += " " + kind + " x" + std::to_string(k.count) + " (mean " +
             micros(k.ps / static_cast<std::int64_t>(k.count)) + ")";
    }
    out += "\n";
    if (iterations[w].size() < 2) continue;
    out += "  workload " + std::to_string(w) + " iterations:";
    std::size_t shown = 0;
    for (const auto& [i, span] : iterations[w]) {
      if (++shown > kStepsListed) {
        out += " ...";
        break;
      }
      out += " " + std::to_string(i) + ": " + micros(span.second - span.first);
    }
    out += "\n";
  }
  return out;
}

/// Packet model: what the transport and the switches did, summed over flows and links.
std::string packet_counters(const Results& results) {
  std::uint64_t retransmits = 0, reordered = 0, drops = 0, marks = 0;
  for (const FlowRecord& f : results.flows) {
    retransmits += f.retransmits;
    reordered += f.reordered_packets;
  }
  for (const LinkRecord& l : results.links) {
    drops += l.drops;
    marks += l.ecn_marks;
  }
  return "  packets: " + std::to_string(retransmits) + " retransmitted, " +
         std::to_string(reordered) + " reordered, " + std::to_string(drops) + " dropped, " +
         std::to_string(marks) + " ECN-marked\n";
}

/// "  link events at 0.000 us: down leaf0->spine0, spine0->leaf0, ..." per (instant, kind),
/// naming at most kNamesListed links.
std::string list_link_events(const std::vector<LinkEventRecord>& events,
                             const std::function<std::string(std::uint32_t)>& link_name) {
  constexpr std::size_t kNamesListed = 8;
  std::string out;
  for (std::size_t i = 0; i < events.size();) {
    std::size_t end = i;
    while (end < events.size() && events[end].time_ps == events[i].time_ps &&
           events[end].kind == events[i].kind)
      ++end;
    out += "  link events at " + micros(events[i].time_ps) + ": " + events[i].kind;
    for (std::size_t j = i; j < std::min(end, i + kNamesListed); ++j) {
      out += (j == i ? " " : ", ") + (link_name ? link_name(events[j].link_id)
                                                : "link " + std::to_string(events[j].link_id));
    }
    if (end - i > kNamesListed) out += " and " + std::to_string(end - i - kNamesListed) + " more";
    out += "\n";
    i = end;
  }
  return out;
}

}  // namespace

std::int64_t fct_percentile_ps(const Results& results, double p) {
  return percentile_ps(results.flows, p);
}

std::int64_t app_fct_percentile_ps(const Results& results, double p) {
  return percentile_ps(results.app_flows, p);
}

std::string format_summary(const Results& results,
                           const std::function<std::string(std::uint32_t)>& link_name) {
  const RunInfo& info = results.info;
  std::string out = "fabricsim: " + info.name + " (" + info.model + " model, seed " +
                    std::to_string(info.seed) + "): " + info.status + "\n";
  const bool apps = !results.app_flows.empty();
  out += "  flows: " + std::to_string(apps ? results.app_flows.size() : results.flows.size());
  if (apps && results.app_flows.size() != results.flows.size()) {
    out += " (" + std::to_string(results.flows.size()) + " subflows)";
  }
  out += ", simulated time: " + micros(info.sim_end_ps) + "\n";
  out += list_steps(results.steps);
  if (results.steps.size() > kStepsListed) out += summarize_steps(results.steps);
  const auto fct = [&](double p) {
    return apps ? app_fct_percentile_ps(results, p) : fct_percentile_ps(results, p);
  };
  out += "  FCT p50: " + micros(fct(50)) + ", p99: " + micros(fct(99)) + "\n";
  const auto busiest = std::max_element(
      results.links.begin(), results.links.end(),
      [](const LinkRecord& a, const LinkRecord& b) { return a.busy_fraction < b.busy_fraction; });
  if (busiest != results.links.end()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "  max link utilisation: %.1f %% (",
                  busiest->busy_fraction * 100.0);
    out += buf;
    out += link_name ? link_name(busiest->link_id) : "link " + std::to_string(busiest->link_id);
    out += ")\n";
  }
  out += list_link_events(results.link_events, link_name);
  if (info.model == "packet") out += packet_counters(results);
  char buf[128];
  std::snprintf(buf, sizeof buf, "  events: %llu (%.3g events/s), wall time: %.3f s\n",
                static_cast<unsigned long long>(info.events),
                info.wall_seconds > 0 ? static_cast<double>(info.events) / info.wall_seconds : 0.0,
                info.wall_seconds);
  out += buf;
  std::size_t from = 0;
  while (from < info.warnings.size()) {
    const std::size_t end = std::min(info.warnings.find('\n', from), info.warnings.size());
    if (end > from) out += "  warning: " + info.warnings.substr(from, end - from) + "\n";
    from = end + 1;
  }
  return out;
}

}  // namespace fabricsim::metrics
