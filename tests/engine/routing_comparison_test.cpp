// The spraying paper's comparison on its 256-GPU fabric (16 x 16 leaf-spine, 400 Gb/s,
// 500 ns; scenarios/routing/paper-256gpu.yaml), on both models: for an all-to-all and a
// halving-doubling all-reduce, planned splitting is no slower than spraying, which beats
// ECMP; a ring all-reduce, one flow per leaf crossing the spines, shows no difference.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "engine/simulation.hpp"
#include "scenario/scenario.hpp"

namespace fabricsim::engine {
namespace {

const std::string kScenario =
    std::string(FABRICSIM_SOURCE_DIR) + "/scenarios/routing/paper-256gpu.yaml";
const char* const kPolicies[] = {"planned", "ethereal", "spray", "ecmp"};

/// Completion time (last byte of the last step) of each policy, in ps.
std::map<std::string, std::int64_t> completion(const std::string& model,
                                               const std::vector<std::string>& workload) {
  std::map<std::string, std::int64_t> out;
  for (const char* policy : kPolicies) {
    std::vector<std::string> overrides = workload;
    overrides.push_back("model=" + model);
    overrides.push_back(std::string("routing.policy=") + policy);
    Simulation sim(scenario::load(kScenario, overrides));
    const metrics::Results r = sim.run();
    EXPECT_EQ(r.info.status, "complete") << policy;
    std::int64_t end = 0;
    for (const metrics::StepRecord& step : r.steps) end = std::max(end, step.end_ps);
    out[policy] = end;
  }
  return out;
}

std::string show(const std::map<std::string, std::int64_t>& times) {
  std::string out;
  for (const auto& [policy, ps] : times)
    out += policy + " " + std::to_string(static_cast<double>(ps) / 1e6) + " us; ";
  return out;
}

/// planned <= spray < ecmp, and ethereal (the host rule) beats ecmp too.
void expect_planned_spray_ecmp(const std::map<std::string, std::int64_t>& t) {
  EXPECT_LE(t.at("planned"), t.at("spray")) << show(t);
  EXPECT_LT(t.at("spray"), t.at("ecmp")) << show(t);
  EXPECT_LT(t.at("ethereal"), t.at("ecmp")) << show(t);
}

const std::vector<std::string> kAllToAll{};  // the scenario's: 16 KiB to every peer
const std::vector<std::string> kHalvingDoubling{
    "workload.0.kind=all_reduce", "workload.0.algorithm=halving_doubling", "workload.0.bytes=4MiB"};
const std::vector<std::string> kRing{"workload.0.kind=all_reduce", "workload.0.algorithm=ring",
                                     "workload.0.bytes=32MiB"};

TEST(RoutingComparison, AllToAllPlannedNoSlowerThanSprayFasterThanEcmpFlowModel) {
  expect_planned_spray_ecmp(completion("flow", kAllToAll));
}

TEST(RoutingComparison, AllToAllPlannedNoSlowerThanSprayFasterThanEcmpPacketModel) {
  expect_planned_spray_ecmp(completion("packet", kAllToAll));
}

TEST(RoutingComparison, HalvingDoublingPlannedNoSlowerThanSprayFasterThanEcmpFlowModel) {
  expect_planned_spray_ecmp(completion("flow", kHalvingDoubling));
}

TEST(RoutingComparison, HalvingDoublingPlannedNoSlowerThanSprayFasterThanEcmpPacketModel) {
  expect_planned_spray_ecmp(completion("packet", kHalvingDoubling));
}

/// Every policy within 2 % of the fastest.
void expect_no_difference(const std::map<std::string, std::int64_t>& t) {
  const auto [low, high] = std::minmax_element(
      t.begin(), t.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  EXPECT_LE(static_cast<double>(high->second), 1.02 * static_cast<double>(low->second)) << show(t);
}

TEST(RoutingComparison, RingAllReduceShowsNoDifferenceBetweenPoliciesFlowModel) {
  expect_no_difference(completion("flow", kRing));
}

TEST(RoutingComparison, RingAllReduceShowsNoDifferenceBetweenPoliciesPacketModel) {
  expect_no_difference(completion("packet", kRing));
}

}  // namespace
}  // namespace fabricsim::engine
