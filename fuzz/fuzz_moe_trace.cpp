// libFuzzer target: the MoE routing-trace reader (HDF5). The bytes are written to a file of
// this process's own and read back; a bad file must be refused with an exception.
//
// It fuzzes the decoding in this process (read_moe_trace_in_process), where libFuzzer sees the
// coverage; read_moe_trace runs the same decoding in a child, which would hide it. A crash
// inside libhdf5 is therefore still reported here, although fabricsim itself turns it into
// exit 2: fuzz/run.sh runs this target with -fork and -ignore_crashes and then replays each
// crash with FABRICSIM_FUZZ_ISOLATED=1, which reads through read_moe_trace (the child) and
// must not crash.
#include <cstdint>
#include <cstdlib>
#include <exception>

#include "fuzz_input.hpp"
#include "io/moe_trace_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool isolated = std::getenv("FABRICSIM_FUZZ_ISOLATED") != nullptr;
  const std::string path = fabricsim::fuzz::write_scratch("trace.h5", data, size);
  try {
    if (isolated) {
      fabricsim::io::read_moe_trace(path);
    } else {
      fabricsim::io::read_moe_trace_in_process(path);
    }
  } catch (const std::exception&) {
  }
  return 0;
}
