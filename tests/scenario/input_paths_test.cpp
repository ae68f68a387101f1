// Which files a scenario makes the run read, and where a relative name is looked for:
// in the scenario's folder first, then the current folder, whether the name is written in
// the file or given with --set.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace fabricsim::scenario {
namespace {

namespace fs = std::filesystem;

/// A scenario folder `dir_/s/` with a topology file and two connection matrices, and a
/// separate current folder `dir_/cwd/` (entered for the test, left after).
class InputPaths : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("fabricsim_input_paths_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "s");
    fs::create_directories(dir_ / "cwd");
    const fs::path source(FABRICSIM_SOURCE_DIR);
    fs::copy_file(source / "topologies/leafspine-4x2-100g.yaml", dir_ / "s/topo.yaml");
    fs::copy_file(source / "scenarios/traces/sample.cm", dir_ / "s/a.cm");
    fs::copy_file(source / "scenarios/traces/sample.cm", dir_ / "s/b.cm");
    fs::copy_file(source / "scenarios/traces/sample.cm", dir_ / "cwd/only_here.cm");
    std::ofstream(dir_ / "s/run.yaml")
        << "topology: {file: topo.yaml}\n"
           "workload:\n"
           "  - {kind: connection_matrix, file: a.cm, placement: {gpus: 8}}\n";
    previous_ = fs::current_path();
    fs::current_path(dir_ / "cwd");
  }
  void TearDown() override {
    fs::current_path(previous_);
    fs::remove_all(dir_);
  }
  std::string scenario() const { return (dir_ / "s/run.yaml").string(); }
  fs::path dir_, previous_;
};

TEST_F(InputPaths, ScenarioListsItselfItsTopologyFileAndItsMatrixInOrder) {
  const Scenario s = load(scenario());
  ASSERT_EQ(s.inputs.size(), 3u);
  EXPECT_EQ(s.inputs[0].role, "scenario");
  EXPECT_EQ(s.inputs[0].path, scenario());
  EXPECT_EQ(s.inputs[1].role, "topology");
  EXPECT_TRUE(fs::equivalent(s.inputs[1].path, dir_ / "s/topo.yaml"));
  EXPECT_EQ(s.inputs[2].role, "connection_matrix");
  EXPECT_TRUE(fs::equivalent(s.inputs[2].path, dir_ / "s/a.cm"));
}

TEST_F(InputPaths, SetPathResolvesFromTheScenarioFolderLikeAPathInTheFile) {
  // b.cm lies beside the scenario, not in the current folder: found as if written in it.
  const Scenario s = load(scenario(), {"workload.0.file=b.cm"});
  EXPECT_TRUE(fs::equivalent(s.inputs.back().path, dir_ / "s/b.cm"));
}

TEST_F(InputPaths, SetPathFallsBackToTheCurrentFolder) {
  const Scenario s = load(scenario(), {"workload.0.file=only_here.cm"});
  EXPECT_TRUE(fs::equivalent(s.inputs.back().path, dir_ / "cwd/only_here.cm"));
}

TEST_F(InputPaths, MissingSetPathNamesTheArgumentAndBothPlacesTried) {
  try {
    load(scenario(), {"workload.0.file=nowhere.cm"});
    FAIL() << "expected ScenarioError";
  } catch (const ScenarioError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("--set workload.0.file=nowhere.cm"), std::string::npos) << message;
    EXPECT_NE(message.find((dir_ / "s" / "nowhere.cm").string()), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace fabricsim::scenario
