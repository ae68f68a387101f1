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

/// Reads an MoE routing trace (HDF5; layout in docs/traces.md). Throws TraceError.
traffic::MoeTrace read_moe_trace(const std::string& path);

}  // namespace fabricsim::io
