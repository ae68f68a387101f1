// The resource estimate refuses oversized work before any of it is done, with the figures,
// and accepts every scenario the repository ships.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/cli_run.hpp"

namespace fabricsim {
namespace {

namespace fs = std::filesystem;
using test_support::run_fabricsim;

const std::string kSource = FABRICSIM_SOURCE_DIR;

class ResourceLimits : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("fabricsim_resources_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  /// An all-to-all over `gpus` of 52 x 136 = 7,072 hosts.
  fs::path all_to_all(std::uint32_t gpus) const {
    const fs::path path = dir_ / "a2a.yaml";
    std::ofstream(path) << "topology: {leaves: 52, spines: 1, hosts_per_leaf: 136}\n"
                        << "workload: [{kind: all_to_all, bytes: 1MiB, placement: {gpus: " << gpus
                        << "}}]\n";
    return path;
  }
  fs::path dir_;
};

TEST_F(ResourceLimits, AllToAllJustUnderTheFlowLimitIsRefusedForItsMemory) {
  // 7,071 x 7,070 = 49,991,970 flows passes the 50,000,000-flow limit; at 128 + 288 bytes a
  // flow (one subflow) it needs 19.4 GiB, more than 16 GiB: refused before anything is built.
  const fs::path out = dir_ / "out.h5";
  const auto r =
      run_fabricsim("run " + all_to_all(7071).string() + " --max-memory 16GiB -o " + out.string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("needs about 19.4 GiB of memory (49,991,970 flows, 49,991,970 subflows"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("more than the limit of 16.0 GiB (--max-memory 16GiB"), std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(out));
  const auto v = run_fabricsim("validate " + all_to_all(7071).string() + " --max-memory 16GiB");
  EXPECT_EQ(v.exit_code, 2) << v.output;
}

TEST_F(ResourceLimits, AllToAllJustOverTheFlowLimitIsRefusedByTheLimit) {
  // 7,072 x 7,071 = 50,006,112 flows.
  const auto r = run_fabricsim("validate " + all_to_all(7072).string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("50,006,112 flows, more than the limit of 50,000,000 per workload"),
            std::string::npos)
      << r.output;
}

TEST_F(ResourceLimits, SplitInto1024SubflowsOnTheQuickstartIsRefusedBeforeSimulating) {
  // The quickstart's MoE layer has 256 x 255 x 2 = 130,560 flows; 1,024 subflows each make
  // 133,693,440, more than the 100,000,000 subflows any run may have.
  const fs::path out = dir_ / "out.h5";
  const std::string args = kSource +
                           "/scenarios/quickstart.yaml --set routing.policy=split "
                           "--set routing.subflows=1024";
  const auto r = run_fabricsim("run " + args + " -o " + out.string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("130,560 flows, 133,693,440 subflows (up to 1024 per flow)"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("more than the limit of 100,000,000 subflows"), std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("wrote"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(run_fabricsim("validate " + args).exit_code, 2);
}

TEST_F(ResourceLimits, EveryRepositoryScenarioIsAcceptedAndValidatePrintsItsEstimate) {
  std::vector<fs::path> files;
  for (const char* folder : {"/scenarios", "/bench/scenarios"}) {
    for (const auto& entry : fs::recursive_directory_iterator(kSource + folder)) {
      // scenarios/sweeps holds sweep files, not scenarios (SweepCli dry-runs each).
      if (entry.path().extension() == ".yaml" &&
          entry.path().parent_path().filename() != "sweeps") {
        files.push_back(entry.path());
      }
    }
  }
  ASSERT_GE(files.size(), 15u);
  for (const fs::path& file : files) {
    SCOPED_TRACE(file.string());
    const auto r = run_fabricsim("validate " + file.string());
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("# resource estimate: "), std::string::npos) << r.output;
  }
}

TEST_F(ResourceLimits, ValidateOpensTheTraceAndChecksTheOutputWithoutCreatingIt) {
  // A text file named .h5 used to pass validate; an output under a file was found only
  // after the simulation.
  std::ofstream(dir_ / "fake.h5") << "not HDF5\n";
  const fs::path scenario = dir_ / "trace.yaml";
  std::ofstream(scenario) << "topology: {leaves: 2, spines: 1, hosts_per_leaf: 4}\n"
                          << "workload: [{kind: moe, experts: 16, top_k: 2, layers: 4, gpus: 8, "
                             "routing_trace: {file: fake.h5}}]\n";
  const auto trace = run_fabricsim("validate " + scenario.string());
  EXPECT_EQ(trace.exit_code, 2) << trace.output;
  EXPECT_NE(trace.output.find("fake.h5: not an HDF5 file"), std::string::npos) << trace.output;

  std::ofstream(dir_ / "file") << "a file, not a folder";
  const std::string tiny = kSource + "/tests/scenarios/good/tiny.yaml";
  const fs::path under_file = dir_ / "file" / "out.h5";
  const auto output =
      run_fabricsim("validate " + tiny + " --set output.file=" + under_file.string());
  EXPECT_EQ(output.exit_code, 2) << output.output;
  EXPECT_NE(output.output.find("is not a folder"), std::string::npos) << output.output;

  const fs::path fresh = dir_ / "new" / "folder" / "out.h5";
  EXPECT_EQ(run_fabricsim("validate " + tiny + " --set output.file=" + fresh.string()).exit_code,
            0);
  EXPECT_FALSE(fs::exists(dir_ / "new"));
}

}  // namespace
}  // namespace fabricsim
