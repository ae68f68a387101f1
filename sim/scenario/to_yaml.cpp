#include <yaml-cpp/yaml.h>

#include <charconv>
#include <variant>

#include "core/unit_parse.hpp"
#include "scenario/scenario.hpp"

namespace fabricsim::scenario {
namespace {

/// The shortest decimal text that reads back as exactly `v`.
std::string exact_number(double v) {
  char buffer[64];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  return std::string(buffer, end);
}

void emit_link(YAML::Emitter& out, const char* key, const topo::LinkSpec& link) {
  out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "rate" << YAML::Value << core::format_bitrate(link.rate);
  out << YAML::Key << "latency" << YAML::Value << core::format_time(link.latency);
  out << YAML::EndMap;
}

void emit_workload(YAML::Emitter& out, const traffic::PermutationSpec& w) {
  out << YAML::Key << "kind" << YAML::Value << "permutation";
  out << YAML::Key << "bytes" << YAML::Value << core::format_bytes(w.bytes);
  out << YAML::Key << "start" << YAML::Value << core::format_time(w.start);
}

void emit_workload(YAML::Emitter& out, const traffic::AllToAllSpec& w) {
  out << YAML::Key << "kind" << YAML::Value << "all_to_all";
  out << YAML::Key << "bytes" << YAML::Value << core::format_bytes(w.bytes);
  out << YAML::Key << "group_size" << YAML::Value << w.group_size;
  out << YAML::Key << "start" << YAML::Value << core::format_time(w.start);
}

void emit_workload(YAML::Emitter& out, const traffic::MoeSpec& w) {
  out << YAML::Key << "kind" << YAML::Value << "moe";
  out << YAML::Key << "experts" << YAML::Value << w.experts;
  out << YAML::Key << "top_k" << YAML::Value << w.top_k;
  out << YAML::Key << "tokens_per_gpu" << YAML::Value << w.tokens_per_gpu;
  out << YAML::Key << "hidden" << YAML::Value << w.hidden;
  out << YAML::Key << "bytes_per_element" << YAML::Value << w.bytes_per_element;
  out << YAML::Key << "gpus" << YAML::Value << w.gpus;
  out << YAML::Key << "skew" << YAML::Value << YAML::Flow << YAML::BeginMap;
  if (w.skew.dist == traffic::SkewSpec::Dist::zipf) {
    out << YAML::Key << "dist" << YAML::Value << "zipf";
    out << YAML::Key << "s" << YAML::Value << exact_number(w.skew.s);
  } else {
    out << YAML::Key << "dist" << YAML::Value << "uniform";  // s only means something for zipf
  }
  out << YAML::EndMap;
  out << YAML::Key << "start" << YAML::Value << core::format_time(w.start);
}

}  // namespace

std::string to_yaml(const Scenario& s) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << s.name;
  out << YAML::Key << "seed" << YAML::Value << s.seed;
  out << YAML::Key << "model" << YAML::Value << s.model;

  out << YAML::Key << "topology" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "kind" << YAML::Value << "leaf_spine";
  out << YAML::Key << "leaves" << YAML::Value << s.topology.leaves;
  out << YAML::Key << "spines" << YAML::Value << s.topology.spines;
  out << YAML::Key << "hosts_per_leaf" << YAML::Value << s.topology.hosts_per_leaf;
  out << YAML::Key << "links_per_pair" << YAML::Value << s.topology.links_per_pair;
  emit_link(out, "host_link", s.topology.host_link);
  emit_link(out, "fabric_link", s.topology.fabric_link);
  out << YAML::EndMap;

  out << YAML::Key << "routing" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "policy" << YAML::Value << s.routing.policy;
  out << YAML::Key << "subflows" << YAML::Value;
  if (s.routing.subflows == 0) {
    out << "auto";
  } else {
    out << s.routing.subflows;
  }
  out << YAML::EndMap;

  out << YAML::Key << "flow" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "batch_tolerance" << YAML::Value << exact_number(s.flow.batch_tolerance);
  out << YAML::EndMap;

  out << YAML::Key << "workload" << YAML::Value << YAML::BeginSeq;
  for (const traffic::WorkloadSpec& w : s.workloads) {
    out << YAML::BeginMap;
    std::visit([&out](const auto& spec) { emit_workload(out, spec); }, w);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;

  out << YAML::Key << "output" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "file" << YAML::Value << s.output.file;
  out << YAML::Key << "sample_interval" << YAML::Value
      << core::format_time(s.output.sample_interval);
  out << YAML::EndMap;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace fabricsim::scenario
