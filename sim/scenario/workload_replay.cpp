#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <stdexcept>

#include "core/unit_parse.hpp"
#include "scenario/read.hpp"
#include "scenario/suggest.hpp"
#include "scenario/validate.hpp"
#include "scenario/workloads.hpp"

namespace fabricsim::scenario {
namespace {
const Keys kConnectionMatrixKeys{"kind", "file", "start", "placement"};
const Keys kBackgroundKeys{"kind",      "load",    "sizes",        "duration", "start",
                           "max_flows", "sources", "destinations", "placement"};
const Keys kSizeDists{"web_search", "data_mining", "fixed", "exponential"};
const Keys kSizeKeys{"dist", "bytes", "mean"};

/// `sizes:` a distribution name, or a map {dist, bytes (fixed), mean (exponential)}.
traffic::FlowSizes read_sizes(const Tree& t, const std::string& path) {
  using Dist = traffic::FlowSizes::Dist;
  const Tree* dist = &t;
  std::string dist_path = path;
  if (t.is_map()) {
    check_map(t, path, kSizeKeys);
    dist = t.find("dist");
    if (dist == nullptr) {
      fail(t.where(), path, "missing key 'dist' (valid: " + join(kSizeDists) + ")");
    }
    dist_path = child(path, "dist");
  }
  const std::string& name = read_choice(*dist, dist_path, "size distribution", kSizeDists);
  traffic::FlowSizes sizes;
  if (name == "web_search" || name == "data_mining") {
    sizes.cdf = name == "web_search" ? traffic::FlowSizeCdf::Name::web_search
                                     : traffic::FlowSizeCdf::Name::data_mining;
  } else {
    sizes.dist = name == "fixed" ? Dist::fixed : Dist::exponential;
  }
  // Each parameter belongs to one distribution and is required there.
  struct Param {
    const char* key;
    Dist owner;
    const char* owner_name;
    const char* meaning;
  };
  constexpr Param kParams[] = {{"bytes", Dist::fixed, "fixed", "the size of every flow"},
                               {"mean", Dist::exponential, "exponential", "the mean flow size"}};
  for (const Param& p : kParams) {
    const Tree* v = t.is_map() ? t.find(p.key) : nullptr;
    if (v != nullptr && sizes.dist != p.owner) {
      fail(v->key_origin, child(path, p.key),
           std::string("applies only to dist: ") + p.owner_name + " (dist here is " + name + ")");
    }
  }
  for (const Param& p : kParams) {
    if (sizes.dist != p.owner) continue;
    const Tree* v = t.is_map() ? t.find(p.key) : nullptr;
    if (v == nullptr) {
      fail(dist->where(), dist_path,
           "dist: " + name + " needs `" + p.key + "` (" + p.meaning + "), e.g. {dist: " + name +
               ", " + p.key + ": 1500B}");
    }
    sizes.bytes = read_bytes(*v, child(path, p.key));
  }
  return sizes;
}

/// `sources:` or `destinations:`: distinct placement ranks, at least one.
std::vector<std::uint32_t> read_ranks(const Tree& t, const std::string& path, std::uint32_t gpus) {
  if (!t.is_list() || t.items.empty()) {
    fail(t.where(), path, "expected a non-empty list of placement ranks, got " + describe(t));
  }
  std::vector<std::uint32_t> ranks;
  for (std::size_t i = 0; i < t.items.size(); ++i) {
    const std::string item_path = child(path, std::to_string(i));
    const auto r = static_cast<std::uint32_t>(read_count(t.items[i], item_path, 0, gpus - 1));
    if (std::find(ranks.begin(), ranks.end(), r) != ranks.end()) {
      fail(t.items[i].where(), item_path, "rank " + std::to_string(r) + " is listed twice");
    }
    ranks.push_back(r);
  }
  return ranks;
}

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
  spec.connections = matrix.connections.size();
  for (const traffic::Connection& c : matrix.connections) {
    spec.total_bytes += static_cast<double>(c.bytes.count());
    spec.last_start = std::max(spec.last_start, c.start);
  }
  check_flows(item, path, "file", matrix.connections.size(),
              "the matrix lists " + std::to_string(matrix.connections.size()) + " connections, so");
  return spec;
}

traffic::BackgroundSpec read_background(const Tree& item, const std::string& path,
                                        std::uint32_t hosts) {
  if (const Tree* v = item.find("cdf")) {
    fail(v->key_origin, child(path, "cdf"), "renamed: write `sizes: " + v->scalar + "`");
  }
  check_map(item, path, kBackgroundKeys);
  traffic::BackgroundSpec spec;
  if (const Tree* v = item.find("load")) {
    spec.load = read_number(*v, child(path, "load"));
    if (!(spec.load > 0 && spec.load <= 1)) {
      fail(v->where(), child(path, "load"),
           "must be a fraction of the host link rate in (0, 1], got " + v->scalar);
    }
  }
  if (const Tree* v = item.find("sizes")) spec.sizes = read_sizes(*v, child(path, "sizes"));
  if (const Tree* v = item.find("duration")) {
    spec.duration = read_time(*v, child(path, "duration"), false);
  }
  if (const Tree* v = item.find("start")) spec.start = read_time(*v, child(path, "start"), true);
  if (const Tree* v = item.find("max_flows")) {
    spec.max_flows = read_count(*v, child(path, "max_flows"), 1, kMaxFlowsPerWorkload);
  }
  spec.placement = read_placement(item, path, hosts);
  const std::uint32_t gpus = traffic::placed_count(spec.placement, hosts);
  if (gpus < 2) {
    const auto [origin, key] = blame_in(item, path, "placement");
    fail(origin, key, "background traffic needs at least 2 GPUs");
  }
  if (const Tree* v = item.find("sources"))
    spec.sources = read_ranks(*v, child(path, "sources"), gpus);
  if (const Tree* v = item.find("destinations")) {
    spec.destinations = read_ranks(*v, child(path, "destinations"), gpus);
    // A source needs a destination other than itself.
    if (spec.destinations.size() == 1) {
      const std::uint32_t only = spec.destinations[0];
      const bool sends = spec.sources.empty() || std::find(spec.sources.begin(), spec.sources.end(),
                                                           only) != spec.sources.end();
      if (sends) {
        fail(v->where(), child(path, "destinations"),
             "rank " + std::to_string(only) +
                 " is a source whose only destination is itself; list another destination "
                 "or leave it out of `sources`");
      }
    }
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
  out << YAML::Key << "sizes" << YAML::Value;
  if (w.sizes.dist == traffic::FlowSizes::Dist::cdf) {
    out << std::string(traffic::FlowSizeCdf::name_of(w.sizes.cdf));
  } else {
    const bool fixed = w.sizes.dist == traffic::FlowSizes::Dist::fixed;
    out << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "dist" << YAML::Value << (fixed ? "fixed" : "exponential");
    out << YAML::Key << (fixed ? "bytes" : "mean") << YAML::Value
        << core::format_bytes(w.sizes.bytes);
    out << YAML::EndMap;
  }
  out << YAML::Key << "duration" << YAML::Value << core::format_time(w.duration);
  out << YAML::Key << "start" << YAML::Value << core::format_time(w.start);
  out << YAML::Key << "max_flows" << YAML::Value << w.max_flows;
  if (!w.sources.empty()) out << YAML::Key << "sources" << YAML::Value << YAML::Flow << w.sources;
  if (!w.destinations.empty()) {
    out << YAML::Key << "destinations" << YAML::Value << YAML::Flow << w.destinations;
  }
  emit_placement(out, w.placement);
}

}  // namespace fabricsim::scenario
