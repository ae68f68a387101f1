// Every file in tests/scenarios/bad/ holds one defect. Its first line is
// "# expect: <substring of the error>", its second "# key: <key path>" ("-" for a YAML
// syntax error, which has no key), and the offending line ends with "# <-- error".
// load must throw ScenarioError naming "<file>:<that line>:", the key path and the text.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "scenario/scenario.hpp"

namespace fabricsim::scenario {
namespace {

namespace fs = std::filesystem;

struct Fixture {
  std::string path;
  std::string expect;
  std::string key;
  int line = 0;  // 1-based line carrying the "# <-- error" marker
};

Fixture read_fixture(const fs::path& path) {
  Fixture f{path.string(), "", "", 0};
  std::ifstream in(path);
  std::string text;
  for (int n = 1; std::getline(in, text); ++n) {
    if (n == 1 && text.rfind("# expect: ", 0) == 0) f.expect = text.substr(10);
    if (n == 2 && text.rfind("# key: ", 0) == 0) f.key = text.substr(7);
    if (text.find("# <-- error") != std::string::npos) f.line = n;
  }
  return f;
}

std::vector<fs::path> bad_files() {
  std::vector<fs::path> files;
  for (const auto& entry :
       fs::directory_iterator(std::string(FABRICSIM_SOURCE_DIR) + "/tests/scenarios/bad")) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(ScenarioBadInputs, ThereAreEnoughFixtures) { EXPECT_GE(bad_files().size(), 18u); }

TEST(ScenarioBadInputs, EachFileFailsAtItsMarkedLineWithItsKeyAndMessage) {
  for (const fs::path& file : bad_files()) {
    SCOPED_TRACE(file.filename().string());
    const Fixture f = read_fixture(file);
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
    EXPECT_NE(message.find(file.filename().string() + ":" + std::to_string(f.line) + ":"),
              std::string::npos)
        << message;
    if (f.key != "-") {
      EXPECT_NE(message.find(": " + f.key + ": "), std::string::npos) << message;
    }
    EXPECT_NE(message.find(f.expect), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace fabricsim::scenario
