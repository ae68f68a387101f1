#include "routing/plugin_loader.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

#include "routing/plugin.hpp"

namespace fabricsim::routing {
namespace {

std::string names_of(std::span<const PolicyInfo> rows) {
  std::string out;
  for (const PolicyInfo& row : rows) out += (out.empty() ? "" : ", ") + std::string(row.name);
  return out;
}

struct Closer {
  void operator()(void* handle) const { dlclose(handle); }
};

/// Loads the library at `file` (an absolute name, as written: `path`) and checks its
/// descriptor and rows. The library stays loaded when they pass.
std::span<const PolicyInfo> load(const std::string& file, const std::string& path) {
  const std::string what = "routing plug-in " + path;
  std::unique_ptr<void, Closer> handle(dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL));
  if (handle == nullptr) throw PluginError(what + ": cannot load it: " + dlerror());
  using EntryPoint = const PluginDescriptor* (*)();
  const auto entry = reinterpret_cast<EntryPoint>(dlsym(handle.get(), kPluginEntryPoint));
  if (entry == nullptr) {
    throw PluginError(what + ": no entry point '" + kPluginEntryPoint +
                      "' (a plug-in defines it with FABRICSIM_ROUTING_PLUGIN from "
                      "routing/plugin.hpp)");
  }
  const PluginDescriptor* descriptor = entry();
  if (descriptor == nullptr) throw PluginError(what + ": its entry point returned no descriptor");
  if (descriptor->abi_version != kPluginAbiVersion) {
    throw PluginError(what + ": built for plug-in ABI version " +
                      std::to_string(descriptor->abi_version) + ", this fabricsim has version " +
                      std::to_string(kPluginAbiVersion) +
                      "; rebuild the plug-in against this fabricsim's headers");
  }
  const std::span<const PolicyInfo> rows(descriptor->policies, descriptor->count);
  if (rows.empty()) throw PluginError(what + ": declares no policy");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const PolicyInfo& row = rows[i];
    if (row.name.empty() || row.make == nullptr) {
      throw PluginError(what + ": policy row " + std::to_string(i) + " needs a name and a factory");
    }
    const std::string name(row.name);
    const auto builtins = policies();
    if (std::any_of(builtins.begin(), builtins.end(),
                    [&](const PolicyInfo& b) { return b.name == row.name; })) {
      throw PluginError(
          what + ": policy '" + name +
          "' has the name of a built-in policy; rename it (built-in: " + names_of(builtins) + ")");
    }
    if (std::any_of(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(i),
                    [&](const PolicyInfo& b) { return b.name == row.name; })) {
      throw PluginError(what + ": declares policy '" + name + "' twice");
    }
  }
  static_cast<void>(handle.release());  // stays loaded for the rest of the process
  return rows;
}

}  // namespace

std::span<const PolicyInfo> plugin_policies(const std::string& path) {
  static std::mutex mutex;
  static std::map<std::string, std::span<const PolicyInfo>> loaded;  // by absolute path
  const std::lock_guard lock(mutex);
  // An absolute name: dlopen would look a bare file name up in the system's library folders.
  const std::string file = std::filesystem::absolute(path).lexically_normal().string();
  if (const auto it = loaded.find(file); it != loaded.end()) return it->second;
  return loaded.emplace(file, load(file, path)).first->second;
}

}  // namespace fabricsim::routing
