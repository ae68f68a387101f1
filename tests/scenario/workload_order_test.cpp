// `order:` (all_to_all, collectives, moe) and `dispatch:` (moe): defaults, reading, and
// writing back through to_yaml. Bad values are fixtures in tests/scenarios/bad/.
#include <gtest/gtest.h>

#include <fstream>

#include "scenario/scenario.hpp"

namespace fabricsim::scenario {
namespace {

const std::string kFull = std::string(FABRICSIM_SOURCE_DIR) + "/tests/scenarios/good/full.yaml";
const std::string kTiny = std::string(FABRICSIM_SOURCE_DIR) + "/tests/scenarios/good/tiny.yaml";

Scenario round_trip(const Scenario& s, const std::string& name) {
  const std::string path = testing::TempDir() + "fabricsim_order_" + name + ".yaml";
  std::ofstream(path) << to_yaml(s);
  return load(path);
}

TEST(WorkloadOrder, DefaultsAreStaggeredAndOneCopyPerGpu) {
  // full.yaml sets neither key: workload 1 is an all_to_all, workload 2 a moe.
  const Scenario s = load(kFull);
  EXPECT_EQ(std::get<traffic::AllToAllSpec>(s.workloads[1]).order, traffic::SendOrder::staggered);
  const auto& moe = std::get<traffic::MoeSpec>(s.workloads[2]);
  EXPECT_EQ(moe.order, traffic::SendOrder::staggered);
  EXPECT_EQ(moe.dispatch, traffic::Dispatch::per_gpu);
  const std::string yaml = to_yaml(s);
  EXPECT_NE(yaml.find("order: staggered"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("dispatch: per_gpu"), std::string::npos) << yaml;
}

TEST(WorkloadOrder, SetValuesAreReadAndWrittenBack) {
  const Scenario s = load(kFull, {"workload.1.order=synchronized", "workload.2.order=synchronized",
                                  "workload.2.dispatch=per_expert"});
  EXPECT_EQ(std::get<traffic::AllToAllSpec>(s.workloads[1]).order,
            traffic::SendOrder::synchronized);
  const auto& moe = std::get<traffic::MoeSpec>(s.workloads[2]);
  EXPECT_EQ(moe.order, traffic::SendOrder::synchronized);
  EXPECT_EQ(moe.dispatch, traffic::Dispatch::per_expert);
  const Scenario back = round_trip(s, "full");
  ASSERT_EQ(back.workloads.size(), s.workloads.size());
  for (std::size_t i = 0; i < s.workloads.size(); ++i)
    EXPECT_TRUE(back.workloads[i] == s.workloads[i]) << i;
  EXPECT_NE(to_yaml(s).find("dispatch: per_expert"), std::string::npos);
}

TEST(WorkloadOrder, CollectivesTakeTheOrderToo) {
  const Scenario s =
      load(kTiny, {"workload.0={kind: all_gather, algorithm: direct, order: synchronized}"});
  const auto& spec = std::get<traffic::CollectiveSpec>(s.workloads[0]);
  EXPECT_EQ(spec.order, traffic::SendOrder::synchronized);
  EXPECT_TRUE(round_trip(s, "tiny").workloads[0] == s.workloads[0]);
  EXPECT_NE(to_yaml(s).find("order: synchronized"), std::string::npos);
}

}  // namespace
}  // namespace fabricsim::scenario
