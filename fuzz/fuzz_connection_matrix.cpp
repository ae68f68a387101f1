// libFuzzer target: the htsim connection-matrix reader. Malformed text must be refused
// with an exception, never a signal.
#include <cstdint>
#include <exception>
#include <sstream>
#include <string>

#include "traffic/replay.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  try {
    fabricsim::traffic::parse_connection_matrix(in, "fuzz.cm");
  } catch (const std::exception&) {
  }
  return 0;
}
