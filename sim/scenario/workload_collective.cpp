#include <yaml-cpp/yaml.h>

#include <span>

#include "core/unit_parse.hpp"
#include "scenario/read.hpp"
#include "scenario/suggest.hpp"
#include "scenario/validate.hpp"
#include "scenario/workloads.hpp"

namespace fabricsim::scenario {
namespace {
const Keys kAllToAllKeys{"kind", "bytes", "group_size", "algorithm", "chunks", "start", "placement"};
const Keys kCollectiveKeys{"kind",    "algorithm", "bytes", "chunks",
                           "iterations", "compute", "start", "placement"};
constexpr std::uint32_t kMaxChunks = 1024;
constexpr std::uint32_t kMaxIterations = 100000;

Keys names(std::span<const traffic::Algorithm> algorithms) {
  Keys out;
  for (const traffic::Algorithm a : algorithms) out.emplace_back(traffic::algorithm_name(a));
  return out;
}

traffic::Algorithm read_algorithm(const Tree& t, const std::string& path,
                                  std::span<const traffic::Algorithm> valid) {
  const std::string& name = read_choice(t, path, "algorithm", names(valid));
  for (const traffic::Algorithm a : valid) {
    if (name == traffic::algorithm_name(a)) return a;
  }
  return valid.front();
}

std::uint32_t read_chunks(const Tree& item, const std::string& path) {
  const Tree* v = item.find("chunks");
  return v == nullptr ? 1 : static_cast<std::uint32_t>(read_count(*v, child(path, "chunks"), 1, kMaxChunks));
}
}  // namespace

traffic::AllToAllSpec read_all_to_all(const Tree& item, const std::string& path,
                                      std::uint32_t hosts) {
  check_map(item, path, kAllToAllKeys);
  traffic::AllToAllSpec spec;
  if (const Tree* v = item.find("bytes")) spec.bytes = read_bytes(*v, child(path, "bytes"));
  if (const Tree* v = item.find("start")) spec.start = read_time(*v, child(path, "start"), true);
  spec.placement = read_placement(item, path, hosts);
  static constexpr traffic::Algorithm kAllToAll[] = {traffic::Algorithm::direct, traffic::Algorithm::pairwise};
  if (const Tree* v = item.find("algorithm")) spec.algorithm = read_algorithm(*v, child(path, "algorithm"), kAllToAll);
  spec.chunks = read_chunks(item, path);
  const std::uint32_t gpus = traffic::placed_count(spec.placement, hosts);
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
  check_flows(
      item, path, "group_size", std::uint64_t{gpus} * (group - 1) * spec.chunks,
      "gpus x (group_size - 1) x chunks = " + std::to_string(gpus) + " x " + std::to_string(group - 1) +
          " x " + std::to_string(spec.chunks));
  return spec;
}

traffic::CollectiveSpec read_collective(const Tree& item, const std::string& path, std::uint32_t hosts,
                                        const std::string& kind) {
  using Op = traffic::CollectiveSpec::Op;
  check_map(item, path, kCollectiveKeys);
  traffic::CollectiveSpec spec;
  spec.op = kind == "all_reduce" ? Op::all_reduce : kind == "reduce_scatter" ? Op::reduce_scatter : Op::all_gather;
  spec.algorithm = traffic::algorithms_for(spec.op).front();
  if (const Tree* v = item.find("algorithm")) {
    spec.algorithm = read_algorithm(*v, child(path, "algorithm"), traffic::algorithms_for(spec.op));
  }
  if (const Tree* v = item.find("bytes")) spec.bytes = read_bytes(*v, child(path, "bytes"));
  spec.chunks = read_chunks(item, path);
  if (const Tree* v = item.find("iterations")) {
    spec.iterations = static_cast<std::uint32_t>(read_count(*v, child(path, "iterations"), 1, kMaxIterations));
  }
  if (const Tree* v = item.find("compute")) spec.compute = read_time(*v, child(path, "compute"), true);
  if (const Tree* v = item.find("start")) spec.start = read_time(*v, child(path, "start"), true);
  spec.placement = read_placement(item, path, hosts);
  const std::uint32_t gpus = traffic::placed_count(spec.placement, hosts);
  if (const std::string why = traffic::unsupported(spec.op, spec.algorithm, gpus); !why.empty()) {
    const auto [origin, key] = blame_in(item, path, "algorithm");
    fail(origin, key, why);
  }
  // At most N x N flows per round (direct), 2(N-1) rounds (ring): bound the total up front.
  const std::uint64_t per_round = std::uint64_t{gpus} * gpus;
  check_flows(item, path, "chunks", per_round * 2 * gpus * spec.chunks * spec.iterations,
              "gpus^2 x 2 gpus x chunks x iterations (an upper bound)");
  return spec;
}

void emit_workload(YAML::Emitter& out, const traffic::AllToAllSpec& w) {
  out << YAML::Key << "kind" << YAML::Value << "all_to_all";
  out << YAML::Key << "bytes" << YAML::Value << core::format_bytes(w.bytes);
  out << YAML::Key << "group_size" << YAML::Value << w.group_size;
  out << YAML::Key << "algorithm" << YAML::Value << traffic::algorithm_name(w.algorithm);
  out << YAML::Key << "chunks" << YAML::Value << w.chunks;
  out << YAML::Key << "start" << YAML::Value << core::format_time(w.start);
  emit_placement(out, w.placement);
}

void emit_workload(YAML::Emitter& out, const traffic::CollectiveSpec& w) {
  out << YAML::Key << "kind" << YAML::Value << traffic::kind_name(w);
  out << YAML::Key << "algorithm" << YAML::Value << traffic::algorithm_name(w.algorithm);
  out << YAML::Key << "bytes" << YAML::Value << core::format_bytes(w.bytes);
  out << YAML::Key << "chunks" << YAML::Value << w.chunks;
  out << YAML::Key << "iterations" << YAML::Value << w.iterations;
  out << YAML::Key << "compute" << YAML::Value << core::format_time(w.compute);
  out << YAML::Key << "start" << YAML::Value << core::format_time(w.start);
  emit_placement(out, w.placement);
}

}  // namespace fabricsim::scenario
