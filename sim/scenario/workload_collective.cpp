#include <yaml-cpp/yaml.h>

#include "core/unit_parse.hpp"
#include "scenario/read.hpp"
#include "scenario/suggest.hpp"
#include "scenario/validate.hpp"
#include "scenario/workloads.hpp"

namespace fabricsim::scenario {
namespace {
const Keys kAllToAllKeys{"kind", "bytes", "group_size", "start", "placement"};
}  // namespace

traffic::AllToAllSpec read_all_to_all(const Tree& item, const std::string& path,
                                      std::uint32_t hosts) {
  check_map(item, path, kAllToAllKeys);
  traffic::AllToAllSpec spec;
  if (const Tree* v = item.find("bytes")) spec.bytes = read_bytes(*v, child(path, "bytes"));
  if (const Tree* v = item.find("start")) spec.start = read_time(*v, child(path, "start"), true);
  spec.placement = read_placement(item, path, hosts);
  spec.group_size = read_group(item, path, "group_size", hosts);
  if (spec.group_size != 0 && hosts % spec.group_size != 0) {
    Keys divisors{"0"};
    for (std::uint32_t d = 2; d <= hosts && divisors.size() < 13; ++d) {
      if (hosts % d == 0) divisors.push_back(std::to_string(d));
    }
    if (divisors.size() == 13) divisors.back() = "...";
    const Tree* v = item.find("group_size");
    fail(v->where(), child(path, "group_size"),
         std::to_string(spec.group_size) + " does not divide the host count " +
             std::to_string(hosts) + " (valid: " + join(divisors) + ")");
  }
  const std::uint64_t group = spec.group_size == 0 ? hosts : spec.group_size;
  check_flows(
      item, path, "group_size", std::uint64_t{hosts} * (group - 1),
      "hosts x (group_size - 1) = " + std::to_string(hosts) + " x " + std::to_string(group - 1));
  return spec;
}

traffic::CollectiveSpec read_collective(const Tree& item, const std::string& path, std::uint32_t,
                                        const std::string&) {
  fail(item.where(), path, "collectives are being built");
}

void emit_workload(YAML::Emitter& out, const traffic::AllToAllSpec& w) {
  out << YAML::Key << "kind" << YAML::Value << "all_to_all";
  out << YAML::Key << "bytes" << YAML::Value << core::format_bytes(w.bytes);
  out << YAML::Key << "group_size" << YAML::Value << w.group_size;
  out << YAML::Key << "start" << YAML::Value << core::format_time(w.start);
  emit_placement(out, w.placement);
}

void emit_workload(YAML::Emitter&, const traffic::CollectiveSpec&) {}

}  // namespace fabricsim::scenario
