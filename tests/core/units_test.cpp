#include "core/units.hpp"

#include <gtest/gtest.h>

namespace fabricsim::core {
namespace {

using namespace literals;

TEST(Units, NamedConstructorsAndLiteralsAgree) {
  EXPECT_EQ(500_ns, Time::ps(500'000));
  EXPECT_EQ(2_us, Time::ns(2'000));
  EXPECT_EQ(Time::ms(1), Time::us(1'000));
  EXPECT_EQ(64_KiB, Bytes(65'536));
  EXPECT_EQ(400_Gbps, Bitrate(400'000'000'000));
  EXPECT_EQ((3_us - 500_ns).ps(), 2'500'000);
}

TEST(Units, BytesPerPicosecondOfALink) {
  // 400 Gb/s = 50 GB/s = 0.05 bytes per ps.
  EXPECT_DOUBLE_EQ((400_Gbps).bytes_per_ps(), 0.05);
}

TEST(SerializationTime, FourKibAt400GbpsIsExactly81920ps) {
  // 4096 B * 8 = 32768 bits; / 400e9 b/s = 81.92 ns = 81,920 ps with no remainder.
  EXPECT_EQ(serialization_time(4096_B, 400_Gbps), 81'920_ps);
  // 1500 B at 100 Gb/s: 12000 bits / 1e11 = 120 ns.
  EXPECT_EQ(serialization_time(1500_B, Bitrate::gbps(100)), 120_ns);
}

TEST(SerializationTime, RoundsUpToTheNextPicosecond) {
  // 1 B at 3 Gb/s: 8 / 3e9 s = 2666.67 ps -> 2667.
  EXPECT_EQ(serialization_time(1_B, Bitrate::gbps(3)), 2'667_ps);
  // 1 B at 400 Gb/s: 20 ps exactly; 3 B: 60 ps; 1 B at 300 Gb/s: 26.67 -> 27.
  EXPECT_EQ(serialization_time(1_B, 400_Gbps), 20_ps);
  EXPECT_EQ(serialization_time(1_B, Bitrate::gbps(300)), 27_ps);
  EXPECT_EQ(serialization_time(0_B, 400_Gbps), 0_ps);
}

TEST(SerializationTime, LargeSizesDoNotOverflowTheIntermediate) {
  // 1 TiB at 400 Gb/s: 2^40 * 8 * 1e12 / 4e11 = 2^43 * 2.5 = 21,990,232,555,520 ps; the
  // intermediate 8.8e27 does not fit in 64 bits.
  EXPECT_EQ(serialization_time(Bytes(std::int64_t{1} << 40), 400_Gbps),
            Time::ps(21'990'232'555'520));
}

}  // namespace
}  // namespace fabricsim::core
