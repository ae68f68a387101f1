#include <yaml-cpp/yaml.h>

#include <stdexcept>

#include "core/unit_parse.hpp"
#include "scenario/read.hpp"
#include "scenario/suggest.hpp"
#include "scenario/validate.hpp"
#include "scenario/workloads.hpp"

namespace fabricsim::scenario {
namespace {
const Keys kConnectionMatrixKeys{"kind", "file", "start", "placement"};
const Keys kBackgroundKeys{"kind", "load", "cdf", "duration", "start", "max_flows", "placement"};
const Keys kCdfNames{"web_search", "data_mining"};
}  // namespace

traffic::ConnectionMatrixSpec read_connection_matrix(const Tree& item, const std::string& path,
                                                     std::uint32_t hosts) {
  check_map(item, path, kConnectionMatrixKeys);
  traffic::ConnectionMatrixSpec spec;
  const Tree* file = item.find("file");
  if (file == nullptr)
    fail(item.where(), path, "missing key 'file' (the connection matrix to import)");
  const std::string file_path = child(path, "file");
  spec.file = resolve_input_file(*file, file_path, "connection matrix");
  if (const Tree* v = item.find("start")) spec.start = read_time(*v, child(path, "start"), true);
  spec.placement = read_placement(item, path, hosts);

  // Read the matrix now, so a malformed file fails before anything is built.
  traffic::ConnectionMatrix matrix;
  try {
    matrix = traffic::load_connection_matrix(spec.file);
  } catch (const std::invalid_argument& e) {
    fail(file->where(), file_path, e.what());
  }
  const std::uint32_t gpus = traffic::placed_count(spec.placement, hosts);
  if (matrix.nodes > gpus) {
    const auto [origin, key] = blame_in(item, path, item.find("placement") ? "placement" : "file");
    fail(origin, key,
         "the matrix has " + std::to_string(matrix.nodes) + " nodes but the placement gives " +
             std::to_string(gpus) + " GPUs (node i runs on GPU i of the placement)");
  }
  check_flows(item, path, "file", matrix.connections.size(),
              "the matrix lists " + std::to_string(matrix.connections.size()) + " connections, so");
  return spec;
}

traffic::BackgroundSpec read_background(const Tree& item, const std::string& path,
                                        std::uint32_t hosts) {
  check_map(item, path, kBackgroundKeys);
  traffic::BackgroundSpec spec;
  if (const Tree* v = item.find("load")) {
    spec.load = read_number(*v, child(path, "load"));
    if (!(spec.load > 0 && spec.load <= 1)) {
      fail(v->where(), child(path, "load"),
           "must be a fraction of the host link rate in (0, 1], got " + v->scalar);
    }
  }
  if (const Tree* v = item.find("cdf")) {
    const std::string& cdf =
        read_choice(*v, child(path, "cdf"), "flow-size distribution", kCdfNames);
    spec.cdf = cdf == "web_search" ? traffic::FlowSizeCdf::Name::web_search
                                   : traffic::FlowSizeCdf::Name::data_mining;
  }
  if (const Tree* v = item.find("duration")) {
    spec.duration = read_time(*v, child(path, "duration"), false);
  }
  if (const Tree* v = item.find("start")) spec.start = read_time(*v, child(path, "start"), true);
  if (const Tree* v = item.find("max_flows")) {
    spec.max_flows = read_count(*v, child(path, "max_flows"), 1, kMaxFlowsPerWorkload);
  }
  spec.placement = read_placement(item, path, hosts);
  if (traffic::placed_count(spec.placement, hosts) < 2) {
    const auto [origin, key] = blame_in(item, path, "placement");
    fail(origin, key, "background traffic needs at least 2 GPUs");
  }
  return spec;
}

void emit_workload(YAML::Emitter& out, const traffic::ConnectionMatrixSpec& w) {
  out << YAML::Key << "kind" << YAML::Value << "connection_matrix";
  out << YAML::Key << "file" << YAML::Value << w.file;
  out << YAML::Key << "start" << YAML::Value << core::format_time(w.start);
  emit_placement(out, w.placement);
}

void emit_workload(YAML::Emitter& out, const traffic::BackgroundSpec& w) {
  out << YAML::Key << "kind" << YAML::Value << "background";
  out << YAML::Key << "load" << YAML::Value << exact_number(w.load);
  out << YAML::Key << "cdf" << YAML::Value << std::string(traffic::FlowSizeCdf::name_of(w.cdf));
  out << YAML::Key << "duration" << YAML::Value << core::format_time(w.duration);
  out << YAML::Key << "start" << YAML::Value << core::format_time(w.start);
  out << YAML::Key << "max_flows" << YAML::Value << w.max_flows;
  emit_placement(out, w.placement);
}

}  // namespace fabricsim::scenario
