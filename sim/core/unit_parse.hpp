#pragma once
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/units.hpp"

namespace fabricsim::core {

/// Thrown when a value with a unit cannot be read; the message lists the accepted units.
class UnitError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// "500ns", "1.5us", "2ms", "1s", "250ps". The result is rounded to the nearest picosecond.
Time parse_time(std::string_view text);
/// "4096B", "64KB" (10^3), "1MiB" (2^20), "1.5GB". Fractional results must be whole bytes.
Bytes parse_bytes(std::string_view text);
/// "400Gbps", "100Mbps", "1.6Tbps", "10bps".
Bitrate parse_bitrate(std::string_view text);

/// Exact forms in the largest unit that divides the value ("81920ps", "500ns", "1MiB",
/// "400Gbps"); parsing them gives the same value back.
std::string format_time(Time t);
std::string format_bytes(Bytes b);
std::string format_bitrate(Bitrate r);
/// 50000000 -> "50,000,000", so counts and limits read at a glance.
std::string format_count(std::uint64_t v);

}  // namespace fabricsim::core
