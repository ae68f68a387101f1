// libFuzzer target: the MoE routing-trace reader (HDF5). The bytes are written to a file of
// this process's own and read back; a bad file must be refused with an exception.
#include <cstdint>
#include <exception>

#include "fuzz_input.hpp"
#include "io/moe_trace.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = fabricsim::fuzz::write_scratch("trace.h5", data, size);
  try {
    fabricsim::io::read_moe_trace(path);
  } catch (const std::exception&) {
  }
  return 0;
}
