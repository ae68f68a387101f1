// Each fixture in tests/scenarios/bad/ (format in tests/support/bad_fixtures.hpp):
// load must throw ScenarioError naming "<file>:<that line>:", the key path and the text.
#include <gtest/gtest.h>

#include "scenario/scenario.hpp"
#include "support/bad_fixtures.hpp"

namespace fabricsim::scenario {
namespace {

using test_support::bad_fixture_files;
using test_support::BadFixture;

TEST(ScenarioBadInputs, ThereAreEnoughFixtures) { EXPECT_GE(bad_fixture_files().size(), 18u); }

TEST(ScenarioBadInputs, EachFileFailsAtItsMarkedLineWithItsKeyAndMessage) {
  for (const std::filesystem::path& file : bad_fixture_files()) {
    SCOPED_TRACE(file.filename().string());
    const BadFixture f = test_support::read_bad_fixture(file);
    ASSERT_FALSE(f.expect.empty()) << "first line must be '# expect: ...'";
    ASSERT_FALSE(f.key.empty()) << "second line must be '# key: ...'";
    ASSERT_GT(f.line, 0) << "no line is marked '# <-- error'";
    std::string message;
    try {
      load(f.path);
      ADD_FAILURE() << "loaded without error";
      continue;
    } catch (const ScenarioError& e) {
      message = e.what();
    }
    EXPECT_NE(message.find(f.position()), std::string::npos) << message;
    if (f.key != "-") {
      EXPECT_NE(message.find(": " + f.key + ": "), std::string::npos) << message;
    }
    EXPECT_NE(message.find(f.expect), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace fabricsim::scenario
