#pragma once
// Every file in tests/scenarios/bad/ holds one defect. Its first line is
// "# expect: <substring of the error>", its second "# key: <key path>" ("-" for a YAML
// syntax error, which has no key), and the offending line ends with "# <-- error".
// When the defect is in a file the scenario reads (a GraphML file), the third line is
// "# at: <that file, relative to the fixture>" and the offending line of that file carries
// "<== error" (an XML comment cannot hold "--").
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fabricsim::test_support {

struct BadFixture {
  std::filesystem::path path;
  std::string expect;
  std::string key;
  int line = 0;              // 1-based line carrying the "# <-- error" marker (in `at` when set)
  std::filesystem::path at;  // the file holding the defect, when not the fixture itself

  /// What the error must contain to point at the defect: "<file>:<line>:".
  std::string position() const {
    return (at.empty() ? path : at).filename().string() + ":" + std::to_string(line) + ":";
  }
};

inline BadFixture read_bad_fixture(const std::filesystem::path& path) {
  BadFixture f{path, "", "", 0, {}};
  std::ifstream in(path);
  std::string text;
  for (int n = 1; std::getline(in, text); ++n) {
    if (n == 1 && text.rfind("# expect: ", 0) == 0) f.expect = text.substr(10);
    if (n == 2 && text.rfind("# key: ", 0) == 0) f.key = text.substr(7);
    if (n == 3 && text.rfind("# at: ", 0) == 0) f.at = path.parent_path() / text.substr(6);
    if (f.at.empty() && text.find("# <-- error") != std::string::npos) f.line = n;
  }
  if (!f.at.empty()) {
    std::ifstream other(f.at);
    for (int n = 1; std::getline(other, text); ++n) {
      if (text.find("<== error") != std::string::npos) f.line = n;
    }
  }
  return f;
}

inline std::vector<std::filesystem::path> bad_fixture_files() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(FABRICSIM_SOURCE_DIR) +
                                                               "/tests/scenarios/bad")) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace fabricsim::test_support
