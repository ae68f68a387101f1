#include "core/unit_parse.hpp"

#include "core/limits.hpp"

#include <gtest/gtest.h>

#include <string>

namespace fabricsim::core {
namespace {

using namespace literals;

// The message of the UnitError thrown by `parse`, or "" when nothing was thrown.
template <typename Parse>
std::string error_of(Parse parse) {
  try {
    parse();
  } catch (const UnitError& e) {
    return e.what();
  }
  return "";
}

TEST(UnitParse, ReadsTimesInEveryUnit) {
  EXPECT_EQ(parse_time("250ps"), 250_ps);
  EXPECT_EQ(parse_time("500ns"), 500_ns);
  EXPECT_EQ(parse_time("1.5us"), Time::ps(1'500'000));
  EXPECT_EQ(parse_time("2ms"), Time::ms(2));
  EXPECT_EQ(parse_time("1s"), Time::ps(1'000'000'000'000));
  EXPECT_EQ(parse_time("0ns"), Time{});
}

TEST(UnitParse, TimeRoundsToNearestPicosecond) {
  // 1.0004 ns = 1000.4 ps -> 1000; 1.0005 ns = 1000.5 ps -> 1001 (halves round up).
  EXPECT_EQ(parse_time("1.0004ns"), 1000_ps);
  EXPECT_EQ(parse_time("1.0005ns"), 1001_ps);
  EXPECT_EQ(parse_time("0.4ps"), 0_ps);
}

TEST(UnitParse, ReadsDecimalAndBinarySizes) {
  EXPECT_EQ(parse_bytes("4096B"), 4096_B);
  EXPECT_EQ(parse_bytes("64KB"), Bytes(64'000));   // KB is 10^3
  EXPECT_EQ(parse_bytes("64KiB"), Bytes(65'536));  // KiB is 2^10
  EXPECT_EQ(parse_bytes("1MiB"), Bytes(1'048'576));
  EXPECT_EQ(parse_bytes("1.5GB"), Bytes(1'500'000'000));
  EXPECT_EQ(parse_bytes("0.5KiB"), Bytes(512));
}

TEST(UnitParse, FractionalBytesAreRejected) {
  EXPECT_THROW(parse_bytes("1.5B"), UnitError);
  EXPECT_THROW(parse_bytes("0.0001KB"), UnitError);  // 0.1 B
}

TEST(UnitParse, ReadsRates) {
  EXPECT_EQ(parse_bitrate("400Gbps"), 400_Gbps);
  EXPECT_EQ(parse_bitrate("100Mbps"), Bitrate(100'000'000));
  EXPECT_EQ(parse_bitrate("1.6Tbps"), Bitrate(1'600'000'000'000));
  EXPECT_EQ(parse_bitrate("10bps"), Bitrate(10));
}

TEST(UnitParse, TypoInUnitListsValidUnits) {
  const std::string msg = error_of([] { parse_bitrate("400Gbs"); });
  EXPECT_NE(msg.find("400Gbs"), std::string::npos) << msg;
  for (const char* unit : {"bps", "Kbps", "Mbps", "Gbps", "Tbps"}) {
    EXPECT_NE(msg.find(unit), std::string::npos) << "missing " << unit << " in: " << msg;
  }
  const std::string time_msg = error_of([] { parse_time("5nsec"); });
  for (const char* unit : {"ps", "ns", "us", "ms"}) {
    EXPECT_NE(time_msg.find(unit), std::string::npos) << time_msg;
  }
  const std::string size_msg = error_of([] { parse_bytes("1Mib"); });
  EXPECT_NE(size_msg.find("MiB"), std::string::npos) << size_msg;
}

TEST(UnitParse, MissingUnitIsAnErrorNamingTheUnits) {
  const std::string msg = error_of([] { parse_time("500"); });
  EXPECT_NE(msg.find("no unit"), std::string::npos) << msg;
  EXPECT_NE(msg.find("ns"), std::string::npos) << msg;
  EXPECT_THROW(parse_bitrate("400"), UnitError);
  EXPECT_THROW(parse_bytes("4096"), UnitError);
}

TEST(UnitParse, NegativeEmptyAndGarbageAreRejected) {
  EXPECT_THROW(parse_time("-5ns"), UnitError);
  EXPECT_THROW(parse_bytes("-1B"), UnitError);
  EXPECT_THROW(parse_bitrate("-400Gbps"), UnitError);
  EXPECT_THROW(parse_time(""), UnitError);
  EXPECT_THROW(parse_time("ns"), UnitError);
  EXPECT_THROW(parse_time("1.2.3ns"), UnitError);
}

TEST(UnitParse, OverflowIsAnErrorNotAWrap) {
  // 10^11 s = 10^23 ps, far beyond int64's 9.2e18.
  EXPECT_THROW(parse_time("100000000000s"), UnitError);
  EXPECT_THROW(parse_bytes("99999999999TiB"), UnitError);
}

TEST(UnitParse, LimitsAreInclusiveAndTheErrorGivesTheRange) {
  // core/limits.hpp: 10^6 s, 1 PiB, 1 Pbps are the largest values; one more is refused.
  EXPECT_EQ(parse_time("1000000s"), kMaxInputTime);
  EXPECT_EQ(parse_bytes("1024TiB"), kMaxInputBytes);
  EXPECT_EQ(parse_bitrate("1000Tbps"), kMaxInputRate);
  EXPECT_EQ(error_of([] { parse_time("1000000000000000000001ps"); }),
            "'1000000000000000000001ps' is too large for a time (valid: 0..1000000s)");
  EXPECT_EQ(error_of([] { parse_bytes("1125899906842625B"); }),
            "'1125899906842625B' is too large for a size (valid: 0..1024TiB)");
  EXPECT_EQ(error_of([] { parse_bitrate("1000000000000001bps"); }),
            "'1000000000000001bps' is too large for a rate (valid: 0..1000Tbps)");
}

TEST(UnitParse, ManyDigitsAreAnErrorNeverADivisionByZero) {
  // 128 fraction digits made 10^128, which wraps 128 bits to 0 and then divided by it.
  const std::string tiny = "0." + std::string(127, '0') + "1B";
  EXPECT_THROW(parse_bytes(tiny), UnitError);
  EXPECT_THROW(parse_time("0." + std::string(40, '0') + "1s"), UnitError);
  EXPECT_THROW(parse_bytes("1" + std::string(36, '0') + "B"), UnitError);  // 37 digits
  // Trailing fraction zeros count toward the 36 digits but not toward the value.
  EXPECT_EQ(parse_bytes("1." + std::string(35, '0') + "MiB"), Bytes(1 << 20));
  // 27 digits of TiB pass 128 bits; the product saturates and is refused, not wrapped.
  EXPECT_THROW(parse_bytes("123456789012345678901234567TiB"), UnitError);
}

TEST(UnitFormat, PicksTheLargestExactUnit) {
  EXPECT_EQ(format_time(500_ns), "500ns");
  EXPECT_EQ(format_time(Time::us(3)), "3us");
  EXPECT_EQ(format_bitrate(400_Gbps), "400Gbps");
  EXPECT_EQ(format_bytes(1_MiB), "1MiB");
  EXPECT_EQ(format_bytes(Bytes(64'000)), "64KB");
}

TEST(UnitFormat, ParsingTheFormattedValueGivesItBack) {
  for (const std::int64_t ps : {0LL, 1LL, 999LL, 81'920LL, 1'500'000LL, 7'000'000'000'000LL}) {
    EXPECT_EQ(parse_time(format_time(Time::ps(ps))), Time::ps(ps)) << format_time(Time::ps(ps));
  }
  for (const std::int64_t n :
       {0LL, 1LL, 1500LL, 4096LL, 64'000LL, 1LL << 20, 3LL << 30, 1'234'567LL}) {
    EXPECT_EQ(parse_bytes(format_bytes(Bytes(n))), Bytes(n)) << format_bytes(Bytes(n));
  }
  for (const std::int64_t bps :
       {1LL, 1'000LL, 25'000'000'000LL, 400'000'000'000LL, 1'600'000'000'000LL}) {
    EXPECT_EQ(parse_bitrate(format_bitrate(Bitrate(bps))), Bitrate(bps))
        << format_bitrate(Bitrate(bps));
  }
}

}  // namespace
}  // namespace fabricsim::core
