#include "scenario/validate.hpp"

#include <initializer_list>
#include <limits>

#include "core/unit_parse.hpp"
#include "routing/reps.hpp"
#include "scenario/net_params.hpp"
#include "scenario/read.hpp"
#include "scenario/suggest.hpp"

namespace fabricsim::scenario {
namespace {

const Keys kTopKeys{"name",      "seed",   "model",    "topology", "routing", "flow",
                    "transport", "switch", "workload", "events",   "output"};
const Keys kFlowKeys{"resolve_interval"};
const Keys kTopologyKeys{"file",           "kind",   "leaves",    "spines",     "hosts_per_leaf",
                         "links_per_pair", "planes", "host_link", "fabric_link"};
const Keys kFatTreeKeys{
    "file",           "kind",   "k",         "hosts_per_tor", "cores_per_agg", "tor_agg_links",
    "agg_core_links", "planes", "host_link", "fabric_link",   "tor_link",      "core_link"};
const Keys kRailKeys{"file",   "kind",      "servers",     "gpus_per_server", "servers_per_group",
                     "spines", "host_link", "fabric_link", "nvlink"};
const Keys kLinkKeys{"rate", "latency"};
const Keys kRoutingKeys{"policy", "subflows", "flowlet_gap", "entropies", "failure_detection",
                        "record", "trace",    "fallback",    "plugin",    "params"};
const Keys kOutputKeys{"file", "sample_interval"};

/// Size limits, blamed on the first of `keys` that the topology sets.
Origin blame_origin(const Tree& t, std::initializer_list<const char*> keys, std::string& key) {
  for (const char* k : keys) {
    if (const Tree* v = t.find(k)) {
      key = child("topology", k);
      return v->where();
    }
  }
  key = "topology";
  return t.where();
}

/// `planes`: identical Clos planes, a host port on each.
std::uint32_t read_planes(const Tree& t) {
  return static_cast<std::uint32_t>(read_count(t, "topology.planes", 1, topo::kMaxPorts));
}

topo::RailSpec read_rail(const Tree& t) {
  check_map(t, "topology", kRailKeys);
  topo::RailSpec spec;
  if (const Tree* v = t.find("servers")) spec.servers = read_u32(*v, "topology.servers", 1);
  if (const Tree* v = t.find("gpus_per_server"))
    spec.gpus_per_server = read_u32(*v, "topology.gpus_per_server", 1);
  if (const Tree* v = t.find("servers_per_group"))
    spec.servers_per_group = read_u32(*v, "topology.servers_per_group", 1);
  if (const Tree* v = t.find("spines")) spec.spines = read_u32(*v, "topology.spines", 1);
  if (const Tree* v = t.find("host_link")) spec.host_link = read_link(*v, "topology.host_link");
  if (const Tree* v = t.find("fabric_link"))
    spec.fabric_link = read_link(*v, "topology.fabric_link");
  if (const Tree* v = t.find("nvlink")) spec.nvlink = read_link(*v, "topology.nvlink", spec.nvlink);
  const topo::TopologySize size = topo::size_of(spec);
  std::string key;
  if (size.hosts > kMaxHosts) {
    const Origin origin = blame_origin(t, {"servers", "gpus_per_server"}, key);
    fail(origin, key,
         "servers x gpus_per_server = " + core::format_count(size.hosts) +
             " GPUs, more than the limit of " + core::format_count(kMaxHosts));
  }
  if (size.paths > topo::kMaxPaths || topo::catalog_bytes(size) > topo::kMaxCatalogBytes) {
    const Origin origin = blame_origin(t, {"servers_per_group", "gpus_per_server", "spines"}, key);
    fail(origin, key,
         "the fabric's " + core::format_count(size.paths) +
             " equal-cost paths or path catalog pass the limits (valid: fewer rail switches)");
  }
  return spec;
}

topo::FatTreeSpec read_fat_tree(const Tree& t) {
  const std::string path = "topology";
  check_map(t, path, kFatTreeKeys);
  topo::FatTreeSpec spec;
  if (const Tree* v = t.find("k")) {
    spec.k = read_u32(*v, "topology.k", 2);
    if (spec.k % 2 != 0)
      fail(v->where(), "topology.k", "must be even, got " + std::to_string(spec.k));
  }
  if (const Tree* v = t.find("hosts_per_tor"))
    spec.hosts_per_tor = read_u32(*v, "topology.hosts_per_tor", 1);
  if (const Tree* v = t.find("cores_per_agg"))
    spec.cores_per_agg = read_u32(*v, "topology.cores_per_agg", 1);
  if (const Tree* v = t.find("tor_agg_links"))
    spec.tor_agg_links = read_u32(*v, "topology.tor_agg_links", 1);
  if (const Tree* v = t.find("agg_core_links"))
    spec.agg_core_links = read_u32(*v, "topology.agg_core_links", 1);
  if (const Tree* v = t.find("planes")) spec.planes = read_planes(*v);
  if (const Tree* v = t.find("host_link")) spec.host_link = read_link(*v, "topology.host_link");
  if (const Tree* v = t.find("fabric_link"))
    spec.tor_link = spec.core_link = read_link(*v, "topology.fabric_link");
  if (const Tree* v = t.find("tor_link")) spec.tor_link = read_link(*v, "topology.tor_link");
  if (const Tree* v = t.find("core_link")) spec.core_link = read_link(*v, "topology.core_link");
  const topo::TopologySize size = topo::size_of(spec);
  std::string key;
  if (size.hosts > kMaxHosts) {
    const Origin origin = blame_origin(t, {"hosts_per_tor", "k"}, key);
    fail(origin, key,
         "k x k/2 ToRs x hosts_per_tor = " + core::format_count(size.hosts) +
             " hosts, more than the limit of " + core::format_count(kMaxHosts));
  }
  if (size.links > topo::kMaxLinks) {
    const Origin origin = blame_origin(t, {"k", "cores_per_agg"}, key);
    fail(origin, key,
         core::format_count(size.links) + " directed links, more than the limit of " +
             core::format_count(topo::kMaxLinks));
  }
  if (size.paths > topo::kMaxPaths) {
    const Origin origin =
        blame_origin(t, {"tor_agg_links", "agg_core_links", "k", "cores_per_agg"}, key);
    fail(origin, key,
         core::format_count(size.paths) +
             " equal-cost paths between ToRs, more than the limit of " +
             core::format_count(topo::kMaxPaths) +
             " (valid: k <= 56 with one cable per switch pair; parallel cables square the paths)");
  }
  return spec;
}

topo::LeafSpineSpec read_leaf_spine(const Tree& t) {
  const std::string path = "topology";
  check_map(t, path, kTopologyKeys);
  topo::LeafSpineSpec spec;
  if (const Tree* v = t.find("leaves")) spec.leaves = read_u32(*v, "topology.leaves", 1);
  if (const Tree* v = t.find("spines")) spec.spines = read_u32(*v, "topology.spines", 1);
  if (const Tree* v = t.find("hosts_per_leaf")) {
    spec.hosts_per_leaf = read_u32(*v, "topology.hosts_per_leaf", 1);
  }
  if (const Tree* v = t.find("links_per_pair")) {
    spec.links_per_pair = read_u32(*v, "topology.links_per_pair", 1);
  }
  if (const Tree* v = t.find("planes")) spec.planes = read_planes(*v);
  if (const Tree* v = t.find("host_link")) spec.host_link = read_link(*v, "topology.host_link");
  if (const Tree* v = t.find("fabric_link"))
    spec.fabric_link = read_link(*v, "topology.fabric_link");

  // Size limits, blamed on the first of the keys that set the offending product.
  const auto blame =
      [&](std::initializer_list<const char*> keys) -> std::pair<Origin, std::string> {
    for (const char* key : keys) {
      if (const Tree* v = t.find(key)) return {v->where(), child(path, key)};
    }
    return {t.where(), path};
  };
  const std::uint64_t hosts = std::uint64_t{spec.leaves} * spec.hosts_per_leaf;
  if (hosts > kMaxHosts) {
    const auto [origin, key] = blame({"leaves", "hosts_per_leaf"});
    fail(origin, key,
         std::to_string(spec.leaves) + " leaves x " + std::to_string(spec.hosts_per_leaf) +
             " hosts_per_leaf = " + core::format_count(hosts) + " hosts, more than the limit of " +
             core::format_count(kMaxHosts));
  }
  const core::uint128 cables = core::uint128{spec.leaves} * spec.spines * spec.links_per_pair;
  if (cables > kMaxFabricCables) {
    const auto [origin, key] = blame({"spines", "links_per_pair", "leaves"});
    fail(origin, key,
         "leaves x spines x links_per_pair = " + std::to_string(spec.leaves) + " x " +
             std::to_string(spec.spines) + " x " + std::to_string(spec.links_per_pair) +
             " fabric cables, more than the limit of " + core::format_count(kMaxFabricCables));
  }
  const std::uint64_t paths = topo::equal_cost_paths(spec);
  if (paths > topo::kMaxPaths) {
    const auto [origin, key] = blame({"links_per_pair", "spines", "leaves"});
    fail(origin, key,
         "leaves x (leaves - 1) x spines x links_per_pair^2 + leaves = " +
             core::format_count(paths) + " equal-cost paths, more than the limit of " +
             core::format_count(topo::kMaxPaths) +
             " (valid: reduce leaves, spines or links_per_pair)");
  }
  const topo::TopologySize size = topo::size_of(spec);
  if (topo::catalog_bytes(size) > topo::kMaxCatalogBytes) {
    const auto [origin, key] = blame({"leaves"});
    fail(origin, key,
         "(leaves + spines) x leaves path-catalog entries take " +
             core::format_count(topo::catalog_bytes(size)) + " bytes, more than the limit of " +
             core::format_count(topo::kMaxCatalogBytes) +
             " (valid: fewer leaves, more hosts_per_leaf)");
  }
  return spec;
}

topo::TopologySpec read_topology(const Tree& t) {
  if (const Tree* v = t.find("kind")) {
    const std::string& kind = read_choice(*v, "topology.kind", "topology kind",
                                          {"leaf_spine", "fat_tree", "rail", "graph"});
    if (kind == "fat_tree") return read_fat_tree(t);
    if (kind == "graph") return read_graph(t);
    if (kind == "rail") return read_rail(t);
  }
  return read_leaf_spine(t);
}

/// routing.record, routing.trace and routing.fallback (record & replay).
void read_replay(const Tree& t, const Keys& policies, const std::string& model, RoutingSpec& spec) {
  if (const Tree* v = t.find("record")) {
    spec.record = read_choice(*v, "routing.record", "record", {"none", "flows", "packets"});
    if (spec.record == "packets" && model != "packet") {
      fail(v->where(), "routing.record",
           "packets logs the per-packet choices of the packet model; with model: " + model +
               " use record: flows");
    }
  }
  const bool replay = spec.policy == "replay";
  if (const Tree* v = t.find("trace")) {
    if (!replay) fail(v->where(), "routing.trace", "is read by policy: replay only");
    spec.trace = resolve_input_file(*v, "routing.trace", "routing trace");
  } else if (replay) {
    fail(t.where(), "routing.trace",
         "missing: policy replay needs a trace (a result file written with routing: {record: "
         "flows} or {record: packets}, or a CSV src,dst,index,path,fraction)");
  }
  if (const Tree* v = t.find("fallback")) {
    if (!replay) fail(v->where(), "routing.fallback", "is read by policy: replay only");
    Keys others;
    for (const std::string& name : policies) {
      if (name != "replay") others.push_back(name);
    }
    spec.fallback = read_choice(*v, "routing.fallback", "policy", others);
  }
}

RoutingSpec read_routing(const Tree& t, const std::string& model) {
  check_map(t, "routing", kRoutingKeys);
  RoutingSpec spec;
  Keys names;
  for (const routing::PolicyInfo& info : routing::policies()) names.emplace_back(info.name);
  if (const Tree* v = t.find("plugin")) spec.plugin = read_routing_plugin(*v, names);
  if (const Tree* v = t.find("params")) spec.params = read_routing_params(*v);
  if (const Tree* v = t.find("policy")) {
    spec.policy = read_choice(*v, "routing.policy", "policy", names);
  }
  read_replay(t, names, model, spec);
  if (const Tree* v = t.find("subflows")) {
    if (!is_word(*v, "routing.subflows", "auto", "an integer >= 1")) {
      spec.subflows =
          static_cast<std::uint32_t>(read_count(*v, "routing.subflows", 1, kMaxSubflows));
    }
  }
  if (const Tree* v = t.find("flowlet_gap")) {
    spec.flowlet_gap = read_time(*v, "routing.flowlet_gap", false);
  }
  if (const Tree* v = t.find("entropies")) {
    spec.entropies = static_cast<std::uint32_t>(
        read_count(*v, "routing.entropies", 1, routing::Reps::kMaxEntropies));
  }
  if (const Tree* v = t.find("failure_detection")) {
    spec.failure_detection = read_time(*v, "routing.failure_detection", true);
  }
  return spec;
}

FlowSpec read_flow(const Tree& t) {
  if (const Tree* v = t.find("batch_tolerance")) {
    fail(v->where(), "flow.batch_tolerance",
         "was removed: it ended flows before their bytes were sent. The flow model is now exact "
         "by default; to trade accuracy for speed use flow.resolve_interval, which only delays "
         "re-solves and never puts a link above its rate");
  }
  check_map(t, "flow", kFlowKeys);
  FlowSpec spec;
  if (const Tree* v = t.find("resolve_interval")) {
    spec.resolve_interval = read_time(*v, "flow.resolve_interval", true);
  }
  return spec;
}

OutputSpec read_output(const Tree& t) {
  check_map(t, "output", kOutputKeys);
  OutputSpec spec;
  if (const Tree* v = t.find("file")) {
    spec.file = scalar(*v, "output.file", "a file name ending in .h5");
    if (spec.file.size() <= 3 || !spec.file.ends_with(".h5")) {
      fail(v->where(), "output.file", "must be a file name ending in .h5, got '" + spec.file + "'");
    }
  }
  if (const Tree* v = t.find("sample_interval")) {
    spec.sample_interval = read_time(*v, "output.sample_interval", true);
  }
  return spec;
}

}  // namespace

core::Time read_link_latency(const Tree& t, const std::string& path) {
  const core::Time latency = read_time(t, path, true);
  if (latency > kMaxLinkLatency) {
    fail(t.where(), path,
         "must be at most " + core::format_time(kMaxLinkLatency) + ", got '" + t.scalar + "'");
  }
  return latency;
}

topo::LinkSpec read_link(const Tree& t, const std::string& path, const topo::LinkSpec& base) {
  check_map(t, path, kLinkKeys);
  topo::LinkSpec link = base;
  if (const Tree* v = t.find("rate")) link.rate = read_rate(*v, child(path, "rate"));
  if (const Tree* v = t.find("latency"))
    link.latency = read_link_latency(*v, child(path, "latency"));
  return link;
}

Scenario build_scenario(const Tree& root) {
  if (root.kind == Tree::Kind::null) {
    fail(root.origin, "", "the scenario is empty; it needs at least a `workload` list");
  }
  if (const Tree* v = root.find("packet")) {
    fail(v->where(), "packet",
         "the packet block was split: mtu, header and transport (now kind) moved to "
         "`transport:`, switch_latency (now latency) to `switch:`");
  }
  check_map(root, "", kTopKeys);
  Scenario s;
  if (const Tree* v = root.find("name")) s.name = scalar(*v, "name", "a string");
  if (const Tree* v = root.find("seed")) {
    s.seed = read_count(*v, "seed", 0, std::numeric_limits<std::uint64_t>::max());
  }
  if (const Tree* v = root.find("model"))
    s.model = read_choice(*v, "model", "model", {"flow", "packet"});
  if (const Tree* v = root.find("topology")) s.topology = read_topology(*v);
  if (const Tree* v = root.find("routing")) s.routing = read_routing(*v, s.model);
  if (!s.routing.plugin.empty() || !s.routing.params.empty()) check_policy_params(s);
  if (const Tree* v = root.find("flow")) s.flow = read_flow(*v);
  if (const Tree* v = root.find("transport")) s.transport = read_transport(*v);
  if (const Tree* v = root.find("switch")) s.switches = read_switch(*v, s.transport.mtu);

  const Tree* list = root.find("workload");
  if (list == nullptr) {
    fail(root.where(), "workload",
         "missing: a scenario needs a list of workloads (valid kinds: " +
             join(workload_kind_names()) + ")");
  }
  if (!list->is_list()) {
    fail(list->where(), "workload",
         "expected a list of workloads (- kind: ...), got " + describe(*list));
  }
  if (list->items.empty()) {
    fail(list->where(), "workload",
         "the list is empty; give at least one workload (valid kinds: " +
             join(workload_kind_names()) + ")");
  }
  const auto hosts = static_cast<std::uint32_t>(topo::size_of(s.topology).hosts);
  for (std::size_t i = 0; i < list->items.size(); ++i) {
    s.workloads.push_back(read_workload(list->items[i], "workload." + std::to_string(i), hosts));
  }
  if (const Tree* v = root.find("events")) s.events = read_events(*v);
  for (const EventSpec& e : s.events) {
    if (s.model == "packet" && s.transport.kind == "ideal" && e.action == EventSpec::Action::down) {
      throw ScenarioError(
          e.where +
          ": events: a link going down loses packets, and transport kind ideal never "
          "sends one again; use transport: {kind: dctcp} (or the flow model)");
    }
  }
  if (const Tree* v = root.find("output")) s.output = read_output(*v);
  return s;
}

}  // namespace fabricsim::scenario
