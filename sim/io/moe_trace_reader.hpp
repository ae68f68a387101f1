#pragma once
#include <stdexcept>
#include <string>

#include "traffic/moe_trace.hpp"

namespace fabricsim::io {

/// A routing trace that cannot be read; the message names the file and what is wrong.
class TraceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Reads an MoE routing trace (HDF5; layout in docs/traces.md). Throws TraceError. The HDF5
/// part runs in a forked child process: a malformed file that crashes libhdf5 is refused with
/// "PATH: not a readable MoE routing trace (the HDF5 library failed on it: signal N ...)".
traffic::MoeTrace read_moe_trace(const std::string& path);

/// The same decoding and checks in this process, with no child: for the fuzz target (whose
/// coverage feedback a child would hide). A crash inside libhdf5 is not caught here.
traffic::MoeTrace read_moe_trace_in_process(const std::string& path);

}  // namespace fabricsim::io
