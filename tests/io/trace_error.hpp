#pragma once
// The message a bad MoE routing trace is refused with, for the trace reader's tests.
#include <string>

#include "io/moe_trace_reader.hpp"

namespace fabricsim::io {

/// The TraceError message of reading `path`, or "" when it reads.
inline std::string trace_error_of(const std::string& path) {
  try {
    read_moe_trace(path);
  } catch (const TraceError& e) {
    return e.what();
  }
  return "";
}

}  // namespace fabricsim::io
