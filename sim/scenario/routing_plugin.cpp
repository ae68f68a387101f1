// The scenario's side of routing plug-ins and policy params (docs/routing.md, "Writing a
// plug-in"): the library is resolved like any input file and loaded here, so that its policy
// names and its params are checked before a run.
#include "core/rng.hpp"
#include "routing/plugin_loader.hpp"
#include "scenario/read.hpp"

namespace fabricsim::scenario {

std::string read_routing_plugin(const Tree& value, Keys& policy_names) {
  const std::string path = resolve_input_file(value, "routing.plugin", "routing plug-in");
  try {
    for (const routing::PolicyInfo& info : routing::plugin_policies(path)) {
      policy_names.emplace_back(info.name);
    }
  } catch (const routing::PluginError& e) {
    fail(value.where(), "routing.plugin", e.what());
  }
  return path;
}

std::vector<routing::ParamValue> read_routing_params(const Tree& map) {
  if (!map.is_map()) {
    fail(map.where(), "routing.params",
         "expected a map of the policy's parameters ({key: value, ...}), got " + describe(map));
  }
  std::vector<routing::ParamValue> out;
  for (const Tree& item : map.items) {
    const std::string path = child("routing.params", item.key);
    // Errors point at the key, as for the scenario's own keys (at --set, the argument).
    const Origin& where = item.origin.from_override() ? item.origin : item.key_origin;
    out.push_back(
        {item.key, scalar(item, path, "a single value (a number, a word, a time)"), where.str()});
  }
  return out;
}

void check_policy_params(const Scenario& scenario) {
  try {
    routing::make_policy(policy_params(scenario));
  } catch (const std::invalid_argument& e) {
    throw ScenarioError(e.what());
  }
}

routing::PolicyParams policy_params(const Scenario& s) {
  return {.name = s.routing.policy,
          .subflows = s.routing.subflows,
          .salt = core::mix64(s.seed ^ core::hash_name("routing.salt")),
          .flowlet_gap = s.routing.flowlet_gap,
          .fallback = s.routing.fallback,
          .plugin = s.routing.plugin,
          .params = routing::ParamSet(s.routing.params),
          .entropies = s.routing.entropies};
}

}  // namespace fabricsim::scenario
