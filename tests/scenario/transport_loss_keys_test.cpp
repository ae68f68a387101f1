// The dctcp loss-recovery keys of `transport:` (reorder_window, tail_loss_probe): defaults,
// values, and the round trip through to_yaml. Their errors are fixtures in tests/scenarios/bad/.
#include <gtest/gtest.h>

#include <fstream>

#include "scenario/scenario.hpp"

namespace fabricsim::scenario {
namespace {

using namespace core::literals;

Scenario load_text(const std::string& name, const std::string& text) {
  const std::string path = testing::TempDir() + "fabricsim_transport_loss_" + name;
  std::ofstream(path) << text;
  return load(path);
}

TEST(TransportLossKeys, DefaultToAnAutoWindowAndProbesOn) {
  const Scenario s = load_text("default.yaml", "workload: [{kind: permutation}]\n");
  EXPECT_FALSE(s.transport.reorder_window.has_value());
  EXPECT_TRUE(s.transport.tail_loss_probe);
}

TEST(TransportLossKeys, ReadATimeOrAutoAndOnOrOff) {
  const Scenario set =
      load_text("set.yaml",
                "transport: {kind: dctcp, reorder_window: 4us, tail_loss_probe: off}\n"
                "workload: [{kind: permutation}]\n");
  EXPECT_EQ(set.transport.reorder_window, 4_us);
  EXPECT_FALSE(set.transport.tail_loss_probe);
  const Scenario zero = load_text("zero.yaml",
                                  "transport: {reorder_window: 0ns, tail_loss_probe: on}\n"
                                  "workload: [{kind: permutation}]\n");
  EXPECT_EQ(zero.transport.reorder_window, 0_ns);  // no tolerance: any overtaking is a loss
  EXPECT_TRUE(zero.transport.tail_loss_probe);
  const Scenario back = load_text("auto.yaml",
                                  "transport: {reorder_window: auto}\n"
                                  "workload: [{kind: permutation}]\n");
  EXPECT_FALSE(back.transport.reorder_window.has_value());
}

TEST(TransportLossKeys, SurviveTheRoundTripThroughToYaml) {
  for (const std::string value : {"auto", "2500ns"}) {
    const Scenario a = load_text("a.yaml", "transport: {reorder_window: " + value +
                                               ", tail_loss_probe: off}\n"
                                               "workload: [{kind: permutation}]\n");
    const Scenario b = load_text("b.yaml", to_yaml(a));
    EXPECT_EQ(a.transport, b.transport) << value;
  }
}

}  // namespace
}  // namespace fabricsim::scenario
