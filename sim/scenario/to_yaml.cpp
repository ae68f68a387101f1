#include <yaml-cpp/yaml.h>

#include <charconv>
#include <variant>

#include "core/unit_parse.hpp"
#include "scenario/net_params.hpp"
#include "scenario/scenario.hpp"
#include "scenario/workloads.hpp"

namespace fabricsim::scenario {
namespace {

void emit_link(YAML::Emitter& out, const char* key, const topo::LinkSpec& link) {
  out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "rate" << YAML::Value << core::format_bitrate(link.rate);
  out << YAML::Key << "latency" << YAML::Value << core::format_time(link.latency);
  out << YAML::EndMap;
}

void emit_event(YAML::Emitter& out, const EventSpec& e) {
  out << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "at" << YAML::Value << core::format_time(e.at);
  if (!e.node.empty()) out << YAML::Key << "node" << YAML::Value << e.node;
  if (!e.link.empty()) out << YAML::Key << "link" << YAML::Value << YAML::Flow << e.link;
  if (e.random > 0) {
    out << YAML::Key << "random" << YAML::Value << e.random;
    out << YAML::Key << "tier" << YAML::Value << YAML::Flow << e.tier;
  }
  out << YAML::Key << "action" << YAML::Value << to_string(e.action);
  if (e.action == EventSpec::Action::rate)
    out << YAML::Key << "rate" << YAML::Value << core::format_bitrate(e.rate);
  out << YAML::EndMap;
}

}  // namespace

std::string exact_number(double v) {
  char buffer[64];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  return std::string(buffer, end);
}

void emit_workload(YAML::Emitter& out, const traffic::PermutationSpec& w) {
  out << YAML::Key << "kind" << YAML::Value << "permutation";
  out << YAML::Key << "bytes" << YAML::Value << core::format_bytes(w.bytes);
  out << YAML::Key << "start" << YAML::Value << core::format_time(w.start);
  emit_placement(out, w.placement);
}

void emit_placement(YAML::Emitter& out, const traffic::Placement& p) {
  static constexpr const char* kKinds[] = {"contiguous", "strided", "random", "listed"};
  out << YAML::Key << "placement" << YAML::Value << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "kind" << YAML::Value << kKinds[static_cast<int>(p.kind)];
  if (p.kind == traffic::Placement::Kind::listed) {
    out << YAML::Key << "hosts" << YAML::Value << YAML::Flow << p.hosts;
  } else {
    out << YAML::Key << "gpus" << YAML::Value << p.gpus;
  }
  if (p.kind == traffic::Placement::Kind::contiguous ||
      p.kind == traffic::Placement::Kind::strided) {
    out << YAML::Key << "first" << YAML::Value << p.first;
  }
  if (p.kind == traffic::Placement::Kind::strided)
    out << YAML::Key << "stride" << YAML::Value << p.stride;
  out << YAML::EndMap;
}

void emit_topology(YAML::Emitter& out, const topo::LeafSpineSpec& t) {
  out << YAML::Key << "leaves" << YAML::Value << t.leaves;
  out << YAML::Key << "spines" << YAML::Value << t.spines;
  out << YAML::Key << "hosts_per_leaf" << YAML::Value << t.hosts_per_leaf;
  out << YAML::Key << "links_per_pair" << YAML::Value << t.links_per_pair;
  out << YAML::Key << "planes" << YAML::Value << t.planes;
  emit_link(out, "host_link", t.host_link);
  emit_link(out, "fabric_link", t.fabric_link);
}

void emit_topology(YAML::Emitter& out, const topo::FatTreeSpec& t) {
  out << YAML::Key << "k" << YAML::Value << t.k;
  out << YAML::Key << "hosts_per_tor" << YAML::Value << t.hosts_each();
  out << YAML::Key << "cores_per_agg" << YAML::Value << t.cores_each();
  out << YAML::Key << "tor_agg_links" << YAML::Value << t.tor_agg_links;
  out << YAML::Key << "agg_core_links" << YAML::Value << t.agg_core_links;
  out << YAML::Key << "planes" << YAML::Value << t.planes;
  emit_link(out, "host_link", t.host_link);
  emit_link(out, "tor_link", t.tor_link);
  emit_link(out, "core_link", t.core_link);
}

void emit_topology(YAML::Emitter& out, const topo::RailSpec& t) {
  out << YAML::Key << "servers" << YAML::Value << t.servers;
  out << YAML::Key << "gpus_per_server" << YAML::Value << t.gpus_per_server;
  out << YAML::Key << "servers_per_group" << YAML::Value << t.group_size();
  out << YAML::Key << "spines" << YAML::Value << t.spines;
  emit_link(out, "host_link", t.host_link);
  emit_link(out, "fabric_link", t.fabric_link);
  emit_link(out, "nvlink", t.nvlink);
}

/// Every node and cable, one flow map each, in the graph's order (parallel cables repeated).
void emit_topology(YAML::Emitter& out, const topo::GraphSpec& t) {
  out << YAML::Key << "nodes" << YAML::Value << YAML::BeginSeq;
  for (const topo::GraphNode& n : t.nodes) {
    out << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << n.name;
    out << YAML::Key << "kind" << YAML::Value << topo::to_string(n.kind) << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::Key << "links" << YAML::Value << YAML::BeginSeq;
  for (const topo::GraphCable& c : t.cables) {
    out << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "a" << YAML::Value << t.nodes[c.a].name;
    out << YAML::Key << "b" << YAML::Value << t.nodes[c.b].name;
    out << YAML::Key << "rate" << YAML::Value << core::format_bitrate(c.link.rate);
    out << YAML::Key << "latency" << YAML::Value << core::format_time(c.link.latency);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

std::string to_yaml(const Scenario& s) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << s.name;
  out << YAML::Key << "seed" << YAML::Value << s.seed;
  out << YAML::Key << "model" << YAML::Value << s.model;

  out << YAML::Key << "topology" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "kind" << YAML::Value << topo::kind_name(s.topology);
  std::visit([&out](const auto& spec) { emit_topology(out, spec); }, s.topology);
  out << YAML::EndMap;

  out << YAML::Key << "routing" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "policy" << YAML::Value << s.routing.policy;
  out << YAML::Key << "subflows" << YAML::Value;
  if (s.routing.subflows == 0) {
    out << "auto";
  } else {
    out << s.routing.subflows;
  }
  out << YAML::Key << "flowlet_gap" << YAML::Value << core::format_time(s.routing.flowlet_gap);
  out << YAML::Key << "entropies" << YAML::Value << s.routing.entropies;
  out << YAML::Key << "failure_detection" << YAML::Value
      << core::format_time(s.routing.failure_detection);
  out << YAML::Key << "record" << YAML::Value << s.routing.record;
  if (!s.routing.trace.empty()) out << YAML::Key << "trace" << YAML::Value << s.routing.trace;
  if (!s.routing.fallback.empty())
    out << YAML::Key << "fallback" << YAML::Value << s.routing.fallback;
  if (!s.routing.plugin.empty()) out << YAML::Key << "plugin" << YAML::Value << s.routing.plugin;
  if (!s.routing.params.empty()) {
    out << YAML::Key << "params" << YAML::Value << YAML::BeginMap;
    for (const routing::ParamValue& p : s.routing.params) {
      out << YAML::Key << p.key << YAML::Value << p.text;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;

  out << YAML::Key << "flow" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "resolve_interval" << YAML::Value
      << core::format_time(s.flow.resolve_interval);
  out << YAML::EndMap;

  emit_transport(out, s.transport);
  emit_switch(out, s.switches);

  out << YAML::Key << "workload" << YAML::Value << YAML::BeginSeq;
  for (const traffic::WorkloadSpec& w : s.workloads) {
    out << YAML::BeginMap;
    std::visit([&out](const auto& spec) { emit_workload(out, spec); }, w);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;

  if (!s.events.empty()) {
    out << YAML::Key << "events" << YAML::Value << YAML::BeginSeq;
    for (const EventSpec& e : s.events) emit_event(out, e);
    out << YAML::EndSeq;
  }

  out << YAML::Key << "output" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "file" << YAML::Value << s.output.file;
  out << YAML::Key << "sample_interval" << YAML::Value
      << core::format_time(s.output.sample_interval);
  out << YAML::EndMap;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace fabricsim::scenario
