#include <yaml-cpp/yaml.h>

#include "core/unit_parse.hpp"
#include "scenario/read.hpp"
#include "scenario/suggest.hpp"
#include "scenario/validate.hpp"
#include "scenario/workloads.hpp"

namespace fabricsim::scenario {
namespace {
const Keys kAllToAllKeys{"kind",   "bytes", "group_size", "algorithm",
                         "chunks", "order", "start",      "placement"};
const Keys kCollectiveKeys{"kind",       "bytes",   "algorithm", "chunks",   "order",
                           "iterations", "compute", "start",     "placement"};

/// `algorithm:` one of `valid` (absent: the first).
traffic::Algorithm read_algorithm(const Tree& item, const std::string& path,
                                  std::span<const traffic::Algorithm> valid) {
  const Tree* v = item.find("algorithm");
  if (v == nullptr) return valid.front();
  Keys names;
  for (const traffic::Algorithm a : valid) names.emplace_back(traffic::algorithm_name(a));
  const std::string& name = read_choice(*v, child(path, "algorithm"), "algorithm", names);
  for (const traffic::Algorithm a : valid) {
    if (name == traffic::algorithm_name(a)) return a;
  }
  return valid.front();
}

/// `chunks:` 1 .. bytes (every chunk gets at least one byte).
std::uint32_t read_chunks(const Tree& item, const std::string& path, core::Bytes bytes) {
  const Tree* v = item.find("chunks");
  if (v == nullptr) return 1;
  const std::uint32_t chunks = read_u32(*v, child(path, "chunks"), 1);
  if (static_cast<std::int64_t>(chunks) > bytes.count()) {
    fail(v->where(), child(path, "chunks"),
         core::format_count(chunks) + " chunks of " +
             core::format_count(static_cast<std::uint64_t>(bytes.count())) +
             " bytes would leave chunks empty (at most one chunk per byte)");
  }
  return chunks;
}

}  // namespace

traffic::AllToAllSpec read_all_to_all(const Tree& item, const std::string& path,
                                      std::uint32_t hosts) {
  check_map(item, path, kAllToAllKeys);
  traffic::AllToAllSpec spec;
  if (const Tree* v = item.find("bytes")) spec.bytes = read_bytes(*v, child(path, "bytes"));
  if (const Tree* v = item.find("start")) spec.start = read_time(*v, child(path, "start"), true);
  spec.placement = read_placement(item, path, hosts);
  spec.algorithm = read_algorithm(item, path, traffic::all_to_all_algorithms());
  spec.chunks = read_chunks(item, path, spec.bytes);
  spec.order = read_send_order(item, path);
  // The group divides the job's GPUs: every host, or those the placement gives.
  const std::uint32_t gpus = traffic::placed_count(spec.placement, hosts);
  if (gpus < 2)
    fail(item.find("placement")->where(), child(path, "placement"),
         "an all_to_all needs at least 2 GPUs");
  spec.group_size = read_group(item, path, "group_size", gpus);
  if (spec.group_size != 0 && gpus % spec.group_size != 0) {
    Keys divisors{"0"};
    for (std::uint32_t d = 2; d <= gpus && divisors.size() < 13; ++d) {
      if (gpus % d == 0) divisors.push_back(std::to_string(d));
    }
    if (divisors.size() == 13) divisors.back() = "...";
    const Tree* v = item.find("group_size");
    fail(v->where(), child(path, "group_size"),
         std::to_string(spec.group_size) + " does not divide the GPU count " +
             std::to_string(gpus) + " (valid: " + join(divisors) + ")");
  }
  const std::uint64_t group = spec.group_size == 0 ? gpus : spec.group_size;
  check_flows(item, path, "group_size", std::uint64_t{gpus} * (group - 1) * spec.chunks,
              "GPUs x (group_size - 1) x chunks = " + std::to_string(gpus) + " x " +
                  std::to_string(group - 1) + " x " + std::to_string(spec.chunks));
  return spec;
}

traffic::CollectiveSpec read_collective(const Tree& item, const std::string& path,
                                        std::uint32_t hosts, const std::string& kind) {
  check_map(item, path, kCollectiveKeys);
  traffic::CollectiveSpec spec;
  using Op = traffic::CollectiveSpec::Op;
  spec.op = kind == "reduce_scatter" ? Op::reduce_scatter
            : kind == "all_gather"   ? Op::all_gather
                                     : Op::all_reduce;
  if (const Tree* v = item.find("bytes")) spec.bytes = read_bytes(*v, child(path, "bytes"));
  if (const Tree* v = item.find("start")) spec.start = read_time(*v, child(path, "start"), true);
  if (const Tree* v = item.find("compute"))
    spec.compute = read_time(*v, child(path, "compute"), true);
  if (const Tree* v = item.find("iterations"))
    spec.iterations = read_u32(*v, child(path, "iterations"), 1);
  spec.placement = read_placement(item, path, hosts);
  spec.algorithm = read_algorithm(item, path, traffic::algorithms_for(spec.op));
  spec.chunks = read_chunks(item, path, spec.bytes);
  spec.order = read_send_order(item, path);
  // The algorithm must fit the job's GPU count (halving_doubling: a power of two).
  const std::uint32_t gpus = traffic::placed_count(spec.placement, hosts);
  if (const std::string why = traffic::unsupported(spec.op, spec.algorithm, gpus); !why.empty()) {
    const auto [origin, where] = blame_in(item, path, "algorithm");
    fail(origin, where, why + " (placement sets the job's GPUs)");
  }
  // Exact count of the flows generate() will create, before creating any.
  traffic::CollectiveSpec one = spec;
  one.chunks = one.iterations = 1;
  check_flows(item, path, "chunks", traffic::collective_flows(spec, gpus),
              std::string(traffic::algorithm_name(spec.algorithm)) + " " + kind + " on " +
                  std::to_string(gpus) +
                  " GPUs: " + core::format_count(traffic::collective_flows(one, gpus)) +
                  " flows per chunk x " + std::to_string(spec.chunks) + " chunks x " +
                  std::to_string(spec.iterations) + " iterations");
  return spec;
}

void emit_workload(YAML::Emitter& out, const traffic::AllToAllSpec& w) {
  out << YAML::Key << "kind" << YAML::Value << "all_to_all";
  out << YAML::Key << "bytes" << YAML::Value << core::format_bytes(w.bytes);
  out << YAML::Key << "group_size" << YAML::Value << w.group_size;
  out << YAML::Key << "algorithm" << YAML::Value << traffic::algorithm_name(w.algorithm);
  out << YAML::Key << "chunks" << YAML::Value << w.chunks;
  out << YAML::Key << "order" << YAML::Value << traffic::send_order_name(w.order);
  out << YAML::Key << "start" << YAML::Value << core::format_time(w.start);
  emit_placement(out, w.placement);
}

void emit_workload(YAML::Emitter& out, const traffic::CollectiveSpec& w) {
  out << YAML::Key << "kind" << YAML::Value << traffic::kind_name(w);
  out << YAML::Key << "bytes" << YAML::Value << core::format_bytes(w.bytes);
  out << YAML::Key << "algorithm" << YAML::Value << traffic::algorithm_name(w.algorithm);
  out << YAML::Key << "chunks" << YAML::Value << w.chunks;
  out << YAML::Key << "order" << YAML::Value << traffic::send_order_name(w.order);
  out << YAML::Key << "iterations" << YAML::Value << w.iterations;
  out << YAML::Key << "compute" << YAML::Value << core::format_time(w.compute);
  out << YAML::Key << "start" << YAML::Value << core::format_time(w.start);
  emit_placement(out, w.placement);
}

}  // namespace fabricsim::scenario
