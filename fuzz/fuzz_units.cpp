// libFuzzer target: the unit parser. Any text may be refused with UnitError; what is
// accepted must format to a text that parses back to the same value.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/unit_parse.hpp"

namespace {

template <class Parse, class Format>
void round_trip(std::string_view text, Parse parse, Format format) {
  try {
    const auto value = parse(text);
    if (parse(format(value)) != value) std::abort();
  } catch (const fabricsim::core::UnitError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace core = fabricsim::core;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  round_trip(text, core::parse_time, core::format_time);
  round_trip(text, core::parse_bytes, core::format_bytes);
  round_trip(text, core::parse_bitrate, core::format_bitrate);
  return 0;
}
