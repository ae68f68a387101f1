#pragma once
#include <cstdint>
#include <limits>
#include <optional>

#include "core/units.hpp"

namespace fabricsim::core {

/// The largest values any input (YAML, --set, a connection matrix, a trace) may give. They are
/// chosen so every product the simulator forms from them stays exact: bytes x 8 x 10^12
/// (serialization) fits 128 bits, and start times plus a run's length fit the int64 clock.
inline constexpr Time kMaxInputTime = Time::ps(1'000'000'000'000'000'000);  // 10^6 s, ~11.6 days
inline constexpr Bytes kMaxInputBytes{std::int64_t{1} << 50};               // 1 PiB
inline constexpr Bitrate kMaxInputRate{1'000'000'000'000'000};              // 1 Pbps
/// Digits a number with a unit may have in all ("0.000...1B" with 200 zeros is refused).
inline constexpr int kMaxInputDigits = 36;
/// Simulated time a run may need: half the int64 picosecond range (~53 days), so adding any
/// latency or timer to an event time cannot wrap.
inline constexpr Time kMaxSimulatedTime = Time::ps(std::int64_t{1} << 62);

/// a x b, or nothing when the product does not fit in 64 bits.
constexpr std::optional<std::uint64_t> checked_mul(std::uint64_t a, std::uint64_t b) {
  std::uint64_t out = 0;
  if (__builtin_mul_overflow(a, b, &out)) return std::nullopt;
  return out;
}

/// a + b, or nothing when the sum does not fit in 64 bits.
constexpr std::optional<std::uint64_t> checked_add(std::uint64_t a, std::uint64_t b) {
  std::uint64_t out = 0;
  if (__builtin_add_overflow(a, b, &out)) return std::nullopt;
  return out;
}

/// a x b, saturating at UINT64_MAX: for counts that are compared against a limit.
constexpr std::uint64_t saturating_mul(std::uint64_t a, std::uint64_t b) {
  return checked_mul(a, b).value_or(std::numeric_limits<std::uint64_t>::max());
}

/// a + b, saturating at UINT64_MAX.
constexpr std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
  return checked_add(a, b).value_or(std::numeric_limits<std::uint64_t>::max());
}

}  // namespace fabricsim::core
