#pragma once
#include <string>
#include <vector>

namespace fabricsim::app {

/// `fabricsim report RESULT.h5 -o REPORT.html`: replaces this process with Python running the
/// analysis package's report module (fabricsim_analysis/report.py) on `args` (the words after
/// `report`), so its exit code is the command's: 0 written, 2 bad input, 1 failed. The
/// interpreter is $FABRICSIM_PYTHON (default /usr/bin/python3); the package is the copy
/// installed beside the binary (`cmake --install`) if there is one, else the source tree's
/// analysis/, prepended to PYTHONPATH. Returns 2, with a message, when neither the package
/// nor the interpreter can be found.
int run_report(const std::vector<std::string>& args);

}  // namespace fabricsim::app
