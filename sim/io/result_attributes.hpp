#pragma once
#include <stdexcept>
#include <string>

namespace fabricsim::io {

/// A result file that cannot be opened or lacks a run attribute; the message names the file.
class ReadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The root attributes of a result file that tell how its run went (docs/results.md).
struct RunAttributes {
  std::string status;     // "complete" or "incomplete"
  std::string overrides;  // the --set overrides, one "key.path=value" per line
  double wall_seconds = 0;
};

/// Reads them from the result file at `path`. Throws ReadError.
RunAttributes read_run_attributes(const std::string& path);

}  // namespace fabricsim::io
