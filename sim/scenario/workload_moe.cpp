#include <yaml-cpp/yaml.h>

#include "core/unit_parse.hpp"
#include "scenario/read.hpp"
#include "scenario/suggest.hpp"
#include "scenario/validate.hpp"
#include "scenario/workloads.hpp"

namespace fabricsim::scenario {
namespace {
const Keys kMoeKeys{"kind", "experts", "top_k", "tokens_per_gpu", "hidden", "bytes_per_element",
                    "gpus", "skew",    "start"};
const Keys kSkewKeys{"dist", "s"};

traffic::SkewSpec read_skew(const Tree& t, const std::string& path) {
  check_map(t, path, kSkewKeys);
  traffic::SkewSpec skew;
  if (const Tree* v = t.find("dist")) {
    const std::string& dist =
        read_choice(*v, child(path, "dist"), "distribution", {"uniform", "zipf"});
    skew.dist = dist == "zipf" ? traffic::SkewSpec::Dist::zipf : traffic::SkewSpec::Dist::uniform;
  }
  if (const Tree* v = t.find("s")) {
    if (skew.dist != traffic::SkewSpec::Dist::zipf) {
      fail(v->where(), child(path, "s"), "applies only to dist: zipf (dist here is uniform)");
    }
    skew.s = read_number(*v, child(path, "s"));
    if (skew.s < 0) fail(v->where(), child(path, "s"), "must be >= 0, got " + v->scalar);
  }
  return skew;
}

}  // namespace

traffic::MoeSpec read_moe(const Tree& item, const std::string& path, std::uint32_t hosts) {
  check_map(item, path, kMoeKeys);
  traffic::MoeSpec spec;
  const auto count = [&](const char* key, std::uint32_t& out) {
    if (const Tree* v = item.find(key)) out = read_u32(*v, child(path, key), 1);
  };
  count("experts", spec.experts);
  count("top_k", spec.top_k);
  count("tokens_per_gpu", spec.tokens_per_gpu);
  count("hidden", spec.hidden);
  count("bytes_per_element", spec.bytes_per_element);
  if (spec.top_k > spec.experts) {
    const auto [origin, key] = blame_in(item, path, item.find("top_k") ? "top_k" : "experts");
    fail(origin, key,
         "top_k (" + std::to_string(spec.top_k) + ") must be at most experts (" +
             std::to_string(spec.experts) + ")");
  }
  spec.placement.gpus = read_group(item, path, "gpus", hosts);
  if (const Tree* v = item.find("skew")) spec.skew = read_skew(*v, child(path, "skew"));
  if (const Tree* v = item.find("start")) spec.start = read_time(*v, child(path, "start"), true);

  // Bytes one GPU sends per direction (at most): every local token to top_k experts.
  const core::uint128 per_gpu =
      core::uint128{spec.tokens_per_gpu} * spec.top_k * spec.hidden * spec.bytes_per_element;
  if (per_gpu > static_cast<core::uint128>(kMaxMoeBytesPerGpu)) {
    const auto [origin, key] = blame_in(item, path, "tokens_per_gpu");
    fail(origin, key,
         "tokens_per_gpu x top_k x hidden x bytes_per_element is more than the limit of " +
             core::format_bytes(core::Bytes(kMaxMoeBytesPerGpu)) + " per GPU");
  }
  const std::uint64_t gpus = spec.placement.gpus == 0 ? hosts : spec.placement.gpus;
  check_flows(item, path, "gpus", gpus * (gpus - 1) * 2,
              "gpus x (gpus - 1) x 2 = " + std::to_string(gpus) + " x " + std::to_string(gpus - 1) +
                  " x 2");
  return spec;
}

void emit_workload(YAML::Emitter& out, const traffic::MoeSpec& w) {
  out << YAML::Key << "kind" << YAML::Value << "moe";
  out << YAML::Key << "experts" << YAML::Value << w.experts;
  out << YAML::Key << "top_k" << YAML::Value << w.top_k;
  out << YAML::Key << "tokens_per_gpu" << YAML::Value << w.tokens_per_gpu;
  out << YAML::Key << "hidden" << YAML::Value << w.hidden;
  out << YAML::Key << "bytes_per_element" << YAML::Value << w.bytes_per_element;
  out << YAML::Key << "gpus" << YAML::Value << w.placement.gpus;
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

}  // namespace fabricsim::scenario
