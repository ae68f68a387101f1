#include "app/report_command.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>

namespace fabricsim::app {
namespace {

namespace fs = std::filesystem;

constexpr int kBadInput = 2;
constexpr const char* kDefaultPython = "/usr/bin/python3";

// Imports the package (a clear message and exit 2 if it cannot: a dependency such as h5py
// missing) and hands the arguments to report.main.
constexpr const char* kBootstrap =
    "import sys\n"
    "try:\n"
    "    from fabricsim_analysis import report\n"
    "except ImportError as e:\n"
    "    print(f'fabricsim report: cannot import the analysis package with {sys.executable}: "
    "{e} (it needs python3-h5py, -pandas, -matplotlib; ./setup.sh installs them)', "
    "file=sys.stderr)\n"
    "    sys.exit(2)\n"
    "sys.exit(report.main(sys.argv[1:], prog='fabricsim report'))\n";

/// The folders that may hold fabricsim_analysis/, in the order they are tried.
std::vector<fs::path> package_candidates() {
  std::vector<fs::path> out;
  std::error_code error;
  const fs::path self = fs::read_symlink("/proc/self/exe", error);
  if (!error)
    out.push_back((self.parent_path() / FABRICSIM_ANALYSIS_FROM_BINDIR).lexically_normal());
  out.emplace_back(FABRICSIM_ANALYSIS_SOURCE_DIR);
  return out;
}

}  // namespace

int run_report(const std::vector<std::string>& args) {
  const std::vector<fs::path> candidates = package_candidates();
  fs::path package;
  for (const fs::path& folder : candidates) {
    if (fs::is_regular_file(folder / "fabricsim_analysis" / "report.py")) {
      package = folder;
      break;
    }
  }
  if (package.empty()) {
    std::cerr << "fabricsim report: the analysis package is missing: no "
                 "fabricsim_analysis/report.py in";
    for (const fs::path& folder : candidates) std::cerr << " " << folder.string();
    std::cerr << "\n";
    return kBadInput;
  }
  const char* old_path = std::getenv("PYTHONPATH");
  const std::string python_path =
      package.string() +
      (old_path != nullptr && *old_path != '\0' ? ":" + std::string(old_path) : "");
  setenv("PYTHONPATH", python_path.c_str(), 1);

  const char* from_env = std::getenv("FABRICSIM_PYTHON");
  const std::string python = from_env != nullptr && *from_env != '\0' ? from_env : kDefaultPython;
  std::vector<std::string> words = {python, "-c", kBootstrap};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  execvp(python.c_str(), argv.data());
  // Only reached when Python could not be started.
  std::cerr << "fabricsim report: cannot run Python '" << python << "' ("
            << (from_env != nullptr && *from_env != '\0' ? "FABRICSIM_PYTHON" : "the default")
            << "; set FABRICSIM_PYTHON to a python3 with h5py, pandas and matplotlib): "
            << std::strerror(errno) << "\n";
  return kBadInput;
}

}  // namespace fabricsim::app
