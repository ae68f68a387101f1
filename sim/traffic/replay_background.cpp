#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include "traffic/replay.hpp"

namespace fabricsim::traffic {
namespace {

/// An exponential draw of mean 1 by inversion; 1 - u is in (0, 1], so the log is finite.
double unit_exponential(core::Rng& rng) { return -std::log(1.0 - rng.uniform()); }

std::uint32_t sources_of(const BackgroundSpec& spec, std::uint32_t gpus) {
  return spec.sources.empty() ? gpus : static_cast<std::uint32_t>(spec.sources.size());
}

void check_ranks(const std::vector<std::uint32_t>& ranks, std::uint32_t gpus, const char* what) {
  for (const std::uint32_t r : ranks) {
    if (r >= gpus) {
      throw std::invalid_argument("background: " + std::string(what) + " rank " +
                                  std::to_string(r) + " but the placement has " +
                                  std::to_string(gpus) + " GPUs");
    }
  }
}

}  // namespace

double FlowSizes::mean_bytes() const {
  const auto m = static_cast<double>(bytes.count());
  switch (dist) {
    case Dist::fixed:
      return m;
    case Dist::exponential:
      // Y = max(1, round(X)): P(Y >= 1) = 1 and P(Y >= k) = P(X >= k - 1/2) = e^{-(k - 1/2)/m}
      // for k >= 2, so E[Y] = sum over k >= 1 of P(Y >= k) = 1 + e^{-3/(2m)} / (1 - e^{-1/m}).
      return 1.0 + std::exp(-1.5 / m) / -std::expm1(-1.0 / m);
    case Dist::cdf:
      break;
  }
  return FlowSizeCdf::of(cdf).mean_bytes();
}

core::Bytes FlowSizes::draw(core::Rng& rng) const {
  switch (dist) {
    case Dist::fixed:
      return bytes;
    case Dist::exponential:
      return core::Bytes(std::max<std::int64_t>(
          1, std::llround(static_cast<double>(bytes.count()) * unit_exponential(rng))));
    case Dist::cdf:
      break;
  }
  return FlowSizeCdf::of(cdf).draw(rng);
}

double expected_background_flows(const BackgroundSpec& spec, std::uint32_t gpus,
                                 core::Bitrate host_rate) {
  // Each source offers load x rate bytes per unit time, in flows of mean size m.
  const double per_source_per_ps = spec.load * host_rate.bytes_per_ps() / spec.sizes.mean_bytes();
  return per_source_per_ps * static_cast<double>(spec.duration.ps()) * sources_of(spec, gpus);
}

std::vector<Arrival> background_arrivals(const BackgroundSpec& spec,
                                         std::span<const std::uint32_t> gpus,
                                         core::Bitrate host_rate, core::Rng& rng) {
  const auto n = static_cast<std::uint32_t>(gpus.size());
  if (n < 2) throw std::invalid_argument("background traffic needs at least 2 hosts");
  if (host_rate.bps() <= 0)
    throw std::invalid_argument("background traffic needs the host link rate");
  check_ranks(spec.sources, n, "source");
  check_ranks(spec.destinations, n, "destination");
  const double expected = expected_background_flows(spec, n, host_rate);
  const auto too_many = [&](const std::string& what) {
    return std::invalid_argument("background: " + what + " flows, more than max_flows (" +
                                 std::to_string(spec.max_flows) +
                                 "); shorten duration, lower load or raise max_flows");
  };
  if (expected > static_cast<double>(spec.max_flows)) {
    throw too_many("expected " + std::to_string(std::llround(expected)));
  }
  std::vector<std::uint32_t> sources = spec.sources;
  if (sources.empty()) {
    sources.resize(n);
    std::iota(sources.begin(), sources.end(), 0u);
  }
  const std::vector<std::uint32_t>& to = spec.destinations;
  // Arrivals per picosecond at one source: offered bytes per ps over the mean flow size.
  const double rate = spec.load * host_rate.bytes_per_ps() / spec.sizes.mean_bytes();
  const double window = static_cast<double>(spec.duration.ps());
  std::vector<Arrival> out;
  out.reserve(static_cast<std::size_t>(expected * 1.1) + 16);
  for (const std::uint32_t r : sources) {
    // The destinations of r: every other placed rank, or the listed ones but r itself.
    const auto self = std::find(to.begin(), to.end(), r);
    const bool listed_self = self != to.end();
    const std::uint32_t choices =
        to.empty() ? n - 1 : static_cast<std::uint32_t>(to.size() - (listed_self ? 1 : 0));
    if (choices == 0) {
      throw std::invalid_argument("background: source rank " + std::to_string(r) +
                                  " has no destination other than itself");
    }
    const auto skipped = to.empty() ? r : static_cast<std::uint32_t>(self - to.begin());
    for (double t = unit_exponential(rng) / rate; t < window; t += unit_exponential(rng) / rate) {
      // Uniform over the choices: draw among them, stepping over r's own position.
      auto pick = static_cast<std::uint32_t>(rng.below(choices));
      if ((to.empty() || listed_self) && pick >= skipped) ++pick;
      const std::uint32_t dst = to.empty() ? pick : to[pick];
      const core::Time start = spec.start + core::Time::ps(static_cast<std::int64_t>(t));
      out.push_back({start, gpus[r], gpus[dst], spec.sizes.draw(rng)});
      if (out.size() > spec.max_flows)
        throw too_many("more than " + std::to_string(spec.max_flows));
    }
  }
  // Sources were drawn one after the other; merge them into one time-ordered list (ties by
  // source order).
  std::stable_sort(out.begin(), out.end(),
                   [](const Arrival& a, const Arrival& b) { return a.start < b.start; });
  return out;
}

}  // namespace fabricsim::traffic
