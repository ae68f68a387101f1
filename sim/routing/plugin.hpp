#pragma once
// The interface of a routing plug-in: a shared library that adds policies to fabricsim's
// built-in ones (docs/routing.md, "Writing a plug-in"). A plug-in includes this header,
// defines its policies (classes derived from routing::Policy) and declares them with
// FABRICSIM_ROUTING_PLUGIN; a scenario then names the library and one of its policies:
//   routing: {plugin: libmine.so, policy: mine, params: {alpha: 0.5}}
#include <cstddef>
#include <cstdint>

#include "routing/policy.hpp"

namespace fabricsim::routing {

/// The version of the interface between fabricsim and its plug-ins: Policy and everything it
/// hands a policy (this header, policy.hpp, params.hpp and the headers they include). It is
/// bumped whenever any of them changes in a way that needs plug-ins rebuilt (a virtual
/// added, removed or changed, a struct's layout); fabricsim refuses a plug-in built for
/// another version.
inline constexpr std::uint32_t kPluginAbiVersion = 2;  // 2: routing feedback (on_feedback)

/// What a plug-in's entry point returns. `abi_version` is the first member in every version,
/// so that fabricsim can read it before it trusts the rest.
struct PluginDescriptor {
  std::uint32_t abi_version;   // kPluginAbiVersion as the plug-in was compiled
  const PolicyInfo* policies;  // rows like the built-in table's: name, one-line help, factory
  std::size_t count;
};

/// The name of the entry point fabricsim looks up in a plug-in library.
inline constexpr const char* kPluginEntryPoint = "fabricsim_routing_plugin";

}  // namespace fabricsim::routing

/// The entry point: returns the plug-in's descriptor, valid as long as the library is loaded.
/// FABRICSIM_ROUTING_PLUGIN defines it; fabricsim calls it once, when it loads the library.
extern "C" const fabricsim::routing::PluginDescriptor* fabricsim_routing_plugin();

/// Defines the entry point of a plug-in whose policies are the PolicyInfo rows given, e.g.
///   FABRICSIM_ROUTING_PLUGIN({"mine", "one-line help", &make_mine})
/// Use it once per library, at namespace scope.
#define FABRICSIM_ROUTING_PLUGIN(...)                                                           \
  extern "C" __attribute__((visibility("default"))) const fabricsim::routing::PluginDescriptor* \
  fabricsim_routing_plugin() {                                                                  \
    static const fabricsim::routing::PolicyInfo rows[] = {__VA_ARGS__};                         \
    static const fabricsim::routing::PluginDescriptor descriptor{                               \
        fabricsim::routing::kPluginAbiVersion, rows, sizeof rows / sizeof rows[0]};             \
    return &descriptor;                                                                         \
  }
