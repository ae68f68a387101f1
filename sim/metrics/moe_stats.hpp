#pragma once
// Imbalance measures of a load vector (tokens per expert or per GPU).
#include <cstdint>
#include <span>

namespace fabricsim::metrics {

/// max / mean of `v`: 1 when perfectly even, E when one of E entries carries everything.
/// 0 for an empty or all-zero vector.
double max_over_mean(std::span<const std::int64_t> v);

/// Gini coefficient of `v`, in [0, 1 - 1/n]: 0 when even, 1 - 1/n when one entry carries
/// everything. Computed as sum_i (2i - n + 1) x_(i) / (n x sum) over the sorted values
/// x_(0) <= ... <= x_(n-1). 0 for an empty or all-zero vector.
double gini(std::span<const std::int64_t> v);

}  // namespace fabricsim::metrics
