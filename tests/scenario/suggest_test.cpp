// The "did you mean" helper behind unknown-key and unknown-choice errors.
#include <gtest/gtest.h>

#include "scenario/suggest.hpp"

namespace fabricsim::scenario {
namespace {

TEST(ScenarioSuggest, EditDistanceCountsSwapsAsOne) {
  EXPECT_EQ(edit_distance("spary", "spray"), 1u);     // one swap of neighbours
  EXPECT_EQ(edit_distance("polcy", "policy"), 1u);    // one insertion
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);  // the textbook example
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("ECMP", "ecmp"), 0u);  // case-blind
}

TEST(ScenarioSuggest, ClosestOnlyWhenItLooksLikeATypo) {
  const std::vector<std::string> policies{"ecmp", "spray", "split"};
  EXPECT_EQ(closest("spary", policies), "spray");
  EXPECT_EQ(closest("splt", policies), "split");
  EXPECT_EQ(closest("adaptive", policies), "");  // nothing close: no suggestion
  EXPECT_EQ(closest("hosts_per_leave", {"leaves", "hosts_per_leaf"}), "hosts_per_leaf");
}

TEST(ScenarioSuggest, ValidChoicesListsThenSuggests) {
  EXPECT_EQ(valid_choices("zipff", {"uniform", "zipf"}),
            " (valid: uniform, zipf); did you mean 'zipf'?");
  EXPECT_EQ(valid_choices("pareto", {"uniform", "zipf"}), " (valid: uniform, zipf)");
}

}  // namespace
}  // namespace fabricsim::scenario
