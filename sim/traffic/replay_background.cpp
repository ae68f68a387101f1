#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "traffic/replay.hpp"

namespace fabricsim::traffic {

double expected_background_flows(const BackgroundSpec& spec, std::uint32_t gpus,
                                 core::Bitrate host_rate) {
  // Each host offers load x rate bytes per unit time, in flows of mean size m.
  const double per_host_per_ps =
      spec.load * host_rate.bytes_per_ps() / FlowSizeCdf::of(spec.cdf).mean_bytes();
  return per_host_per_ps * static_cast<double>(spec.duration.ps()) * gpus;
}

std::vector<Arrival> background_arrivals(const BackgroundSpec& spec,
                                         std::span<const std::uint32_t> gpus,
                                         core::Bitrate host_rate, core::Rng& rng) {
  const auto n = static_cast<std::uint32_t>(gpus.size());
  if (n < 2) throw std::invalid_argument("background traffic needs at least 2 hosts");
  if (host_rate.bps() <= 0)
    throw std::invalid_argument("background traffic needs the host link rate");
  const double expected = expected_background_flows(spec, n, host_rate);
  const auto too_many = [&](const std::string& what) {
    return std::invalid_argument("background: " + what + " flows, more than max_flows (" +
                                 std::to_string(spec.max_flows) +
                                 "); shorten duration, lower load or raise max_flows");
  };
  if (expected > static_cast<double>(spec.max_flows)) {
    throw too_many("expected " + std::to_string(std::llround(expected)));
  }
  const FlowSizeCdf cdf = FlowSizeCdf::of(spec.cdf);
  // Arrivals per picosecond at one host: offered bytes per ps over the mean flow size.
  const double rate = spec.load * host_rate.bytes_per_ps() / cdf.mean_bytes();
  const double window = static_cast<double>(spec.duration.ps());
  std::vector<Arrival> out;
  out.reserve(static_cast<std::size_t>(expected * 1.1) + 16);
  for (std::uint32_t r = 0; r < n; ++r) {
    // Exponential gaps by inversion; 1 - u is in (0, 1], so the log is finite.
    for (double t = -std::log(1.0 - rng.uniform()) / rate; t < window;
         t += -std::log(1.0 - rng.uniform()) / rate) {
      const auto other =
          static_cast<std::uint32_t>(rng.below(n - 1));  // uniform over the n - 1 others
      const std::uint32_t dst = other >= r ? other + 1 : other;
      const core::Time start = spec.start + core::Time::ps(static_cast<std::int64_t>(t));
      out.push_back({start, gpus[r], gpus[dst], cdf.draw(rng)});
      if (out.size() > spec.max_flows)
        throw too_many("more than " + std::to_string(spec.max_flows));
    }
  }
  // Hosts were drawn one after the other; merge them into one time-ordered list (ties by rank).
  std::stable_sort(out.begin(), out.end(),
                   [](const Arrival& a, const Arrival& b) { return a.start < b.start; });
  return out;
}

}  // namespace fabricsim::traffic
