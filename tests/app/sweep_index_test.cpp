// The index's file names and CSV quoting.
#include "app/sweep_index.hpp"

#include <gtest/gtest.h>

namespace fabricsim::app {
namespace {

TEST(SweepIndexText, ResultNamesGrowPastFourDigitsAndCsvFieldsAreQuoted) {
  EXPECT_EQ(result_file_name(3, 8), "run-0003.h5");
  EXPECT_EQ(result_file_name(42, 10000), "run-0042.h5");
  EXPECT_EQ(result_file_name(42, 10001), "run-00042.h5");
  EXPECT_EQ(csv_field("ecmp"), "ecmp");
  EXPECT_EQ(csv_field("a, b"), "\"a, b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
}

}  // namespace
}  // namespace fabricsim::app
