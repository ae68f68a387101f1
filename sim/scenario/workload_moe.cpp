#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "core/limits.hpp"
#include "core/unit_parse.hpp"
#include "scenario/read.hpp"
#include "scenario/suggest.hpp"
#include "scenario/validate.hpp"
#include "scenario/workloads.hpp"

namespace fabricsim::scenario {
namespace {
const Keys kMoeKeys{"kind",
                    "experts",
                    "top_k",
                    "tokens_per_gpu",
                    "hidden",
                    "bytes_per_element",
                    "dispatch_bytes_per_element",
                    "combine_bytes_per_element",
                    "gpus",
                    "placement",
                    "load",
                    "skew",
                    "expert_placement",
                    "balancer",
                    "capacity_factor",
                    "flops_per_token",
                    "gpu_flops",
                    "layers",
                    "iterations",
                    "backward",
                    "routing_trace",
                    "dispatch",
                    "order",
                    "start"};
const Keys kLoadKeys{"dist", "s", "sigma", "fraction", "share", "vary", "affinity"};
const Keys kDists{"uniform", "zipf", "lognormal", "hot"};
const Keys kVary{"none", "layer", "iteration", "both"};
const Keys kExpertPlacementKeys{"kind", "gpus"};
const Keys kExpertPlacements{"round_robin", "contiguous", "listed", "balanced"};
const Keys kBalancerKeys{"kind", "gamma", "replicas"};
const Keys kBalancers{"none", "bias", "balanced", "replicate"};
const Keys kTraceKeys{"file"};
const Keys kDispatches{"per_gpu", "per_expert"};

/// The index of `name` in `names` (read_choice has checked it is there).
template <typename Enum>
Enum index_of(const Keys& names, const std::string& name) {
  return static_cast<Enum>(std::find(names.begin(), names.end(), name) - names.begin());
}

/// A number in [lo, hi].
double read_in(const Tree& t, const std::string& path, double lo, double hi) {
  const double v = read_number(t, path);
  if (v < lo || v > hi) {
    fail(t.where(), path,
         "must be in [" + exact_number(lo) + ", " + exact_number(hi) + "], got " + t.scalar);
  }
  return v;
}

/// `skew:` (or `load:`, the same map): the expert popularity distribution.
traffic::LoadSpec read_load(const Tree& t, const std::string& path) {
  check_map(t, path, kLoadKeys);
  traffic::LoadSpec load;
  using Dist = traffic::LoadSpec::Dist;
  if (const Tree* v = t.find("dist")) {
    load.dist =
        index_of<Dist>(kDists, read_choice(*v, child(path, "dist"), "distribution", kDists));
  }
  // Each parameter belongs to one distribution; elsewhere it is a mistake, not a no-op.
  const auto param = [&](const char* key, Dist owner, double lo, double hi, double& out) {
    const Tree* v = t.find(key);
    if (v == nullptr) return;
    if (load.dist != owner) {
      fail(v->where(), child(path, key),
           std::string("applies only to dist: ") + kDists[static_cast<int>(owner)] +
               " (dist here is " + kDists[static_cast<int>(load.dist)] + ")");
    }
    out = read_in(*v, child(path, key), lo, hi);
  };
  param("s", Dist::zipf, 0, 1e3, load.s);
  param("sigma", Dist::lognormal, 0, 1e2, load.sigma);
  param("fraction", Dist::hot, 0, 1, load.fraction);
  param("share", Dist::hot, 0, 1, load.share);
  if (const Tree* v = t.find("fraction"); v != nullptr && load.fraction == 0) {
    fail(v->where(), child(path, "fraction"), "must be more than 0 (at least one hot expert)");
  }
  if (const Tree* v = t.find("vary")) {
    load.vary = index_of<traffic::LoadSpec::Vary>(
        kVary, read_choice(*v, child(path, "vary"), "vary", kVary));
  }
  if (const Tree* v = t.find("affinity"))
    load.affinity = read_in(*v, child(path, "affinity"), 0, 1);
  return load;
}

/// `expert_placement:` a kind name, or {kind: listed, gpus: [rank of each expert's GPU]}.
traffic::ExpertPlacement read_expert_placement(const Tree& t, const std::string& path,
                                               std::uint32_t experts, std::uint32_t gpus) {
  traffic::ExpertPlacement p;
  using Kind = traffic::ExpertPlacement::Kind;
  const Tree* kind = &t;
  std::string kind_path = path;
  if (t.is_map()) {
    check_map(t, path, kExpertPlacementKeys);
    kind = t.find("kind");
    kind_path = child(path, "kind");
    if (kind == nullptr)
      fail(t.where(), path,
           "missing key 'kind' (valid: round_robin, contiguous, listed, balanced)");
  }
  p.kind = index_of<Kind>(kExpertPlacements,
                          read_choice(*kind, kind_path, "expert placement", kExpertPlacements));
  const Tree* list = t.is_map() ? t.find("gpus") : nullptr;
  if ((p.kind == Kind::listed) != (list != nullptr)) {
    fail(t.where(), path,
         p.kind == Kind::listed ? "kind: listed needs `gpus`, the GPU of each expert"
                                : "`gpus` goes with kind: listed");
  }
  if (list == nullptr) return p;
  const std::string list_path = child(path, "gpus");
  if (!list->is_list())
    fail(list->where(), list_path, "expected a list of GPU ranks, got " + describe(*list));
  if (list->items.size() != experts) {
    fail(list->where(), list_path,
         "lists " + std::to_string(list->items.size()) + " GPUs but there are " +
             std::to_string(experts) + " experts");
  }
  for (std::size_t i = 0; i < list->items.size(); ++i) {
    p.gpus.push_back(static_cast<std::uint32_t>(
        read_count(list->items[i], child(list_path, std::to_string(i)), 0, gpus - 1)));
  }
  return p;
}

/// `balancer:` a kind name, or {kind, gamma (bias), replicas (replicate)}.
traffic::BalancerSpec read_balancer(const Tree& t, const std::string& path, std::uint32_t experts) {
  traffic::BalancerSpec b;
  using Kind = traffic::BalancerSpec::Kind;
  const Tree* kind = t.is_map() ? t.find("kind") : &t;
  const std::string kind_path = t.is_map() ? child(path, "kind") : path;
  if (t.is_map()) check_map(t, path, kBalancerKeys);
  if (kind == nullptr)
    fail(t.where(), path, "missing key 'kind' (valid: none, bias, balanced, replicate)");
  if (kind->is_scalar() && kind->scalar == "capacity") {
    fail(kind->where(), kind_path,
         "dropping over capacity is set by the workload's capacity_factor, not a balancer");
  }
  b.kind = index_of<Kind>(kBalancers, read_choice(*kind, kind_path, "balancer", kBalancers));
  if (!t.is_map()) return b;
  if (const Tree* v = t.find("gamma")) {
    if (b.kind != Kind::bias) fail(v->where(), child(path, "gamma"), "applies only to kind: bias");
    b.gamma = read_in(*v, child(path, "gamma"), 0, 10);
  }
  if (const Tree* v = t.find("replicas")) {
    if (b.kind != Kind::replicate)
      fail(v->where(), child(path, "replicas"), "applies only to kind: replicate");
    b.replicas = static_cast<std::uint32_t>(read_count(*v, child(path, "replicas"), 1, experts));
  }
  return b;
}

bool read_bool(const Tree& t, const std::string& path) {
  const std::string& text = scalar(t, path, "true or false");
  if (text != "true" && text != "false")
    fail(t.where(), path, "expected true or false, got '" + text + "'");
  return text == "true";
}

}  // namespace

traffic::MoeSpec read_moe(const Tree& item, const std::string& path, std::uint32_t hosts) {
  check_map(item, path, kMoeKeys);
  traffic::MoeSpec spec;
  const auto count = [&](const char* key, std::uint32_t& out, std::uint64_t min) {
    if (const Tree* v = item.find(key)) out = read_u32(*v, child(path, key), min);
  };
  count("experts", spec.experts, 1);
  count("top_k", spec.top_k, 1);
  count("tokens_per_gpu", spec.tokens_per_gpu, 1);
  count("hidden", spec.hidden, 1);
  count("bytes_per_element", spec.bytes_per_element, 1);
  count("dispatch_bytes_per_element", spec.dispatch_bytes_per_element, 1);
  count("combine_bytes_per_element", spec.combine_bytes_per_element, 1);
  count("layers", spec.layers, 1);
  count("iterations", spec.iterations, 1);
  if (spec.top_k > spec.experts) {
    const auto [origin, key] = blame_in(item, path, item.find("top_k") ? "top_k" : "experts");
    fail(origin, key,
         "top_k (" + std::to_string(spec.top_k) + ") must be at most experts (" +
             std::to_string(spec.experts) + ")");
  }
  // `gpus: G` is short for `placement: {gpus: G}`.
  if (item.find("gpus") != nullptr && item.find("placement") != nullptr) {
    fail(item.find("gpus")->where(), child(path, "gpus"), "set either gpus or placement, not both");
  }
  spec.placement = read_placement(item, path, hosts);
  if (item.find("gpus") != nullptr) spec.placement.gpus = read_group(item, path, "gpus", hosts);
  const std::uint32_t gpus = traffic::placed_count(spec.placement, hosts);
  if (gpus < 2) {
    const auto [origin, key] = blame_in(item, path, "placement");
    fail(origin, key,
         "an MoE group needs at least 2 GPUs, the placement gives " + std::to_string(gpus));
  }

  if (item.find("load") != nullptr && item.find("skew") != nullptr) {
    fail(item.find("skew")->where(), child(path, "skew"),
         "skew and load are two names of one map; set only one");
  }
  for (const char* key : {"load", "skew"}) {
    if (const Tree* v = item.find(key)) spec.skew = read_load(*v, child(path, key));
  }
  if (const Tree* v = item.find("expert_placement")) {
    spec.expert_placement =
        read_expert_placement(*v, child(path, "expert_placement"), spec.experts, gpus);
  }
  if (const Tree* v = item.find("balancer"))
    spec.balancer = read_balancer(*v, child(path, "balancer"), spec.experts);
  if (const Tree* v = item.find("capacity_factor"))
    spec.capacity_factor = read_in(*v, child(path, "capacity_factor"), 0, 1e3);
  if (const Tree* v = item.find("flops_per_token"))
    spec.flops_per_token = read_in(*v, child(path, "flops_per_token"), 0, 1e18);
  if (const Tree* v = item.find("gpu_flops")) {
    spec.gpu_flops = read_in(*v, child(path, "gpu_flops"), 0, 1e21);
    if (spec.gpu_flops == 0) fail(v->where(), child(path, "gpu_flops"), "must be more than 0");
  }
  if (const Tree* v = item.find("backward")) spec.backward = read_bool(*v, child(path, "backward"));
  if (const Tree* v = item.find("routing_trace")) {
    const std::string where = child(path, "routing_trace");
    check_map(*v, where, kTraceKeys);
    const Tree* file = v->find("file");
    if (file == nullptr)
      fail(v->where(), where, "missing key 'file' (the MoE routing trace to replay)");
    spec.routing_trace = resolve_input_file(*file, child(where, "file"), "MoE routing trace");
    // A trace fixes the routing: balancers that re-route and load models cannot apply.
    using Kind = traffic::BalancerSpec::Kind;
    if (spec.balancer.kind == Kind::bias || spec.balancer.kind == Kind::balanced) {
      fail(item.find("balancer")->where(), child(path, "balancer"),
           "re-routes tokens, but routing_trace fixes their experts");
    }
    for (const char* key : {"load", "skew"}) {
      if (const Tree* l = item.find(key))
        fail(l->where(), child(path, key),
             "does not apply with routing_trace (the trace gives the load)");
    }
  }
  if (const Tree* v = item.find("dispatch")) {
    const std::string& name = read_choice(*v, child(path, "dispatch"), "dispatch", kDispatches);
    spec.dispatch = index_of<traffic::Dispatch>(kDispatches, name);
  }
  spec.order = read_send_order(item, path);
  if (const Tree* v = item.find("start")) spec.start = read_time(*v, child(path, "start"), true);

  // Bytes one GPU sends per direction (at most): every local token to top_k experts.
  const std::uint32_t widest = std::max(
      {spec.bytes_per_element, spec.dispatch_bytes_per_element, spec.combine_bytes_per_element});
  const core::uint128 per_gpu =
      core::uint128{spec.tokens_per_gpu} * spec.top_k * spec.hidden * widest;
  if (per_gpu > static_cast<core::uint128>(kMaxMoeBytesPerGpu)) {
    const auto [origin, key] = blame_in(item, path, "tokens_per_gpu");
    fail(origin, key,
         "tokens_per_gpu x top_k x hidden x bytes_per_element is more than the limit of " +
             core::format_bytes(core::Bytes(kMaxMoeBytesPerGpu)) + " per GPU");
  }
  const std::uint64_t g = gpus;
  // Saturating: layers x iterations x 2 alone can pass 2^64.
  const std::uint64_t passes =
      core::saturating_mul(std::uint64_t{spec.layers} * spec.iterations, spec.backward ? 2 : 1);
  check_flows(item, path, item.find("gpus") ? "gpus" : "layers",
              core::saturating_mul(g * (g - 1) * 2, passes),
              "gpus x (gpus - 1) x 2 x passes = " + std::to_string(g) + " x " +
                  std::to_string(g - 1) + " x 2 x " + std::to_string(passes));
  return spec;
}

void emit_workload(YAML::Emitter& out, const traffic::MoeSpec& w) {
  out << YAML::Key << "kind" << YAML::Value << "moe";
  out << YAML::Key << "experts" << YAML::Value << w.experts;
  out << YAML::Key << "top_k" << YAML::Value << w.top_k;
  out << YAML::Key << "tokens_per_gpu" << YAML::Value << w.tokens_per_gpu;
  out << YAML::Key << "hidden" << YAML::Value << w.hidden;
  out << YAML::Key << "bytes_per_element" << YAML::Value << w.bytes_per_element;
  // 0 (follow bytes_per_element) is not a valid value to write back: leave those out.
  if (w.dispatch_bytes_per_element != 0) {
    out << YAML::Key << "dispatch_bytes_per_element" << YAML::Value << w.dispatch_bytes_per_element;
  }
  if (w.combine_bytes_per_element != 0) {
    out << YAML::Key << "combine_bytes_per_element" << YAML::Value << w.combine_bytes_per_element;
  }
  emit_placement(out, w.placement);
  if (w.routing_trace.empty()) {
    using Dist = traffic::LoadSpec::Dist;
    const traffic::LoadSpec& l = w.skew;
    // Under `skew`, the older name scripts and --set overrides already use.
    out << YAML::Key << "skew" << YAML::Value << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "dist" << YAML::Value << kDists[static_cast<int>(l.dist)];
    if (l.dist == Dist::zipf) out << YAML::Key << "s" << YAML::Value << exact_number(l.s);
    if (l.dist == Dist::lognormal)
      out << YAML::Key << "sigma" << YAML::Value << exact_number(l.sigma);
    if (l.dist == Dist::hot) {
      out << YAML::Key << "fraction" << YAML::Value << exact_number(l.fraction);
      out << YAML::Key << "share" << YAML::Value << exact_number(l.share);
    }
    // vary and affinity only when set, so the common case stays one short line.
    if (l.vary != traffic::LoadSpec::Vary::none)
      out << YAML::Key << "vary" << YAML::Value << kVary[static_cast<int>(l.vary)];
    if (l.affinity != 0) out << YAML::Key << "affinity" << YAML::Value << exact_number(l.affinity);
    out << YAML::EndMap;
  } else {
    out << YAML::Key << "routing_trace" << YAML::Value << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "file" << YAML::Value << w.routing_trace << YAML::EndMap;
  }
  out << YAML::Key << "expert_placement" << YAML::Value;
  if (w.expert_placement.kind == traffic::ExpertPlacement::Kind::listed) {
    out << YAML::Flow << YAML::BeginMap << YAML::Key << "kind" << YAML::Value << "listed";
    out << YAML::Key << "gpus" << YAML::Value << YAML::Flow << w.expert_placement.gpus
        << YAML::EndMap;
  } else {
    out << kExpertPlacements[static_cast<int>(w.expert_placement.kind)];
  }
  const traffic::BalancerSpec& b = w.balancer;
  out << YAML::Key << "balancer" << YAML::Value << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "kind" << YAML::Value << kBalancers[static_cast<int>(b.kind)];
  if (b.kind == traffic::BalancerSpec::Kind::bias)
    out << YAML::Key << "gamma" << YAML::Value << exact_number(b.gamma);
  if (b.kind == traffic::BalancerSpec::Kind::replicate)
    out << YAML::Key << "replicas" << YAML::Value << b.replicas;
  out << YAML::EndMap;
  out << YAML::Key << "capacity_factor" << YAML::Value << exact_number(w.capacity_factor);
  out << YAML::Key << "flops_per_token" << YAML::Value << exact_number(w.flops_per_token);
  out << YAML::Key << "gpu_flops" << YAML::Value << exact_number(w.gpu_flops);
  out << YAML::Key << "layers" << YAML::Value << w.layers;
  out << YAML::Key << "iterations" << YAML::Value << w.iterations;
  out << YAML::Key << "backward" << YAML::Value << (w.backward ? "true" : "false");
  out << YAML::Key << "dispatch" << YAML::Value << traffic::dispatch_name(w.dispatch);
  out << YAML::Key << "order" << YAML::Value << traffic::send_order_name(w.order);
  out << YAML::Key << "start" << YAML::Value << core::format_time(w.start);
}

}  // namespace fabricsim::scenario
