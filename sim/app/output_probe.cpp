#include "app/output_probe.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace fabricsim::app {

std::string output_problem(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path file(path);
  if (fs::is_directory(file, ec)) return "'" + path + "' is a folder";
  // The writer creates missing folders: the first one that exists must let us do that.
  fs::path folder = file.parent_path();
  if (folder.empty()) folder = ".";
  while (!fs::exists(folder, ec)) {
    const fs::path up = folder.parent_path();
    if (up == folder) break;
    folder = up.empty() ? fs::path(".") : up;
  }
  if (!fs::is_directory(folder, ec)) return "'" + folder.string() + "' is not a folder";
  if (access(folder.c_str(), W_OK | X_OK) != 0) {
    return "cannot create files in folder '" + folder.string() + "' (" + std::strerror(errno) + ")";
  }
  return "";
}

}  // namespace fabricsim::app
