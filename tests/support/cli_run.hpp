#pragma once
// Runs the fabricsim binary for end-to-end tests and tells a signal from an exit.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace fabricsim::test_support {

struct CliOutcome {
  int exit_code = -1;  // -1 when the process died by a signal
  int signal = 0;      // the signal that killed it, or 0
  std::string output;  // stdout and stderr together
};

/// Runs `fabricsim ARGS` through the shell (ARGS is shell text) and collects its output;
/// `launcher` (shell text: "VAR=value", "mpirun -np 2") goes before the binary.
inline CliOutcome run_fabricsim(const std::string& args, const std::string& launcher = "") {
  const std::string command = launcher + " " + std::string(FABRICSIM_BINARY) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  CliOutcome out;
  char buf[4096];
  for (std::size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) out.output.append(buf, n);
  const int status = pclose(pipe);
  if (WIFEXITED(status)) {
    // The shell reports a child killed by signal S as exit 128 + S.
    out.exit_code = WEXITSTATUS(status);
    if (out.exit_code > 128) {
      out.signal = out.exit_code - 128;
      out.exit_code = -1;
    }
  } else if (WIFSIGNALED(status)) {
    out.signal = WTERMSIG(status);
  }
  return out;
}

/// Every regular file under `folder` with its bytes: compared before and after a run to show
/// the inputs were left unchanged and nothing was added.
inline std::map<std::string, std::string> snapshot(const std::filesystem::path& folder) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(folder)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    files[entry.path().string()] = bytes.str();
  }
  return files;
}

}  // namespace fabricsim::test_support
