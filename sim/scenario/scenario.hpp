#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/units.hpp"
#include "net/params.hpp"
#include "routing/policy.hpp"
#include "topo/topology.hpp"
#include "traffic/workload.hpp"

namespace fabricsim::scenario {

struct RoutingSpec {
  std::string policy = "ecmp";
  std::uint32_t subflows = 0;                                    // split only; 0 = auto
  core::Time flowlet_gap = routing::PolicyParams{}.flowlet_gap;  // flowlet only; > 0
  std::uint32_t entropies = routing::PolicyParams{}.entropies;   // reps only; 1 .. 65,536
  /// From a link going down (or up) to routing acting on it (docs/scenario.md, events).
  core::Time failure_detection = core::Time::us(100);
  std::string record = "none";  // none | flows | packets: what /routing records
  std::string trace;            // replay: the result file or CSV to replay (resolved path)
  std::string fallback;         // replay: the policy of flows the trace has no row for; "": none
  std::string plugin;           // routing plug-in library, resolved; "" none
  std::vector<routing::ParamValue> params;  // routing.params, read by the policy itself
};

/// One entry of `events:`: at `at`, links go down, come up, or change rate. The links are
/// named as written; the engine resolves them against the built fabric (and blames `where`).
struct EventSpec {
  enum class Action : std::uint8_t { down, up, rate };
  core::Time at;
  Action action = Action::down;
  core::Bitrate rate;             // action rate
  std::string node;               // every link of this node, or
  std::vector<std::string> link;  // both directions of every cable between these two nodes, or
  std::uint32_t random = 0;       // this many cables drawn from the seed,
  std::vector<std::string> tier;  // between nodes of these two kinds
  std::string where;              // "file:line:col" (or "--set ...") of the event
};
const char* to_string(EventSpec::Action action);

/// Fluid-model knobs. resolve_interval > 0 holds max-min re-solves to its multiples: rates in
/// between stay feasible (freed capacity idles, new flows wait), so no link ever runs above
/// its rate; 0 = exact, a re-solve at every change.
struct FlowSpec {
  core::Time resolve_interval{};
};

struct OutputSpec {
  std::string file = "results/out.h5";
  core::Time sample_interval = core::Time::us(10);
};

/// A file the scenario made the run read, as resolved: its role ("scenario", "topology", "graphml",
/// "routing_plugin", "routing_trace", "connection_matrix", "routing_decisions") and its path.
struct InputPath {
  std::string role;
  std::string path;
};

/// A validated scenario: every field typed, with units, defaults filled in.
struct Scenario {
  std::string name = "unnamed";
  std::uint64_t seed = 1;
  std::string model = "flow";
  topo::TopologySpec topology;
  RoutingSpec routing;
  FlowSpec flow;
  net::TransportParams transport;  // packet model: how hosts send
  net::SwitchParams switches;      // packet model: switch latency, buffers, ECN
  std::vector<traffic::WorkloadSpec> workloads;
  std::vector<EventSpec> events;  // in time order (ties keep the file's order)
  OutputSpec output;
  std::vector<std::string> overrides;  // the --set arguments applied, "key.path=value"
  std::vector<InputPath> inputs;       // the scenario file first, then the files it names
};

/// Bad input. The message names file:line:column, the key path and the valid choices.
class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Reads `path`, applies `overrides` ("a.b.c=value", YAML scalars) before validation,
/// resolves `topology: {file: ...}` and validates everything. A relative file name, in the
/// file or in an override, is looked for in the scenario's folder, then the current
/// folder. Throws ScenarioError.
Scenario load(const std::string& path, const std::vector<std::string>& overrides = {});

/// What the scenario's routing block hands make_policy (the hash salt derived from the seed).
routing::PolicyParams policy_params(const Scenario& scenario);

/// The resolved scenario as YAML that `load` accepts again and yields the same Scenario.
std::string to_yaml(const Scenario& scenario);

}  // namespace fabricsim::scenario
