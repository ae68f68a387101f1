#include "app/output_guard.hpp"

#include <signal.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace fabricsim::app {
namespace {

namespace fs = std::filesystem;

// The one piece of state a signal handler may read: the temporary file's name, copied in
// before the handler is installed and never changed after.
std::array<char, 4096> g_partial{};

extern "C" void remove_partial_and_exit(int signal_number) {
  if (g_partial[0] != '\0') ::unlink(g_partial.data());
  ::_exit(128 + signal_number);
}

std::string kind_of(fs::file_type type) {
  switch (type) {
    case fs::file_type::directory:
      return "a folder";
    case fs::file_type::block:
      return "a block device";
    case fs::file_type::character:
      return "a character device";
    case fs::file_type::fifo:
      return "a fifo";
    case fs::file_type::socket:
      return "a socket";
    default:
      return "not a regular file";
  }
}

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  return fs::equivalent(a, b, ec) && !ec;
}

}  // namespace

void check_output(const std::string& output, const std::string& partial,
                  const std::vector<std::string>& inputs) {
  const std::string refused = "refusing to write results to '" + output + "': ";
  std::error_code ec;
  const fs::file_status status = fs::status(output, ec);
  if (fs::exists(status) && !fs::is_regular_file(status)) {
    throw OutputRefused(refused + "it is " + kind_of(status.type()) +
                        "; name a regular file (existing ones are replaced)");
  }
  for (const std::string& input : inputs) {
    if (same_file(output, input) || same_file(partial, input)) {
      throw OutputRefused(refused + "it is an input of this run ('" + input +
                          "'); name another file");
    }
  }
}

void remove_on_signal(const std::string& partial) {
  if (partial.size() >= g_partial.size()) return;  // longer than any path the system opens
  std::memcpy(g_partial.data(), partial.c_str(), partial.size() + 1);
  struct sigaction action {};
  action.sa_handler = remove_partial_and_exit;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

}  // namespace fabricsim::app
