// ParamSet: a policy's own params (routing.params) read by name, with defaults, parse errors
// that name where the value was written, and keys no reader asked for refused.
#include "routing/params.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace fabricsim::routing {
namespace {

ParamSet params(std::vector<ParamValue> values) { return ParamSet(std::move(values)); }

std::string error_of(const auto& read) {
  try {
    read();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(Params, ReadersParseTheTextOrTakeTheDefault) {
  const ParamSet p = params({{"alpha", "0.25", "s.yaml:3:20"},
                             {"k", "16", "s.yaml:3:30"},
                             {"mode", "fast", "s.yaml:3:40"},
                             {"gap", "1.5us", "s.yaml:3:50"}});
  EXPECT_EQ(p.number("alpha", 1), 0.25);
  EXPECT_EQ(p.count("k", 1), 16u);
  EXPECT_EQ(p.text("mode", "slow"), "fast");
  EXPECT_EQ(p.time("gap", core::Time::ns(1)), core::Time::ps(1'500'000));
  EXPECT_EQ(p.number("beta", -2.5), -2.5);
  EXPECT_EQ(p.count("n", 7), 7u);
  EXPECT_EQ(p.text("name", "x"), "x");
  EXPECT_EQ(p.time("delay", core::Time::ns(3)), core::Time::ns(3));
  EXPECT_NO_THROW(p.check_all_read("mine"));
}

TEST(Params, BadValuesNameWhereTheyWereWrittenAndWhatWasExpected) {
  const ParamSet p = params({{"alpha", "0.5x", "s.yaml:3:20"},
                             {"k", "1.5", "s.yaml:4:20"},
                             {"gap", "5", "s.yaml:5:20"},
                             {"big", "18446744073709551616", "s.yaml:6:20"}});
  EXPECT_EQ(error_of([&] { p.number("alpha", 0); }),
            "s.yaml:3:20: routing.params.alpha: expected a number, got '0.5x'");
  EXPECT_EQ(error_of([&] { p.count("k", 0); }),
            "s.yaml:4:20: routing.params.k: expected a whole number >= 0 (at most "
            "18,446,744,073,709,551,615), got '1.5'");
  EXPECT_EQ(error_of([&] { p.count("big", 0); }),
            "s.yaml:6:20: routing.params.big: expected a whole number >= 0 (at most "
            "18,446,744,073,709,551,615), got '18446744073709551616'");
  const std::string gap = error_of([&] { p.time("gap", core::Time{}); });
  EXPECT_TRUE(gap.starts_with("s.yaml:5:20: routing.params.gap: ")) << gap;
  EXPECT_NE(gap.find("ns"), std::string::npos) << "lists the time units: " << gap;
}

TEST(Params, KeyNoReaderAskedForIsRefusedWithTheKeysRead) {
  const ParamSet p = params({{"offset", "1", "s.yaml:3:20"}, {"ofset", "2", "s.yaml:3:31"}});
  p.count("offset", 0);
  p.number("scale", 1);
  EXPECT_EQ(error_of([&] { p.check_all_read("mine"); }),
            "s.yaml:3:31: routing.params.ofset: policy 'mine' has no parameter 'ofset' (it "
            "reads: offset, scale)");
  EXPECT_EQ(error_of([&] {
              params({{"x", "1", "--set routing.params.x=1"}}).check_all_read("ecmp");
            }),
            "--set routing.params.x=1: routing.params.x: policy 'ecmp' has no parameter 'x' (it "
            "reads none)");
}

TEST(Params, CopiesShareTheRecordOfKeysRead) {
  // What replay does: its fallback policy reads the params from a copy.
  const ParamSet p = params({{"offset", "1", "s.yaml:3:20"}});
  const ParamSet copy = p;
  EXPECT_EQ(copy.count("offset", 0), 1u);
  EXPECT_NO_THROW(p.check_all_read("replay"));
}

}  // namespace
}  // namespace fabricsim::routing
