#pragma once
#include <string>
#include <vector>

namespace fabricsim::app {

/// The words of a command line as one line a POSIX shell reads back into the same words:
/// a word with anything but [A-Za-z0-9_@%+=:,./-] (or an empty one) is single-quoted, and
/// a quote inside it written '\''.
std::string shell_join(const std::vector<std::string>& words);

/// The current time in UTC, ISO-8601 to the second: "2026-11-24T19:37:47Z".
std::string utc_now_iso8601();

/// This machine's host name; empty if the system does not tell.
std::string host_name();

}  // namespace fabricsim::app
