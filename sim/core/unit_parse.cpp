#include "core/unit_parse.hpp"

#include <array>
#include <cctype>
#include <cstdint>
#include <utility>

#include "core/limits.hpp"

namespace fabricsim::core {
namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t multiplier;  // in the base unit (ps, bytes, bps)
};

constexpr std::array<Unit, 5> kTimeUnits{
    {{"ps", 1}, {"ns", 1'000}, {"us", 1'000'000}, {"ms", 1'000'000'000}, {"s", 1'000'000'000'000}}};
constexpr std::array<Unit, 9> kByteUnits{{{"B", 1},
                                          {"KB", 1'000},
                                          {"MB", 1'000'000},
                                          {"GB", 1'000'000'000},
                                          {"TB", 1'000'000'000'000},
                                          {"KiB", std::int64_t{1} << 10},
                                          {"MiB", std::int64_t{1} << 20},
                                          {"GiB", std::int64_t{1} << 30},
                                          {"TiB", std::int64_t{1} << 40}}};
constexpr std::array<Unit, 5> kRateUnits{{{"bps", 1},
                                          {"Kbps", 1'000},
                                          {"Mbps", 1'000'000},
                                          {"Gbps", 1'000'000'000},
                                          {"Tbps", 1'000'000'000'000}}};

template <std::size_t N>
std::string unit_list(const std::array<Unit, N>& units) {
  std::string out;
  for (const Unit& u : units) {
    if (!out.empty()) out += ", ";
    out += u.suffix;
  }
  return out;
}

constexpr int128 kInt128Max = static_cast<int128>(~uint128{0} >> 1);

/// A decimal number split exactly: value = digits / 10^fraction_digits.
struct Decimal {
  int128 digits = 0;
  int fraction_digits = 0;
};

template <std::size_t N>
[[noreturn]] void fail(std::string_view text, std::string_view what,
                       const std::array<Unit, N>& units) {
  throw UnitError("'" + std::string(text) + "' is not a valid " + std::string(what) +
                  " (write a number followed by one of: " + unit_list(units) + ")");
}

/// Parses "<number><unit>" and returns the value in the base unit times 10^fraction_digits,
/// and that power of ten. At most kMaxInputDigits digits, so 10^fraction_digits fits 128 bits;
/// the product with the unit is checked, so nothing can wrap or divide by zero.
template <std::size_t N>
std::pair<int128, int128> parse_scaled(std::string_view text, std::string_view what,
                                       const std::array<Unit, N>& units) {
  std::size_t i = 0;
  Decimal d;
  int digit_count = 0;
  bool seen_point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      if (++digit_count > kMaxInputDigits) {
        throw UnitError("'" + std::string(text) + "' has more than " +
                        std::to_string(kMaxInputDigits) + " digits");
      }
      d.digits = d.digits * 10 + (c - '0');
      if (seen_point) ++d.fraction_digits;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  std::string_view suffix = text.substr(i);
  while (!suffix.empty() && suffix.front() == ' ') suffix.remove_prefix(1);
  if (digit_count == 0) fail(text, what, units);
  // Trailing fraction zeros change nothing: drop them, so "1.000...0MiB" cannot overflow.
  while (d.fraction_digits > 0 && d.digits % 10 == 0) {
    d.digits /= 10;
    --d.fraction_digits;
  }
  for (const Unit& u : units) {
    if (suffix == u.suffix) {
      int128 scale = 1;
      for (int k = 0; k < d.fraction_digits; ++k) scale *= 10;
      int128 scaled = 0;
      // An overflow is past every limit: saturate, and the range check reports it.
      if (__builtin_mul_overflow(d.digits, int128{u.multiplier}, &scaled)) return {kInt128Max, 1};
      return {scaled, scale};
    }
  }
  if (suffix.empty()) {
    throw UnitError("'" + std::string(text) + "' has no unit; a " + std::string(what) +
                    " needs one of: " + unit_list(units));
  }
  fail(text, what, units);
}

/// `v` when it is at most `max`; else the error names the largest valid value.
std::int64_t in_range(int128 v, std::int64_t max, std::string_view text, std::string_view what,
                      const std::string& max_text) {
  if (v > max) {
    throw UnitError("'" + std::string(text) + "' is too large for a " + std::string(what) +
                    " (valid: 0.." + max_text + ")");
  }
  return static_cast<std::int64_t>(v);
}

template <std::size_t N>
std::string format_exact(std::int64_t v, const std::array<Unit, N>& units) {
  const Unit* best = &units[0];
  for (const Unit& u : units) {
    if (v != 0 && v % u.multiplier == 0 && u.multiplier > best->multiplier) best = &u;
  }
  return std::to_string(v / best->multiplier) + std::string(best->suffix);
}

}  // namespace

Time parse_time(std::string_view text) {
  const auto [scaled, scale] = parse_scaled(text, "time", kTimeUnits);
  return Time::ps(in_range((scaled + scale / 2) / scale, kMaxInputTime.ps(), text, "time",
                           format_time(kMaxInputTime)));
}

Bytes parse_bytes(std::string_view text) {
  const auto [scaled, scale] = parse_scaled(text, "size", kByteUnits);
  if (scaled % scale != 0) {
    throw UnitError("'" + std::string(text) + "' is not a whole number of bytes");
  }
  return Bytes(
      in_range(scaled / scale, kMaxInputBytes.count(), text, "size", format_bytes(kMaxInputBytes)));
}

Bitrate parse_bitrate(std::string_view text) {
  const auto [scaled, scale] = parse_scaled(text, "rate", kRateUnits);
  if (scaled % scale != 0) {
    throw UnitError("'" + std::string(text) + "' is not a whole number of bits per second");
  }
  return Bitrate(
      in_range(scaled / scale, kMaxInputRate.bps(), text, "rate", format_bitrate(kMaxInputRate)));
}

std::string format_time(Time t) { return format_exact(t.ps(), kTimeUnits); }

std::string format_bytes(Bytes b) {
  // Prefer binary units when they are exact (1MiB), else decimal ones (64KB), else bytes.
  const std::int64_t v = b.count();
  for (std::size_t k = kByteUnits.size(); k-- > 5;) {
    if (v != 0 && v % kByteUnits[k].multiplier == 0) {
      return std::to_string(v / kByteUnits[k].multiplier) + std::string(kByteUnits[k].suffix);
    }
  }
  return format_exact(v, std::array<Unit, 5>{kByteUnits[0], kByteUnits[1], kByteUnits[2],
                                             kByteUnits[3], kByteUnits[4]});
}

std::string format_bitrate(Bitrate r) { return format_exact(r.bps(), kRateUnits); }

std::string format_count(std::uint64_t v) {
  const std::string digits = std::to_string(v);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace fabricsim::core
