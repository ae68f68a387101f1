#include "scenario/net_params.hpp"

#include <yaml-cpp/yaml.h>

#include <limits>

#include "core/unit_parse.hpp"
#include "scenario/read.hpp"
#include "scenario/suggest.hpp"
#include "scenario/workloads.hpp"

namespace fabricsim::scenario {
namespace {

const Keys kTransportKeys{"kind",
                          "mtu",
                          "header",
                          "initial_window",
                          "min_rto",
                          "reorder_threshold",
                          "reorder_window",
                          "tail_loss_probe",
                          "gain"};
const Keys kSwitchKeys{"latency", "buffer_per_port", "shared_buffer", "ecn"};
const Keys kSharedBufferKeys{"size", "alpha"};
const Keys kEcnKeys{"kmin", "kmax", "pmax"};
constexpr double kUnbounded = std::numeric_limits<double>::infinity();

/// A number in (0, max]; max infinite means only "> 0".
double read_positive(const Tree& t, const std::string& path, double max) {
  const double v = read_number(t, path);
  if (!(v > 0 && v <= max)) {
    fail(t.where(), path,
         (max == kUnbounded ? std::string("must be greater than zero")
                            : "must be in (0, " + exact_number(max) + "]") +
             ", got " + t.scalar);
  }
  return v;
}

/// Where to blame a conflict between two keys of one map: `first` when given, else `second`.
std::pair<const Tree*, std::string> blame_either(const Tree& t, const std::string& path,
                                                 const char* first, const char* second) {
  const char* key = t.find(first) != nullptr ? first : second;
  return {t.find(key), child(path, key)};
}

net::SharedBufferParams read_shared_buffer(const Tree& t, const std::string& path) {
  check_map(t, path, kSharedBufferKeys);
  net::SharedBufferParams spec;
  if (const Tree* v = t.find("size")) spec.size = read_bytes(*v, child(path, "size"));
  if (const Tree* v = t.find("alpha"))
    spec.alpha = read_positive(*v, child(path, "alpha"), kUnbounded);
  return spec;
}

net::EcnParams read_ecn(const Tree& t, const std::string& path) {
  check_map(t, path, kEcnKeys);
  net::EcnParams spec;
  if (const Tree* v = t.find("kmin")) spec.kmin = read_bytes(*v, child(path, "kmin"));
  if (const Tree* v = t.find("kmax")) spec.kmax = read_bytes(*v, child(path, "kmax"));
  if (const Tree* v = t.find("pmax")) spec.pmax = read_positive(*v, child(path, "pmax"), 1.0);
  if (spec.kmin > spec.kmax) {
    const auto [v, key] = blame_either(t, path, "kmin", "kmax");
    fail(v->where(), key,
         "kmin (" + core::format_bytes(spec.kmin) + ") must not exceed kmax (" +
             core::format_bytes(spec.kmax) + ")");
  }
  return spec;
}

}  // namespace

net::TransportParams read_transport(const Tree& t) {
  const std::string path = "transport";
  check_map(t, path, kTransportKeys);
  net::TransportParams spec;
  if (const Tree* v = t.find("kind")) {
    Keys names;
    for (const net::TransportInfo& info : net::transports()) names.emplace_back(info.name);
    spec.kind = read_choice(*v, child(path, "kind"), "transport", names);
  }
  if (const Tree* v = t.find("mtu")) spec.mtu = read_bytes(*v, child(path, "mtu"));
  if (const Tree* v = t.find("header")) spec.header = read_bytes(*v, child(path, "header"));
  if (const Tree* v = t.find("initial_window")) {
    const std::string key = child(path, "initial_window");
    const bool bdp = is_word(*v, key, "bdp", "a size such as 64KiB") || v->scalar == "0";
    spec.initial_window = bdp ? core::Bytes{0} : read_bytes(*v, key);
  }
  if (const Tree* v = t.find("min_rto"))
    spec.min_rto = read_time(*v, child(path, "min_rto"), false);
  if (const Tree* v = t.find("reorder_threshold")) {
    spec.reorder_threshold = read_u32(*v, child(path, "reorder_threshold"), 1);
  }
  if (const Tree* v = t.find("reorder_window")) {
    const std::string key = child(path, "reorder_window");
    spec.reorder_window = is_word(*v, key, "auto", "a time such as 2us")
                              ? std::nullopt
                              : std::optional(read_time(*v, key, true));
  }
  if (const Tree* v = t.find("tail_loss_probe")) {
    spec.tail_loss_probe = read_choice(*v, child(path, "tail_loss_probe"),
                                       "tail_loss_probe setting", {"on", "off"}) == "on";
  }
  if (const Tree* v = t.find("gain")) spec.gain = read_positive(*v, child(path, "gain"), 1.0);
  if (spec.header >= spec.mtu) {
    const auto [v, key] = blame_either(t, path, "header", "mtu");
    fail(v->where(), key,
         "header (" + core::format_bytes(spec.header) + ") must be smaller than mtu (" +
             core::format_bytes(spec.mtu) + ")");
  }
  return spec;
}

net::SwitchParams read_switch(const Tree& t, core::Bytes mtu) {
  const std::string path = "switch";
  check_map(t, path, kSwitchKeys);
  net::SwitchParams spec;
  if (const Tree* v = t.find("latency")) spec.latency = read_time(*v, child(path, "latency"), true);
  if (const Tree* v = t.find("buffer_per_port")) {
    const std::string key = child(path, "buffer_per_port");
    spec.buffer_per_port = is_word(*v, key, "unlimited", "a size such as 1MiB")
                               ? std::nullopt
                               : std::optional(read_bytes(*v, key));
    if (spec.buffer_per_port && *spec.buffer_per_port < mtu) {
      fail(v->where(), key,
           "a port must hold at least one packet: " + core::format_bytes(*spec.buffer_per_port) +
               " is less than transport.mtu (" + core::format_bytes(mtu) + ")");
    }
  }
  if (const Tree* v = t.find("shared_buffer")) {
    const std::string key = child(path, "shared_buffer");
    spec.shared_buffer = is_word(*v, key, "off", "a map with keys " + join(kSharedBufferKeys))
                             ? std::nullopt
                             : std::optional(read_shared_buffer(*v, key));
  }
  if (const Tree* v = t.find("ecn")) {
    const std::string key = child(path, "ecn");
    spec.ecn = is_word(*v, key, "off", "a map with keys " + join(kEcnKeys))
                   ? std::nullopt
                   : std::optional(read_ecn(*v, key));
  }
  return spec;
}

void emit_transport(YAML::Emitter& out, const net::TransportParams& t) {
  out << YAML::Key << "transport" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "kind" << YAML::Value << t.kind;
  out << YAML::Key << "mtu" << YAML::Value << core::format_bytes(t.mtu);
  out << YAML::Key << "header" << YAML::Value << core::format_bytes(t.header);
  out << YAML::Key << "initial_window" << YAML::Value
      << (t.initial_window.count() == 0 ? std::string("bdp")
                                        : core::format_bytes(t.initial_window));
  out << YAML::Key << "min_rto" << YAML::Value << core::format_time(t.min_rto);
  out << YAML::Key << "reorder_threshold" << YAML::Value << t.reorder_threshold;
  out << YAML::Key << "reorder_window" << YAML::Value
      << (t.reorder_window ? core::format_time(*t.reorder_window) : std::string("auto"));
  out << YAML::Key << "tail_loss_probe" << YAML::Value << (t.tail_loss_probe ? "on" : "off");
  out << YAML::Key << "gain" << YAML::Value << exact_number(t.gain);
  out << YAML::EndMap;
}

void emit_switch(YAML::Emitter& out, const net::SwitchParams& s) {
  out << YAML::Key << "switch" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "latency" << YAML::Value << core::format_time(s.latency);
  out << YAML::Key << "buffer_per_port" << YAML::Value
      << (s.buffer_per_port ? core::format_bytes(*s.buffer_per_port) : std::string("unlimited"));
  out << YAML::Key << "shared_buffer" << YAML::Value;
  if (s.shared_buffer) {
    out << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "size" << YAML::Value << core::format_bytes(s.shared_buffer->size);
    out << YAML::Key << "alpha" << YAML::Value << exact_number(s.shared_buffer->alpha);
    out << YAML::EndMap;
  } else {
    out << "off";
  }
  out << YAML::Key << "ecn" << YAML::Value;
  if (s.ecn) {
    out << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "kmin" << YAML::Value << core::format_bytes(s.ecn->kmin);
    out << YAML::Key << "kmax" << YAML::Value << core::format_bytes(s.ecn->kmax);
    out << YAML::Key << "pmax" << YAML::Value << exact_number(s.ecn->pmax);
    out << YAML::EndMap;
  } else {
    out << "off";
  }
  out << YAML::EndMap;
}

}  // namespace fabricsim::scenario
