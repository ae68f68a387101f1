// End-to-end tests of the fabricsim binary: exit codes, messages, and the result file.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "support/bad_fixtures.hpp"

namespace fabricsim {
namespace {

namespace fs = std::filesystem;

struct Outcome {
  int exit_code;
  std::string output;  // stdout and stderr together
};

Outcome fabricsim(const std::string& args) {
  const std::string command = std::string(FABRICSIM_BINARY) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  Outcome out{-1, ""};
  char buf[4096];
  for (std::size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) out.output.append(buf, n);
  const int status = pclose(pipe);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

/// Whether anything under `folder` carries a temporary name ("*.partial").
bool has_partial_file(const fs::path& folder) {
  if (!fs::exists(folder)) return false;
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    if (entry.path().extension() == ".partial") return true;
  }
  return false;
}

/// A fresh empty folder per test.
class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("fabricsim_cli_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  const std::string tiny_ = std::string(FABRICSIM_SOURCE_DIR) + "/tests/scenarios/good/tiny.yaml";
};

TEST_F(Cli, BadScenariosExitTwoNamingFileLineAndKeyAndWriteNothing) {
  const auto files = test_support::bad_fixture_files();
  ASSERT_GE(files.size(), 15u);
  for (const fs::path& file : files) {
    SCOPED_TRACE(file.filename().string());
    const test_support::BadFixture f = test_support::read_bad_fixture(file);
    const fs::path out = dir_ / "out.h5";
    const Outcome r = fabricsim("run " + file.string() + " -o " + out.string());
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find(f.position()), std::string::npos) << r.output;
    if (f.key != "-") {
      EXPECT_NE(r.output.find(f.key), std::string::npos) << r.output;
    }
    EXPECT_FALSE(fs::exists(out));
    EXPECT_FALSE(has_partial_file(dir_));
  }
}

TEST_F(Cli, RunWritesTheResultAndPrintsASummary) {
  const fs::path out = dir_ / "sub" / "tiny.h5";
  const Outcome r = fabricsim("run " + tiny_ + " -o " + out.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(out));
  EXPECT_FALSE(has_partial_file(dir_));
  EXPECT_NE(r.output.find("flows: 4"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("FCT p50"), std::string::npos) << r.output;
}

TEST_F(Cli, QuietRunPrintsNothing) {
  const Outcome r = fabricsim("run " + tiny_ + " --quiet -o " + (dir_ / "q.h5").string());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, "");
}

TEST_F(Cli, BadOverrideExitsTwoNamingTheOverride) {
  const Outcome r =
      fabricsim("run " + tiny_ + " --set routing.policy=spary -o " + (dir_ / "x.h5").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--set routing.policy=spary"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("did you mean 'spray'"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "x.h5"));
}

TEST_F(Cli, UnwritableOutputExitsTwoBeforeRunningAndLeavesNoPartialFile) {
  std::ofstream(dir_ / "file") << "not a folder";
  const fs::path out = dir_ / "file" / "out.h5";
  const Outcome r = fabricsim("run " + tiny_ + " --quiet -o " + out.string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(out.string()), std::string::npos) << r.output;
  EXPECT_FALSE(has_partial_file(dir_));
}

TEST_F(Cli, ValidatePrintsAResolvedScenarioThatValidatesAgain) {
  const Outcome first = fabricsim("validate " + tiny_ + " --set routing.policy=spray --seed 7");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("policy: spray"), std::string::npos);
  EXPECT_NE(first.output.find("seed: 7"), std::string::npos);
  std::ofstream(dir_ / "resolved.yaml") << first.output;
  const Outcome second = fabricsim("validate " + (dir_ / "resolved.yaml").string());
  EXPECT_EQ(second.exit_code, 0) << second.output;
  EXPECT_EQ(second.output, first.output);
}

TEST_F(Cli, InfoListAndVersionAnswer) {
  const Outcome info = fabricsim("info " + tiny_);
  EXPECT_EQ(info.exit_code, 0);
  EXPECT_NE(info.output.find("hosts: 4"), std::string::npos) << info.output;
  const Outcome list = fabricsim("list");
  EXPECT_EQ(list.exit_code, 0);
  for (const char* name : {"ecmp", "spray", "split", "permutation", "all_to_all", "moe",
                           "transports (transport.kind", "ideal", "dctcp"}) {
    EXPECT_NE(list.output.find(name), std::string::npos) << name;
  }
  EXPECT_EQ(fabricsim("--version").output.rfind("fabricsim ", 0), 0u);
}

TEST_F(Cli, UnknownCommandOrMissingScenarioExitsTwo) {
  EXPECT_EQ(fabricsim("frobnicate").exit_code, 2);
  EXPECT_EQ(fabricsim("run").exit_code, 2);
  EXPECT_EQ(fabricsim("run " + tiny_ + " --no-such-flag").exit_code, 2);
  EXPECT_EQ(fabricsim("list extra").exit_code, 2);
}

TEST_F(Cli, EveryCommandPrintsItsOwnUsageAndOptionsWithHelp) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> commands = {
      {"run", {"usage: fabricsim run SCENARIO.yaml", "--output", "--quiet", "--set", "--seed"}},
      {"validate", {"usage: fabricsim validate SCENARIO.yaml", "--set", "--seed"}},
      {"info", {"usage: fabricsim info SCENARIO.yaml", "--set", "--seed"}},
      {"list", {"usage: fabricsim list", "--help"}},
  };
  for (const auto& [command, expected] : commands) {
    for (const char* flag : {" --help", " -h"}) {
      SCOPED_TRACE(command + flag);
      const Outcome r = fabricsim(command + flag);
      EXPECT_EQ(r.exit_code, 0) << r.output;
      for (const std::string& text : expected)
        EXPECT_NE(r.output.find(text), std::string::npos) << text << "\n" << r.output;
    }
  }
  EXPECT_EQ(fabricsim("validate --help").output.find("--output"), std::string::npos);
  EXPECT_EQ(fabricsim("list --help").output.find("--set"), std::string::npos);
  // Help wins over a scenario given with it: nothing runs, nothing is written.
  const Outcome r = fabricsim("run " + tiny_ + " -o " + (dir_ / "h.h5").string() + " --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_FALSE(fs::exists(dir_ / "h.h5"));
  EXPECT_NE(fabricsim("--help").output.find("<command> --help"), std::string::npos);
}

}  // namespace
}  // namespace fabricsim
