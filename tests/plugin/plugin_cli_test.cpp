// `fabricsim validate` loads a scenario's routing plug-in and checks its policy and params:
// each bad plug-in or param exits 2 (bad input) with a message saying what is wrong.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "routing/plugin.hpp"
#include "support/cli_run.hpp"
#include "support/scratch_dir.hpp"

namespace fabricsim {
namespace {

namespace fs = std::filesystem;

class PluginCli : public ::testing::Test {
 protected:
  /// `fabricsim validate` of a small all-to-all routed as `routing` (one line of YAML).
  test_support::CliOutcome validate(const std::string& routing) const {
    const fs::path file = dir_ / "run.yaml";
    std::ofstream(file) << "topology: {leaves: 2, spines: 2, hosts_per_leaf: 2}\n"
                        << "routing: " << routing << "\n"
                        << "workload:\n  - {kind: all_to_all, bytes: 64KiB}\n"
                        << "output: {file: " << (dir_ / "out.h5").string() << "}\n";
    return test_support::run_fabricsim("validate " + file.string());
  }
  std::string run_yaml() const { return (dir_ / "run.yaml").string(); }

  test_support::ScratchDir scratch_{"plugin_cli"};
  const fs::path& dir_ = scratch_.path();
};

TEST_F(PluginCli, ValidateLoadsThePluginAndPrintsItsParams) {
  const auto out = validate(std::string("{plugin: ") + FABRICSIM_ROTATE_PLUGIN +
                            ", policy: rotate, params: {offset: 5}}");
  EXPECT_EQ(out.exit_code, 0) << out.output;
  EXPECT_NE(out.output.find("policy: rotate"), std::string::npos) << out.output;
  EXPECT_NE(out.output.find(std::string("plugin: ") + FABRICSIM_ROTATE_PLUGIN), std::string::npos)
      << out.output;
  EXPECT_NE(out.output.find("offset: 5"), std::string::npos) << out.output;
}

TEST_F(PluginCli, MissingLibraryExits2) {
  const auto out = validate("{plugin: nowhere/libmine.so, policy: mine}");
  EXPECT_EQ(out.exit_code, 2) << out.output;
  EXPECT_NE(out.output.find(run_yaml() +
                            ":2:19: routing.plugin: cannot find routing plug-in "
                            "'nowhere/libmine.so' (tried: " +
                            (dir_ / "nowhere/libmine.so").string()),
            std::string::npos)
      << out.output;
}

TEST_F(PluginCli, LibraryWithoutEntryPointExits2) {
  const auto out =
      validate(std::string("{plugin: ") + FABRICSIM_FIXTURE_NO_ENTRY_POINT + ", policy: mine}");
  EXPECT_EQ(out.exit_code, 2) << out.output;
  EXPECT_NE(out.output.find(": no entry point 'fabricsim_routing_plugin'"), std::string::npos)
      << out.output;
}

TEST_F(PluginCli, OtherAbiVersionExits2) {
  const auto out =
      validate(std::string("{plugin: ") + FABRICSIM_FIXTURE_WRONG_ABI + ", policy: future}");
  EXPECT_EQ(out.exit_code, 2) << out.output;
  const std::uint32_t ours = routing::kPluginAbiVersion;
  EXPECT_NE(out.output.find(": built for plug-in ABI version " + std::to_string(ours + 1) +
                            ", this fabricsim has version " + std::to_string(ours) + ";"),
            std::string::npos)
      << out.output;
}

TEST_F(PluginCli, UnknownParamKeyExits2NamingItsLine) {
  const auto out = validate(std::string("{plugin: ") + FABRICSIM_ROTATE_PLUGIN +
                            ", policy: rotate,\n  params: {offset: 1, stride: 2}}");
  EXPECT_EQ(out.exit_code, 2) << out.output;
  EXPECT_NE(
      out.output.find(run_yaml() + ":3:23: routing.params.stride: policy 'rotate' has no parameter "
                                   "'stride' (it reads: offset)"),
      std::string::npos)
      << out.output;
}

}  // namespace
}  // namespace fabricsim
