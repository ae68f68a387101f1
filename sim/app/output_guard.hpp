#pragma once
#include <stdexcept>
#include <string>
#include <vector>

namespace fabricsim::app {

/// An output path the run must not write: exit 2 before any simulation.
class OutputRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Refuses `output` (and its temporary name `partial`) when either is, or resolves to
/// (symlink, hard link, `..`), one of `inputs`, or when `output` exists and is not a
/// regular file (folder, device node, fifo, socket). Throws OutputRefused.
void check_output(const std::string& output, const std::string& partial,
                  const std::vector<std::string>& inputs);

/// From now on SIGINT and SIGTERM remove `partial` and end the process with 130 / 143
/// (128 + the signal). Call once, before the run; the handler only unlinks and _exits.
void remove_on_signal(const std::string& partial);

}  // namespace fabricsim::app
