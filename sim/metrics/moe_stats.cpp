#include "metrics/moe_stats.hpp"

#include <algorithm>
#include <numeric>
#include <vector>

namespace fabricsim::metrics {

double max_over_mean(std::span<const std::int64_t> v) {
  const std::int64_t total = std::accumulate(v.begin(), v.end(), std::int64_t{0});
  if (total <= 0) return 0;
  const std::int64_t most = *std::max_element(v.begin(), v.end());
  return static_cast<double>(most) * static_cast<double>(v.size()) / static_cast<double>(total);
}

double gini(std::span<const std::int64_t> v) {
  const std::int64_t total = std::accumulate(v.begin(), v.end(), std::int64_t{0});
  if (total <= 0) return 0;
  std::vector<std::int64_t> sorted(v.begin(), v.end());
  std::sort(sorted.begin(), sorted.end());
  // Weighted sum of the sorted values: the i-th smallest counts 2i - n + 1 times.
  const auto n = static_cast<double>(sorted.size());
  double weighted = 0;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    weighted += (2.0 * static_cast<double>(i) - n + 1.0) * static_cast<double>(sorted[i]);
  }
  return weighted / (n * static_cast<double>(total));
}

}  // namespace fabricsim::metrics
