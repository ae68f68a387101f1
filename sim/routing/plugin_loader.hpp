#pragma once
#include <span>
#include <stdexcept>
#include <string>

#include "routing/policy.hpp"

namespace fabricsim::routing {

/// A plug-in that cannot be used: the message says why (the loader's own words for a file
/// that does not load, the entry point it lacks, both ABI versions, a colliding name).
class PluginError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// The policies of the plug-in library at `path` (routing/plugin.hpp). The library is loaded
/// on the first call for its path and stays loaded for the rest of the process, so the rows
/// and the policies they make stay valid. Throws PluginError.
std::span<const PolicyInfo> plugin_policies(const std::string& path);

}  // namespace fabricsim::routing
