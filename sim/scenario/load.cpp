#include <algorithm>
#include <filesystem>
#include <variant>

#include "scenario/read.hpp"
#include "scenario/scenario.hpp"
#include "scenario/tree.hpp"
#include "scenario/validate.hpp"

namespace fabricsim::scenario {
namespace {

namespace fs = std::filesystem;

/// The places a relative `topology.file` may live, in the order they are tried: the
/// scenario file's folder, then the current folder.
std::vector<std::string> candidates(const std::string& name, const std::string& scenario_path) {
  const fs::path file(name);
  if (file.is_absolute()) return {file.lexically_normal().string()};
  std::vector<std::string> out;
  const fs::path folder = fs::path(scenario_path).parent_path();
  out.push_back((folder / file).lexically_normal().string());
  const std::string here = file.lexically_normal().string();
  if (here != out.front()) out.push_back(here);
  return out;
}

}  // namespace

std::string resolve_input_file(const Tree& value, const std::string& path, std::string_view what) {
  if (!value.is_scalar() || value.scalar.empty()) {
    fail(value.where(), path,
         "expected the name of " + std::string(what) + ", got " + describe(value));
  }
  const std::vector<std::string> tried = candidates(value.scalar, value.where().file);
  std::error_code ec;
  const auto found = std::find_if(tried.begin(), tried.end(),
                                  [&](const std::string& p) { return fs::is_regular_file(p, ec); });
  if (found != tried.end()) return *found;
  std::string list;
  for (const std::string& p : tried) list += (list.empty() ? "" : ", ") + p;
  fail(value.where(), path,
       "cannot find " + std::string(what) + " '" + value.scalar + "' (tried: " + list + ")");
}

namespace {

/// Replaces `topology.file` by the file's keys; keys written beside `file` (in the
/// scenario or through --set) win over the file's, recursively into host_link/fabric_link.
/// Returns the file's resolved path; "" when there is none.
std::string include_topology_file(Tree& topology) {
  if (!topology.is_map()) return "";  // validation reports the wrong type
  const auto file_it = std::find_if(topology.items.begin(), topology.items.end(),
                                    [](const Tree& item) { return item.key == "file"; });
  if (file_it == topology.items.end()) return "";
  const Tree file = *file_it;
  topology.items.erase(file_it);
  const std::string found = resolve_input_file(file, "topology.file", "topology file");

  Tree base;
  try {
    base = read_yaml_file(found, "topology");
  } catch (const ScenarioError& e) {
    // The topology file's own position comes first; say where it was included from.
    throw ScenarioError(std::string(e.what()) + " (topology file included at " +
                        file.where().str() + ")");
  }
  if (!base.is_map()) {
    const Origin at = base.origin.line > 0 ? base.origin : Origin{found, 1, 1, ""};
    fail(at, "topology",
         "a topology file must be a map of topology keys (kind, leaves, spines, ...); got " +
             describe(base));
  }
  if (const Tree* nested = base.find("file")) {
    fail(nested->key_origin, "topology.file",
         "a topology file cannot include another topology file");
  }
  merge_under(topology, base);
  return found;
}

/// The GraphML file a `kind: graph` topology names (resolved as read_graph did), or "".
std::string graphml_file(const Tree& root, const Scenario& scenario) {
  if (!std::holds_alternative<topo::GraphSpec>(scenario.topology)) return "";
  const Tree* topology = root.find("topology");
  const Tree* graphml = topology == nullptr ? nullptr : topology->find("graphml");
  return graphml == nullptr ? "" : resolve_input_file(*graphml, "topology.graphml", "GraphML file");
}

/// The scenario file, the topology file, the GraphML file, the routing plug-in, each
/// workload's trace or matrix, then the routing trace.
std::vector<InputPath> input_paths(const std::string& path, const std::string& topology_file,
                                   const std::string& graphml, const Scenario& scenario) {
  std::vector<InputPath> out{{"scenario", path}};
  if (!topology_file.empty()) out.push_back({"topology", topology_file});
  if (!graphml.empty()) out.push_back({"graphml", graphml});
  if (!scenario.routing.plugin.empty()) out.push_back({"routing_plugin", scenario.routing.plugin});
  for (const traffic::WorkloadSpec& w : scenario.workloads) {
    if (const auto* moe = std::get_if<traffic::MoeSpec>(&w); moe && !moe->routing_trace.empty()) {
      out.push_back({"routing_trace", moe->routing_trace});
    } else if (const auto* matrix = std::get_if<traffic::ConnectionMatrixSpec>(&w)) {
      out.push_back({"connection_matrix", matrix->file});
    }
  }
  if (!scenario.routing.trace.empty()) out.push_back({"routing_decisions", scenario.routing.trace});
  return out;
}

}  // namespace

Scenario load(const std::string& path, const std::vector<std::string>& overrides) {
  Tree root = read_yaml_file(path, "scenario");
  if (root.kind == Tree::Kind::null) root.origin = Origin{path, 1, 1, ""};  // empty file
  if (root.is_scalar() || root.is_list()) {
    fail(root.origin, "",
         "a scenario must be a map of keys (name, seed, model, topology, routing, "
         "workload, output); got " +
             describe(root));
  }
  for (const std::string& arg : overrides) apply_override(root, arg);
  std::string topology_file;
  if (Tree* topology = root.find("topology")) topology_file = include_topology_file(*topology);
  Scenario scenario = build_scenario(root);
  scenario.overrides = overrides;
  scenario.inputs = input_paths(path, topology_file, graphml_file(root, scenario), scenario);
  return scenario;
}

}  // namespace fabricsim::scenario
