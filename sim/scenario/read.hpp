#pragma once
// Internal to scenario/: typed readers of tree values. Each fails with file:line:col, the
// key path and what was expected (ScenarioError), so callers never check for errors.
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/units.hpp"
#include "scenario/scenario.hpp"
#include "scenario/tree.hpp"
#include "topo/graph.hpp"
#include "traffic/workload.hpp"

namespace fabricsim::scenario {

using Keys = std::vector<std::string>;
inline constexpr std::uint64_t kMaxU32 = std::numeric_limits<std::uint32_t>::max();

/// "a.b" + "c" -> "a.b.c"; "" + "c" -> "c".
std::string child(std::string_view path, std::string_view key);
/// Requires a map whose keys all belong to `keys`; an unknown key gets a "did you mean".
void check_map(const Tree& tree, const std::string& path, const Keys& keys);
const std::string& scalar(const Tree& t, const std::string& path, std::string_view expected);
/// An integer in [min, max].
std::uint64_t read_count(const Tree& t, const std::string& path, std::uint64_t min,
                         std::uint64_t max);
std::uint32_t read_u32(const Tree& t, const std::string& path, std::uint64_t min);
double read_number(const Tree& t, const std::string& path);
/// One of `choices`, with a "did you mean" when it is not.
const std::string& read_choice(const Tree& t, const std::string& path, std::string_view what,
                               const Keys& choices);
/// Whether `t` is the scalar `word` (a setting such as auto, off, unlimited). Another word (a
/// scalar starting with a letter) fails with "expected WORD or OTHERWISE" and a "did you mean";
/// numbers and maps give false, for the caller to read as `otherwise`.
bool is_word(const Tree& t, const std::string& path, const std::string& word,
             std::string_view otherwise);
core::Time read_time(const Tree& t, const std::string& path, bool allow_zero);
core::Bytes read_bytes(const Tree& t, const std::string& path);
core::Bitrate read_rate(const Tree& t, const std::string& path);
/// Where to blame a cross-field problem: `key` when the item sets it, else the item's kind.
std::pair<Origin, std::string> blame_in(const Tree& item, const std::string& path, const char* key);
/// Fails when a workload would create more flows than the limit.
void check_flows(const Tree& item, const std::string& path, const char* key, std::uint64_t flows,
                 const std::string& formula);
/// An expert-parallel or all-to-all group size: 0 (all hosts) or 2..hosts.
std::uint32_t read_group(const Tree& item, const std::string& path, const char* key,
                         std::uint32_t hosts);

/// A link's one-way latency: a time >= 0 and at most kMaxLinkLatency.
core::Time read_link_latency(const Tree& t, const std::string& path);
/// A `{rate, latency}` map; the keys it lacks keep `base`'s values.
topo::LinkSpec read_link(const Tree& t, const std::string& path, const topo::LinkSpec& base = {});
/// `topology` with `kind: graph`: nodes and links inline (or from a topology file), or a
/// GraphML file named by `graphml` (read_graph.cpp).
topo::GraphSpec read_graph(const Tree& topology);

/// The input file a scalar names (a trace, a connection matrix): a relative name is tried
/// in the folder of the file that wrote it, then in the current folder; fails listing both.
std::string resolve_input_file(const Tree& value, const std::string& path, std::string_view what);

/// `routing.plugin`: the library, resolved like an input file and loaded; appends the names of
/// its policies to `policy_names` (routing_plugin.cpp).
std::string read_routing_plugin(const Tree& value, Keys& policy_names);
/// `routing.params`: a map of scalars, each kept as written with where it was written.
std::vector<routing::ParamValue> read_routing_params(const Tree& map);
/// Makes the scenario's policy once, so that a plug-in's factory reads its params: a key no
/// factory reads, or a value that does not parse, fails here, before a run.
void check_policy_params(const Scenario& scenario);

/// The `events:` list (links down / up / rate), sorted by time (read_events.cpp). Node names
/// stay unresolved: the engine checks them against the built fabric.
std::vector<EventSpec> read_events(const Tree& list);

/// The valid `kind` values of workload items (the traffic table's names).
const Keys& workload_kind_names();
/// One item of the `workload` list, dispatched on its `kind`.
traffic::WorkloadSpec read_workload(const Tree& item, const std::string& path, std::uint32_t hosts);

}  // namespace fabricsim::scenario
