// The sweep file expanded into runs: product order, zips, seeds, and errors naming file:line.
#include "scenario/sweep_plan.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/scratch_dir.hpp"

namespace fabricsim::scenario {
namespace {

namespace fs = std::filesystem;

class SweepPlanTest : public ::testing::Test {
 protected:
  SweepPlanTest() { std::ofstream(dir_.path() / "base.yaml") << "name: base\n"; }

  /// Writes `text` as sweep.yaml next to base.yaml and returns its path.
  std::string sweep_file(const std::string& text) const {
    const fs::path path = dir_.path() / "sweep.yaml";
    std::ofstream(path) << text;
    return path.string();
  }

  /// The error load_sweep_plan throws for `text`, or "" when it throws none.
  std::string error_of(const std::string& text) const {
    try {
      load_sweep_plan(sweep_file(text), {});
    } catch (const SweepError& e) {
      return e.what();
    }
    return "";
  }

  static std::vector<std::string> labels(const SweepPlan& plan) {
    std::vector<std::string> out;
    for (const SweepRun& run : plan.runs) out.push_back(run.label());
    return out;
  }

  test_support::ScratchDir dir_{"sweep_plan"};
};

TEST_F(SweepPlanTest, CartesianProductVariesTheFirstAxisSlowest) {
  const SweepPlan plan =
      load_sweep_plan(sweep_file("scenario: base.yaml\n"
                                 "axes:\n"
                                 "  - {key: model, values: [flow, packet]}\n"
                                 "  - {key: routing.policy, values: [ecmp, spray, split]}\n"),
                      {});
  EXPECT_EQ(labels(plan),
            (std::vector<std::string>{
                "model=flow routing.policy=ecmp", "model=flow routing.policy=spray",
                "model=flow routing.policy=split", "model=packet routing.policy=ecmp",
                "model=packet routing.policy=spray", "model=packet routing.policy=split"}));
  for (std::size_t i = 0; i < plan.runs.size(); ++i) EXPECT_EQ(plan.runs[i].id, i);
  EXPECT_EQ(plan.scenario, (dir_.path() / "base.yaml").string());
}

TEST_F(SweepPlanTest, ZippedListsAdvanceTogetherAndSeedsAreInnermost) {
  const SweepPlan plan =
      load_sweep_plan(sweep_file("scenario: base.yaml\n"
                                 "axes:\n"
                                 "  - zip:\n"
                                 "      - {key: routing.policy, values: [ecmp, split]}\n"
                                 "      - {key: routing.subflows, values: [auto, 4]}\n"
                                 "seeds: 2\n"),
                      {});
  EXPECT_EQ(labels(plan),
            (std::vector<std::string>{"routing.policy=ecmp routing.subflows=auto seed=1",
                                      "routing.policy=ecmp routing.subflows=auto seed=2",
                                      "routing.policy=split routing.subflows=4 seed=1",
                                      "routing.policy=split routing.subflows=4 seed=2"}));
  EXPECT_EQ(plan.columns, (std::vector<std::string>{"routing.policy", "routing.subflows", "seed"}));
}

TEST_F(SweepPlanTest, SeedsTakeAListAndNoAxesMeansOneRun) {
  EXPECT_EQ(labels(load_sweep_plan(sweep_file("scenario: base.yaml\nseeds: [7, 3]\n"), {})),
            (std::vector<std::string>{"seed=7", "seed=3"}));
  const SweepPlan single = load_sweep_plan(sweep_file("scenario: base.yaml\n"), {});
  ASSERT_EQ(single.runs.size(), 1u);
  EXPECT_TRUE(single.runs[0].overrides.empty());
}

TEST_F(SweepPlanTest, FileSetThenCommandLineSetThenAxesThenSeed) {
  const SweepPlan plan = load_sweep_plan(sweep_file("scenario: base.yaml\n"
                                                    "set: {output.sample_interval: 0us}\n"
                                                    "axes: [{key: model, values: [flow]}]\n"
                                                    "seeds: 1\n"),
                                         {"routing.policy=spray", "output.sample_interval=5us"});
  ASSERT_EQ(plan.runs.size(), 1u);
  EXPECT_EQ(plan.runs[0].args(),
            (std::vector<std::string>{"output.sample_interval=0us", "routing.policy=spray",
                                      "output.sample_interval=5us", "model=flow", "seed=1"}));
  EXPECT_EQ(plan.runs[0].label(), "model=flow seed=1");
  EXPECT_EQ(plan.columns, (std::vector<std::string>{"output.sample_interval", "routing.policy",
                                                    "model", "seed"}));
}

TEST_F(SweepPlanTest, ListValuesBecomeFlowYaml) {
  const SweepPlan plan = load_sweep_plan(
      sweep_file("scenario: base.yaml\naxes: [{key: workload.0.sizes, values: [[1KiB, 2KiB]]}]\n"),
      {});
  EXPECT_EQ(plan.runs[0].label(), "workload.0.sizes=[1KiB, 2KiB]");
}

TEST_F(SweepPlanTest, UnknownKeysNameFileLineAndTheValidKeys) {
  const std::string file = (dir_.path() / "sweep.yaml").string();
  EXPECT_EQ(error_of("scenario: base.yaml\nsed: 2\n"),
            file + ":2:1: sed: unknown key (valid: scenario, set, axes, seeds)");
  EXPECT_EQ(error_of("scenario: base.yaml\naxes:\n  - {key: model, vals: [flow]}\n"),
            file + ":3:18: axes[0].vals: unknown key (valid: key, values)");
}

TEST_F(SweepPlanTest, ZipOfUnequalLengthsNamesTheShorterList) {
  const std::string file = (dir_.path() / "sweep.yaml").string();
  EXPECT_EQ(error_of("scenario: base.yaml\n"
                     "axes:\n"
                     "  - zip:\n"
                     "      - {key: routing.policy, values: [ecmp, split, split]}\n"
                     "      - {key: routing.subflows, values: [auto, 2]}\n"),
            file +
                ":5:9: routing.subflows: zipped lists must have equal lengths: 2 values here, 3 "
                "for routing.policy");
}

TEST_F(SweepPlanTest, EmptyValuesAndMissingScenarioAreRefused) {
  const std::string file = (dir_.path() / "sweep.yaml").string();
  EXPECT_EQ(error_of("scenario: base.yaml\naxes: [{key: model, values: []}]\n"),
            file + ":2:29: model: values: expected a non-empty list, e.g. [ecmp, spray]");
  EXPECT_EQ(error_of("scenario: base.yaml\naxes: [{key: model, values: [flow, ~]}]\n"),
            file + ":2:36: model: empty value (give the value, e.g. 2, ecmp or 10us)");
  EXPECT_EQ(error_of("seeds: 2\n"),
            file + ":1:1: scenario: missing: name the base scenario, relative to the sweep file");
  EXPECT_EQ(error_of("scenario: nowhere.yaml\n"),
            file + ":1:11: scenario: no such file: " + (dir_.path() / "nowhere.yaml").string() +
                " (relative to the sweep file's folder)");
  EXPECT_EQ(error_of("scenario: base.yaml\nseeds: 0\n"),
            file + ":2:8: seeds: expected a count N >= 1 (seeds 1..N) or a list of seeds");
}

TEST_F(SweepPlanTest, AKeyVariesAlongOneAxisOnly) {
  const std::string file = (dir_.path() / "sweep.yaml").string();
  EXPECT_EQ(error_of("scenario: base.yaml\n"
                     "set: {model: flow}\n"
                     "axes: [{key: model, values: [flow, packet]}]\n"),
            file + ":3:8: model: also fixed for every run (by `set` or --set); remove one of them");
  EXPECT_EQ(error_of("scenario: base.yaml\n"
                     "axes: [{key: seed, values: [1]}]\n"
                     "seeds: 2\n"),
            file + ":3:8: seed: already an axis; each key may vary along one axis only");
}

TEST_F(SweepPlanTest, MalformedCommandLineSetIsRefused) {
  EXPECT_THROW(load_sweep_plan(sweep_file("scenario: base.yaml\n"), {"model"}), SweepError);
}

}  // namespace
}  // namespace fabricsim::scenario
