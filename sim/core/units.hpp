#pragma once
#include <compare>
#include <cstdint>
#include <limits>

namespace fabricsim::core {

// 128-bit integers for exact intermediate products (a GCC/Clang extension).
__extension__ using int128 = __int128;
__extension__ using uint128 = unsigned __int128;

/// Simulated time in integer picoseconds (signed, so differences work; ~106 days of range).
class Time {
 public:
  constexpr Time() = default;
  static constexpr Time ps(std::int64_t v) { return Time(v); }
  static constexpr Time ns(std::int64_t v) { return Time(v * 1000); }
  static constexpr Time us(std::int64_t v) { return Time(v * 1000 * 1000); }
  static constexpr Time ms(std::int64_t v) { return Time(v * 1000 * 1000 * 1000); }
  static constexpr Time max() { return Time(std::numeric_limits<std::int64_t>::max()); }

  constexpr std::int64_t ps() const { return ps_; }
  constexpr double seconds() const { return static_cast<double>(ps_) * 1e-12; }

  constexpr auto operator<=>(const Time&) const = default;
  constexpr Time operator+(Time o) const { return Time(ps_ + o.ps_); }
  constexpr Time operator-(Time o) const { return Time(ps_ - o.ps_); }
  constexpr Time& operator+=(Time o) {
    ps_ += o.ps_;
    return *this;
  }

 private:
  constexpr explicit Time(std::int64_t v) : ps_(v) {}
  std::int64_t ps_ = 0;
};

/// An amount of data in bytes.
class Bytes {
 public:
  constexpr Bytes() = default;
  constexpr explicit Bytes(std::int64_t v) : n_(v) {}
  constexpr std::int64_t count() const { return n_; }
  constexpr auto operator<=>(const Bytes&) const = default;
  constexpr Bytes operator+(Bytes o) const { return Bytes(n_ + o.n_); }
  constexpr Bytes operator-(Bytes o) const { return Bytes(n_ - o.n_); }
  constexpr Bytes& operator+=(Bytes o) {
    n_ += o.n_;
    return *this;
  }

 private:
  std::int64_t n_ = 0;
};

/// A link or flow rate in bits per second.
class Bitrate {
 public:
  constexpr Bitrate() = default;
  constexpr explicit Bitrate(std::int64_t bps) : bps_(bps) {}
  static constexpr Bitrate gbps(std::int64_t v) { return Bitrate(v * 1000 * 1000 * 1000); }
  constexpr std::int64_t bps() const { return bps_; }
  /// Bytes per picosecond, the unit the fluid model computes in.
  constexpr double bytes_per_ps() const { return static_cast<double>(bps_) / 8e12; }
  constexpr auto operator<=>(const Bitrate&) const = default;

 private:
  std::int64_t bps_ = 0;
};

/// Time to put `size` on a wire of rate `rate`, rounded up to the next picosecond.
/// A 128-bit intermediate keeps it exact: 4096 B at 400 Gb/s is 81,920 ps.
constexpr Time serialization_time(Bytes size, Bitrate rate) {
  const int128 bits_ps = static_cast<int128>(size.count()) * 8 * 1'000'000'000'000;
  const int128 bps = rate.bps();
  return Time::ps(static_cast<std::int64_t>((bits_ps + bps - 1) / bps));
}

namespace literals {
constexpr Time operator""_ps(unsigned long long v) {
  return Time::ps(static_cast<std::int64_t>(v));
}
constexpr Time operator""_ns(unsigned long long v) {
  return Time::ns(static_cast<std::int64_t>(v));
}
constexpr Time operator""_us(unsigned long long v) {
  return Time::us(static_cast<std::int64_t>(v));
}
constexpr Bytes operator""_B(unsigned long long v) { return Bytes(static_cast<std::int64_t>(v)); }
constexpr Bytes operator""_KiB(unsigned long long v) {
  return Bytes(static_cast<std::int64_t>(v) << 10);
}
constexpr Bytes operator""_MiB(unsigned long long v) {
  return Bytes(static_cast<std::int64_t>(v) << 20);
}
constexpr Bitrate operator""_Gbps(unsigned long long v) {
  return Bitrate::gbps(static_cast<std::int64_t>(v));
}
}  // namespace literals

}  // namespace fabricsim::core
