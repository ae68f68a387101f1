#pragma once
#include <string>

namespace fabricsim::app {

/// Why the result file `path` could not be created or replaced, or empty when it can: its
/// nearest existing folder must be a writable folder, and the path itself not a folder.
/// Checked without creating anything, so `validate` leaves no file behind.
std::string output_problem(const std::string& path);

}  // namespace fabricsim::app
