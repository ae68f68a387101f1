#include "metrics/summary.hpp"

#include <gtest/gtest.h>

namespace fabricsim::metrics {
namespace {

Results with_fcts(const std::vector<std::int64_t>& fcts) {
  Results r;
  for (std::uint32_t i = 0; i < fcts.size(); ++i) {
    r.flows.push_back({i, 0, 1, 100, 1000, 1000 + fcts[i], 0, i, 0});
    r.app_flows.push_back({i, 0, 1, 100, 1000, 1000 + fcts[i], 1, 0});
  }
  return r;
}

TEST(Summary, PercentilesUseNearestRank) {
  // FCTs 1..100 ps: nearest rank p50 = 50th value, p99 = 99th value.
  std::vector<std::int64_t> fcts;
  for (std::int64_t v = 100; v >= 1; --v) fcts.push_back(v);
  const Results r = with_fcts(fcts);
  EXPECT_EQ(fct_percentile_ps(r, 50), 50);
  EXPECT_EQ(fct_percentile_ps(r, 99), 99);
  EXPECT_EQ(fct_percentile_ps(r, 100), 100);
}

TEST(Summary, UnfinishedFlowsAreLeftOutOfPercentiles) {
  Results r = with_fcts({10, 20});
  r.flows[1].end_ps = -1;
  EXPECT_EQ(fct_percentile_ps(r, 99), 10);
  EXPECT_EQ(fct_percentile_ps(Results{}, 50), -1);
}

TEST(Summary, ManyStepsAreSummarizedByKindAndIteration) {
  // Two iterations of dispatch (2 us) + combine (4 us): iteration spans 0..6 us and 6..12 us.
  Results r;
  for (std::int32_t it = 0; it < 2; ++it) {
    const std::int64_t base = it * 6'000'000;
    for (int rep = 0; rep < 2; ++rep) {
      r.steps.push_back({0, 0, "dispatch", 0, it, base, base + 2'000'000});
      r.steps.push_back({0, 0, "combine", 0, it, base + 2'000'000, base + 6'000'000});
    }
  }
  const std::string text = format_summary(r);
  EXPECT_NE(text.find("combine x4 (mean 4.000 us)"), std::string::npos) << text;
  EXPECT_NE(text.find("dispatch x4 (mean 2.000 us)"), std::string::npos) << text;
  EXPECT_NE(text.find("iterations: 0: 6.000 us 1: 6.000 us"), std::string::npos) << text;
}

TEST(Summary, EachStepIsShownAgainstItsBound) {
  // 4,773,777,000 ps against a bound of 4,760,100,000 ps: 1.00287... -> "1.003x".
  Results r;
  r.steps = {{0, 0, "dispatch", 0, 0, 0, 4'773'777'000, 4'760'100'000, "host_downlink", 3},
             {1, 0, "combine", 0, 0, 4'773'777'000, -1, 2'000'000, "host_uplink", 3}};
  const std::string text = format_summary(r);
  EXPECT_NE(text.find("  step 0 (dispatch, workload 0): 4773.777 us (bound 4760.100 us, 1.003x)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  step 1 (combine, workload 0): unfinished (bound 2.000 us)\n"),
            std::string::npos)
      << text;
}

TEST(Summary, ManyStepsShowTheFirstAndLastTwoAndTheWorstAgainstItsBound) {
  // Ten 1 us steps with a 1 us bound, except step 5: 3 us, 3.000x.
  Results r;
  for (std::uint32_t i = 0; i < 10; ++i) {
    const std::int64_t start = i * 10'000'000;
    r.steps.push_back(
        {i, 0, "all_reduce", -1, 0, start, start + (i == 5 ? 3'000'000 : 1'000'000), 1'000'000});
  }
  const std::string text = format_summary(r);
  for (const char* line :
       {"  step 0 (all_reduce, workload 0): 1.000 us (bound 1.000 us, 1.000x)\n", "  step 1 (",
        "  ... 6 more steps ...\n", "  step 8 (", "  step 9 (",
        "  furthest above its bound:\n  step 5 (all_reduce, workload 0): 3.000 us "
        "(bound 1.000 us, 3.000x)\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
  EXPECT_EQ(text.find("  step 2 ("), std::string::npos) << text;
}

TEST(Summary, SplitRunsCountApplicationFlowsAndTheirSubflows) {
  // Two application flows, one split in three: 4 subflows. FCTs are per application flow:
  // 10 and 30 ps.
  Results r = with_fcts({10, 20, 30, 40});
  r.app_flows = {{0, 0, 1, 300, 1000, 1010, 3, 0}, {1, 0, 1, 100, 1000, 1030, 1, 0}};
  EXPECT_EQ(app_fct_percentile_ps(r, 50), 10);
  EXPECT_EQ(app_fct_percentile_ps(r, 99), 30);
  EXPECT_EQ(fct_percentile_ps(r, 99), 40);
  EXPECT_NE(format_summary(r).find("flows: 2 (4 subflows)"), std::string::npos)
      << format_summary(r);
  EXPECT_NE(format_summary(with_fcts({10})).find("flows: 1, "), std::string::npos);
}

TEST(Summary, PacketModelSumsRetransmitsReorderingDropsAndMarks) {
  Results r = with_fcts({10, 20});
  r.flows[0].retransmits = 3;
  r.flows[1].retransmits = 4;
  r.flows[1].reordered_packets = 5;
  r.links = {{.link_id = 0, .tx_bytes = 1, .busy_fraction = 0.5, .drops = 6, .ecn_marks = 8},
             {.link_id = 1, .tx_bytes = 1, .busy_fraction = 0.25, .drops = 1, .ecn_marks = 1}};
  r.info.model = "packet";
  const std::string line = "packets: 7 retransmitted, 5 reordered, 7 dropped, 9 ECN-marked\n";
  EXPECT_NE(format_summary(r).find(line), std::string::npos) << format_summary(r);
  r.info.model = "flow";
  EXPECT_EQ(format_summary(r).find("packets:"), std::string::npos) << format_summary(r);
}

TEST(Summary, ListsEveryWarningOnItsOwnLine) {
  Results r = with_fcts({10});
  r.info.warnings = "series stopped\nsomething else\n";
  const std::string text = format_summary(r);
  EXPECT_NE(text.find("\n  warning: series stopped\n  warning: something else\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(format_summary(with_fcts({10})).find("warning"), std::string::npos);
}

}  // namespace
}  // namespace fabricsim::metrics
