// Routing plug-ins: the example plug-in (plugins/example) loaded from a scenario and run in
// both models, its params checked, and the libraries fabricsim must refuse.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "engine/simulation.hpp"
#include "routing/plugin.hpp"
#include "routing/plugin_loader.hpp"
#include "routing/router.hpp"
#include "scenario/scenario.hpp"
#include "support/scratch_dir.hpp"

namespace fabricsim {
namespace {

namespace fs = std::filesystem;

/// A scenario folder holding the example plug-in as `librotate.so` (a link), so that the
/// scenario names it relative to itself.
class Plugin : public ::testing::Test {
 protected:
  void SetUp() override { fs::create_symlink(FABRICSIM_ROTATE_PLUGIN, dir_ / "librotate.so"); }

  /// Writes a 2-leaf, 4-spine, 4-hosts-per-leaf all-to-all of 64 KiB routed as `routing`.
  std::string scenario(const std::string& model, const std::string& routing) const {
    const fs::path file = dir_ / "run.yaml";
    std::ofstream(file) << "model: " << model << "\n"
                        << "topology: {leaves: 2, spines: 4, hosts_per_leaf: 4}\n"
                        << "routing: " << routing << "\n"
                        << "workload:\n  - {kind: all_to_all, bytes: 64KiB}\n";
    return file.string();
  }
  /// The ScenarioError message of loading `routing`, or "" when it loads.
  std::string load_error(const std::string& routing) const {
    try {
      scenario::load(scenario("flow", routing));
    } catch (const scenario::ScenarioError& e) {
      return e.what();
    }
    return "";
  }

  test_support::ScratchDir scratch_{"plugin"};
  const fs::path& dir_ = scratch_.path();
};

/// Every flow between leaves took candidate (app_flow + offset) mod n of its n candidates.
void expect_rotated(const scenario::Scenario& s, std::uint32_t offset) {
  engine::Simulation sim(s);
  const metrics::Results r = sim.run();
  ASSERT_EQ(r.info.status, "complete");
  const std::unique_ptr<routing::Policy> ecmp = routing::make_policy({.name = "ecmp"});
  const routing::Router router(sim.fabric(), *ecmp);
  std::size_t across = 0;
  for (const metrics::FlowRecord& f : r.flows) {
    const routing::Candidates c = router.candidates(f.src, f.dst);
    ASSERT_GE(f.path_id, 0) << "flow " << f.id;
    EXPECT_EQ(static_cast<topo::PathId>(f.path_id), c[(f.app_flow + offset) % c.size()])
        << "flow " << f.id << " (app flow " << f.app_flow << ")";
    across += c.size() == 4 ? 1 : 0;
  }
  EXPECT_EQ(across, 32u) << "4 x 4 flows each way between the two leaves";
}

TEST_F(Plugin, ExamplePolicyRoutesEveryFlowInTheFlowModel) {
  const scenario::Scenario s = scenario::load(
      scenario("flow", "{plugin: librotate.so, policy: rotate, params: {offset: 3}}"));
  EXPECT_EQ(s.routing.plugin, (dir_ / "librotate.so").string());
  ASSERT_EQ(s.inputs.size(), 2u);
  EXPECT_EQ(s.inputs[1].role, "routing_plugin");
  EXPECT_EQ(s.inputs[1].path, s.routing.plugin);
  expect_rotated(s, 3);
}

TEST_F(Plugin, ExamplePolicyRoutesEveryFlowInThePacketModel) {
  expect_rotated(scenario::load(scenario("packet", "{plugin: librotate.so, policy: rotate}")), 0);
}

TEST_F(Plugin, PluginPlanPinsPiecesInBothModels) {
  for (const std::string model : {"flow", "packet"}) {
    const scenario::Scenario s = scenario::load(
        scenario(model, std::string("{plugin: ") + FABRICSIM_FIXTURE_HALVES + ", policy: halves}"));
    engine::Simulation sim(s);
    const metrics::Results r = sim.run();
    ASSERT_EQ(r.info.status, "complete") << model;
    const std::unique_ptr<routing::Policy> ecmp = routing::make_policy({.name = "ecmp"});
    const routing::Router router(sim.fabric(), *ecmp);
    ASSERT_EQ(r.flows.size(), 2 * r.app_flows.size()) << model;
    for (std::size_t i = 0; i < r.flows.size(); i += 2) {
      const metrics::FlowRecord& a = r.flows[i];
      const metrics::FlowRecord& b = r.flows[i + 1];
      ASSERT_EQ(a.app_flow, b.app_flow) << model;
      const routing::Candidates c = router.candidates(a.src, a.dst);
      EXPECT_EQ(a.path_id, static_cast<std::int32_t>(c[0])) << model << " flow " << a.id;
      EXPECT_EQ(b.path_id, static_cast<std::int32_t>(c[c.size() - 1])) << model << " flow " << b.id;
      EXPECT_EQ(a.bytes + b.bytes, 64 * 1024) << model;
      EXPECT_EQ(a.bytes, 32 * 1024) << model;
    }
  }
}

TEST_F(Plugin, PluginPolicyAsReplayFallbackReadsItsParams) {
  // One flow replayed from a CSV; the others go to the plug-in's policy with its offset.
  std::ofstream(dir_ / "one.csv") << "src,dst,index,path,fraction\n0,4,0,leaf0 spine3 leaf1,1\n";
  const scenario::Scenario s = scenario::load(
      scenario("flow",
               "{policy: replay, trace: one.csv, fallback: rotate, plugin: librotate.so, "
               "params: {offset: 2}}"));
  engine::Simulation sim(s);
  const metrics::Results r = sim.run();
  ASSERT_EQ(r.info.status, "complete");
  const std::unique_ptr<routing::Policy> ecmp = routing::make_policy({.name = "ecmp"});
  const routing::Router router(sim.fabric(), *ecmp);
  for (const metrics::FlowRecord& f : r.flows) {
    const routing::Candidates c = router.candidates(f.src, f.dst);
    const std::size_t k = f.src == 0 && f.dst == 4 ? 3 : (f.app_flow + 2) % c.size();
    EXPECT_EQ(f.path_id, static_cast<std::int32_t>(c[k])) << "flow " << f.id;
  }
}

TEST_F(Plugin, ParamsComeBackFromTheResolvedYaml) {
  const scenario::Scenario s = scenario::load(
      scenario("flow", "{plugin: librotate.so, policy: rotate, params: {offset: 2}}"));
  const fs::path again = dir_ / "again.yaml";
  std::ofstream(again) << scenario::to_yaml(s);
  const scenario::Scenario t = scenario::load(again.string());
  EXPECT_EQ(t.routing.plugin, s.routing.plugin);
  ASSERT_EQ(t.routing.params.size(), 1u);
  EXPECT_EQ(t.routing.params[0].key, "offset");
  EXPECT_EQ(t.routing.params[0].text, "2");
}

TEST_F(Plugin, OverriddenParamIsReadAndBlamedOnItsArgument) {
  const std::string file = scenario("flow", "{plugin: librotate.so, policy: rotate}");
  const scenario::Scenario s = scenario::load(file, {"routing.params.offset=1"});
  ASSERT_EQ(s.routing.params.size(), 1u);
  EXPECT_EQ(s.routing.params[0].text, "1");
  try {
    scenario::load(file, {"routing.params.offset=-1"});
    FAIL() << "a negative offset loaded";
  } catch (const scenario::ScenarioError& e) {
    EXPECT_STREQ(e.what(),
                 "--set routing.params.offset=-1: routing.params.offset: expected a whole number "
                 ">= 0 (at most 18,446,744,073,709,551,615), got '-1'");
  }
}

TEST_F(Plugin, UnknownParamNamesItsPlaceAndTheKeysThePolicyReads) {
  EXPECT_EQ(load_error("{plugin: librotate.so, policy: rotate, params: {offset: 1, ofset: 2}}"),
            (dir_ / "run.yaml").string() +
                ":3:69: routing.params.ofset: policy 'rotate' has no parameter 'ofset' (it "
                "reads: offset)");
}

TEST_F(Plugin, BuiltInPolicyReadsNoParams) {
  EXPECT_EQ(load_error("{policy: ecmp, params: {offset: 1}}"),
            (dir_ / "run.yaml").string() +
                ":3:34: routing.params.offset: policy 'ecmp' has no parameter 'offset' (it "
                "reads none)");
}

TEST_F(Plugin, UnknownPolicyListsTheBuiltInsAndThePluginPolicies) {
  const std::string error = load_error("{plugin: librotate.so, policy: rotat}");
  EXPECT_NE(error.find("routing.policy"), std::string::npos) << error;
  EXPECT_NE(error.find("did you mean 'rotate'"), std::string::npos) << error;
  EXPECT_NE(error.find("ecmp"), std::string::npos) << error;
}

TEST_F(Plugin, MissingLibraryListsWhereItWasLookedFor) {
  const std::string error = load_error("{plugin: libnone.so, policy: rotate}");
  EXPECT_NE(error.find(":3:19: routing.plugin: cannot find routing plug-in 'libnone.so' (tried: " +
                       (dir_ / "libnone.so").string()),
            std::string::npos)
      << error;
}

TEST_F(Plugin, FileThatIsNoLibraryGivesTheLoadersReason) {
  std::ofstream(dir_ / "libtext.so") << std::string(200, '#') << "\n";  // longer than an ELF header
  const std::string error = load_error("{plugin: libtext.so, policy: rotate}");
  EXPECT_NE(error.find(":3:19: routing.plugin: routing plug-in " + (dir_ / "libtext.so").string() +
                       ": cannot load it: "),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("invalid ELF header"), std::string::npos) << error;
}

TEST(PluginLoader, LibraryWithoutEntryPointIsRefusedByTheSymbolName) {
  try {
    routing::plugin_policies(FABRICSIM_FIXTURE_NO_ENTRY_POINT);
    FAIL() << "loaded";
  } catch (const routing::PluginError& e) {
    EXPECT_EQ(std::string(e.what()),
              std::string("routing plug-in ") + FABRICSIM_FIXTURE_NO_ENTRY_POINT +
                  ": no entry point 'fabricsim_routing_plugin' (a plug-in defines it with "
                  "FABRICSIM_ROUTING_PLUGIN from routing/plugin.hpp)");
  }
}

TEST(PluginLoader, OtherAbiVersionIsRefusedNamingBoth) {
  try {
    routing::plugin_policies(FABRICSIM_FIXTURE_WRONG_ABI);
    FAIL() << "loaded";
  } catch (const routing::PluginError& e) {
    const std::string ours = std::to_string(routing::kPluginAbiVersion);
    const std::string theirs = std::to_string(routing::kPluginAbiVersion + 1);
    EXPECT_EQ(std::string(e.what()), std::string("routing plug-in ") + FABRICSIM_FIXTURE_WRONG_ABI +
                                         ": built for plug-in ABI version " + theirs +
                                         ", this fabricsim has version " + ours +
                                         "; rebuild the plug-in against this fabricsim's headers");
  }
}

TEST(PluginLoader, PolicyNamedLikeABuiltInIsRefused) {
  try {
    routing::plugin_policies(FABRICSIM_FIXTURE_BUILTIN_NAME);
    FAIL() << "loaded";
  } catch (const routing::PluginError& e) {
    EXPECT_NE(std::string(e.what()).find(": policy 'ecmp' has the name of a built-in policy; "
                                         "rename it (built-in: ecmp, spray"),
              std::string::npos)
        << e.what();
  }
}

TEST(PluginLoader, SameLibraryLoadsOnceAndMakePolicyFindsItsPolicies) {
  const auto first = routing::plugin_policies(FABRICSIM_ROTATE_PLUGIN);
  const auto second = routing::plugin_policies(FABRICSIM_ROTATE_PLUGIN);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first.data(), second.data());
  EXPECT_EQ(first[0].name, "rotate");
  const std::unique_ptr<routing::Policy> rotate =
      routing::make_policy({.name = "rotate", .plugin = FABRICSIM_ROTATE_PLUGIN});
  EXPECT_FALSE(rotate->per_packet());
  try {
    routing::make_policy({.name = "rotat", .plugin = FABRICSIM_ROTATE_PLUGIN});
    FAIL() << "made";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("unknown routing policy 'rotat' (known: ecmp, "),
              std::string::npos)
        << e.what();
    EXPECT_TRUE(std::string(e.what()).ends_with(", rotate)")) << e.what();
  }
}

}  // namespace
}  // namespace fabricsim
