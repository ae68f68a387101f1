#include "metrics/moe_stats.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace fabricsim::metrics {
namespace {

TEST(MoeStats, MaxOverMeanOfHandComputedVectors) {
  // {1, 1, 1, 1}: even, 1. {0, 0, 0, 8}: 8 / 2 = 4 = n. {10, 20, 30}: 30 / 20 = 1.5.
  EXPECT_DOUBLE_EQ(max_over_mean(std::vector<std::int64_t>{1, 1, 1, 1}), 1.0);
  EXPECT_DOUBLE_EQ(max_over_mean(std::vector<std::int64_t>{0, 0, 0, 8}), 4.0);
  EXPECT_DOUBLE_EQ(max_over_mean(std::vector<std::int64_t>{10, 20, 30}), 1.5);
  EXPECT_EQ(max_over_mean(std::vector<std::int64_t>{}), 0.0);
  EXPECT_EQ(max_over_mean(std::vector<std::int64_t>{0, 0}), 0.0);
}

TEST(MoeStats, GiniOfHandComputedVectors) {
  // Gini = sum_ij |x_i - x_j| / (2 n^2 mean).
  // {5, 5, 5}: 0. {0, 0, 0, 1}: 6 pairs differ by 1 twice = 6 / (2 x 16 x 0.25) = 0.75 = 1 - 1/4.
  // {1, 3}: 2 x 2 / (2 x 4 x 2) = 0.25. {30, 10, 20} (unsorted): 2 x (10 + 20 + 10) /
  // (2 x 9 x 20) = 2/9.
  EXPECT_DOUBLE_EQ(gini(std::vector<std::int64_t>{5, 5, 5}), 0.0);
  EXPECT_DOUBLE_EQ(gini(std::vector<std::int64_t>{0, 0, 0, 1}), 0.75);
  EXPECT_DOUBLE_EQ(gini(std::vector<std::int64_t>{1, 3}), 0.25);
  EXPECT_NEAR(gini(std::vector<std::int64_t>{30, 10, 20}), 2.0 / 9, 1e-15);
  EXPECT_EQ(gini(std::vector<std::int64_t>{}), 0.0);
}

}  // namespace
}  // namespace fabricsim::metrics
