#include "scenario/validate.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include "core/unit_parse.hpp"
#include "scenario/suggest.hpp"

namespace fabricsim::scenario {
namespace {

using Keys = std::vector<std::string>;
constexpr std::uint64_t kMaxU32 = std::numeric_limits<std::uint32_t>::max();

const Keys kTopKeys{"name", "seed", "model", "topology", "routing", "flow", "workload", "output"};
const Keys kFlowKeys{"batch_tolerance"};
constexpr double kMaxBatchTolerance = 0.1;
const Keys kTopologyKeys{"file",           "kind",           "leaves",    "spines",
                         "hosts_per_leaf", "links_per_pair", "host_link", "fabric_link"};
const Keys kLinkKeys{"rate", "latency"};
const Keys kRoutingKeys{"policy", "subflows"};
/// The workload table's names, so a new kind needs no edit here.
const Keys kWorkloadKinds = [] {
  Keys names;
  for (const traffic::WorkloadKind& kind : traffic::workload_kinds()) names.emplace_back(kind.name);
  return names;
}();
const Keys kPermutationKeys{"kind", "bytes", "start"};
const Keys kAllToAllKeys{"kind", "bytes", "group_size", "start"};
const Keys kMoeKeys{"kind", "experts", "top_k", "tokens_per_gpu", "hidden", "bytes_per_element",
                    "gpus", "skew",    "start"};
const Keys kSkewKeys{"dist", "s"};
const Keys kOutputKeys{"file", "sample_interval"};

std::string child(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : std::string(path) + "." + std::string(key);
}

/// 50000000 -> "50,000,000", so limits read at a glance.
std::string with_commas(std::uint64_t v) {
  const std::string digits = std::to_string(v);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

/// Requires a map whose keys all belong to `keys`; an unknown key gets a "did you mean".
void check_map(const Tree& tree, const std::string& path, const Keys& keys) {
  if (!tree.is_map()) {
    fail(tree.where(), path, "expected a map with keys " + join(keys) + "; got " + describe(tree));
  }
  for (const Tree& item : tree.items) {
    if (std::find(keys.begin(), keys.end(), item.key) == keys.end()) {
      fail(item.key_origin, child(path, item.key),
           "unknown key '" + item.key + "'" + valid_choices(item.key, keys));
    }
  }
}

const std::string& scalar(const Tree& t, const std::string& path, std::string_view expected) {
  if (!t.is_scalar())
    fail(t.where(), path, "expected " + std::string(expected) + ", got " + describe(t));
  return t.scalar;
}

/// A whole number in [min, max], written in decimal digits ("16"; not "1.5", "abc", "-3").
std::uint64_t read_count(const Tree& t, const std::string& path, std::uint64_t min,
                         std::uint64_t max) {
  const std::string& text = scalar(t, path, "an integer");
  const bool negative = text.size() > 1 && text[0] == '-';
  const std::string_view digits = std::string_view(text).substr(negative ? 1 : 0);
  const bool all_digits = !digits.empty() && std::all_of(digits.begin(), digits.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
  if (!all_digits) fail(t.where(), path, "expected an integer, got '" + text + "'");
  if (negative) fail(t.where(), path, "must be at least " + std::to_string(min) + ", got " + text);
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || v > max) {
    fail(t.where(), path, "must be at most " + with_commas(max) + ", got " + text);
  }
  if (v < min) fail(t.where(), path, "must be at least " + std::to_string(min) + ", got " + text);
  return v;
}

std::uint32_t read_u32(const Tree& t, const std::string& path, std::uint64_t min) {
  return static_cast<std::uint32_t>(read_count(t, path, min, kMaxU32));
}

/// A finite decimal number such as 1.1.
double read_number(const Tree& t, const std::string& path) {
  const std::string& text = scalar(t, path, "a number");
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) {
    fail(t.where(), path, "expected a number such as 1.1, got '" + text + "'");
  }
  return v;
}

/// One of `choices`, with a "did you mean" when it is not.
const std::string& read_choice(const Tree& t, const std::string& path, std::string_view what,
                               const Keys& choices) {
  const std::string& text = scalar(t, path, "one of " + join(choices));
  if (std::find(choices.begin(), choices.end(), text) == choices.end()) {
    fail(t.where(), path,
         "unknown " + std::string(what) + " '" + text + "'" + valid_choices(text, choices));
  }
  return text;
}

/// A unit-carrying scalar parsed by `parse`; the core parser's message lists the units.
template <typename Parse>
auto read_unit(const Tree& t, const std::string& path, std::string_view example, Parse parse) {
  const std::string& text = scalar(t, path, "a value with a unit such as " + std::string(example));
  if (!text.empty() && text[0] == '-') {
    fail(t.where(), path, "must not be negative, got '" + text + "'");
  }
  try {
    return parse(text);
  } catch (const core::UnitError& e) {
    fail(t.where(), path, e.what());
  }
}

core::Time read_time(const Tree& t, const std::string& path, bool allow_zero) {
  const core::Time v = read_unit(t, path, "500ns", core::parse_time);
  if (!allow_zero && v.ps() == 0)
    fail(t.where(), path, "must be greater than zero, got '" + t.scalar + "'");
  return v;
}

core::Bytes read_bytes(const Tree& t, const std::string& path) {
  const core::Bytes v = read_unit(t, path, "1MiB", core::parse_bytes);
  if (v.count() == 0) fail(t.where(), path, "must be greater than zero, got '" + t.scalar + "'");
  return v;
}

core::Bitrate read_rate(const Tree& t, const std::string& path) {
  const core::Bitrate v = read_unit(t, path, "400Gbps", core::parse_bitrate);
  if (v.bps() == 0) fail(t.where(), path, "must be greater than zero, got '" + t.scalar + "'");
  return v;
}

topo::LinkSpec read_link(const Tree& t, const std::string& path) {
  check_map(t, path, kLinkKeys);
  topo::LinkSpec link;
  if (const Tree* v = t.find("rate")) link.rate = read_rate(*v, child(path, "rate"));
  if (const Tree* v = t.find("latency")) link.latency = read_time(*v, child(path, "latency"), true);
  return link;
}

topo::LeafSpineSpec read_topology(const Tree& t) {
  const std::string path = "topology";
  check_map(t, path, kTopologyKeys);
  topo::LeafSpineSpec spec;
  if (const Tree* v = t.find("kind"))
    read_choice(*v, "topology.kind", "topology kind", {"leaf_spine"});
  if (const Tree* v = t.find("leaves")) spec.leaves = read_u32(*v, "topology.leaves", 1);
  if (const Tree* v = t.find("spines")) spec.spines = read_u32(*v, "topology.spines", 1);
  if (const Tree* v = t.find("hosts_per_leaf")) {
    spec.hosts_per_leaf = read_u32(*v, "topology.hosts_per_leaf", 1);
  }
  if (const Tree* v = t.find("links_per_pair")) {
    spec.links_per_pair = read_u32(*v, "topology.links_per_pair", 1);
  }
  if (const Tree* v = t.find("host_link")) spec.host_link = read_link(*v, "topology.host_link");
  if (const Tree* v = t.find("fabric_link"))
    spec.fabric_link = read_link(*v, "topology.fabric_link");

  // Size limits, blamed on the first of the keys that set the offending product.
  const auto blame =
      [&](std::initializer_list<const char*> keys) -> std::pair<Origin, std::string> {
    for (const char* key : keys) {
      if (const Tree* v = t.find(key)) return {v->where(), child(path, key)};
    }
    return {t.where(), path};
  };
  const std::uint64_t hosts = std::uint64_t{spec.leaves} * spec.hosts_per_leaf;
  if (hosts > kMaxHosts) {
    const auto [origin, key] = blame({"leaves", "hosts_per_leaf"});
    fail(origin, key,
         std::to_string(spec.leaves) + " leaves x " + std::to_string(spec.hosts_per_leaf) +
             " hosts_per_leaf = " + with_commas(hosts) + " hosts, more than the limit of " +
             with_commas(kMaxHosts));
  }
  const core::uint128 cables = core::uint128{spec.leaves} * spec.spines * spec.links_per_pair;
  if (cables > kMaxFabricCables) {
    const auto [origin, key] = blame({"spines", "links_per_pair", "leaves"});
    fail(origin, key,
         "leaves x spines x links_per_pair = " + std::to_string(spec.leaves) + " x " +
             std::to_string(spec.spines) + " x " + std::to_string(spec.links_per_pair) +
             " fabric cables, more than the limit of " + with_commas(kMaxFabricCables));
  }
  return spec;
}

RoutingSpec read_routing(const Tree& t) {
  check_map(t, "routing", kRoutingKeys);
  RoutingSpec spec;
  if (const Tree* v = t.find("policy")) {
    Keys names;
    for (const routing::PolicyInfo& info : routing::policies()) names.emplace_back(info.name);
    spec.policy = read_choice(*v, "routing.policy", "policy", names);
  }
  if (const Tree* v = t.find("subflows")) {
    // "auto" is the only word allowed; anything else must be a count.
    const bool word = v->is_scalar() && !v->scalar.empty() &&
                      std::isalpha(static_cast<unsigned char>(v->scalar[0])) != 0;
    if (word && v->scalar != "auto") {
      fail(v->where(), "routing.subflows",
           "expected auto or an integer >= 1, got '" + v->scalar + "'");
    }
    if (!word) {
      spec.subflows =
          static_cast<std::uint32_t>(read_count(*v, "routing.subflows", 1, kMaxSubflows));
    }
  }
  return spec;
}

FlowSpec read_flow(const Tree& t) {
  check_map(t, "flow", kFlowKeys);
  FlowSpec spec;
  if (const Tree* v = t.find("batch_tolerance")) {
    spec.batch_tolerance = read_number(*v, "flow.batch_tolerance");
    if (spec.batch_tolerance < 0 || spec.batch_tolerance > kMaxBatchTolerance) {
      fail(v->where(), "flow.batch_tolerance",
           "must be in 0..0.1 (a fraction of each flow's completion time), got " + v->scalar);
    }
  }
  return spec;
}

/// Where to blame a cross-field problem: `key` when the item sets it, else the item's kind.
std::pair<Origin, std::string> blame_in(const Tree& item, const std::string& path,
                                        const char* key) {
  if (const Tree* v = item.find(key)) return {v->where(), child(path, key)};
  return {item.find("kind")->where(), child(path, "kind")};
}

void check_flows(const Tree& item, const std::string& path, const char* key, std::uint64_t flows,
                 const std::string& formula) {
  if (flows <= kMaxFlowsPerWorkload) return;
  const auto [origin, where] = blame_in(item, path, key);
  fail(origin, where,
       formula + " = " + with_commas(flows) + " flows, more than the limit of " +
           with_commas(kMaxFlowsPerWorkload) + " per workload");
}

/// An expert-parallel or all-to-all group size: 0 (all hosts) or 2..hosts.
std::uint32_t read_group(const Tree& item, const std::string& path, const char* key,
                         std::uint32_t hosts) {
  const Tree* v = item.find(key);
  if (v == nullptr) return 0;
  const std::string key_path = child(path, key);
  const std::uint64_t g = read_count(*v, key_path, 0, kMaxU32);
  if (g == 1) fail(v->where(), key_path, "must be 0 (all hosts) or at least 2, got 1");
  if (g > hosts) {
    fail(v->where(), key_path,
         "is " + std::to_string(g) + " but the topology has only " + std::to_string(hosts) +
             " hosts");
  }
  return static_cast<std::uint32_t>(g);
}

traffic::AllToAllSpec read_all_to_all(const Tree& item, const std::string& path,
                                      std::uint32_t hosts) {
  check_map(item, path, kAllToAllKeys);
  traffic::AllToAllSpec spec;
  if (const Tree* v = item.find("bytes")) spec.bytes = read_bytes(*v, child(path, "bytes"));
  if (const Tree* v = item.find("start")) spec.start = read_time(*v, child(path, "start"), true);
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
  spec.gpus = read_group(item, path, "gpus", hosts);
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
  const std::uint64_t gpus = spec.gpus == 0 ? hosts : spec.gpus;
  check_flows(item, path, "gpus", gpus * (gpus - 1) * 2,
              "gpus x (gpus - 1) x 2 = " + std::to_string(gpus) + " x " + std::to_string(gpus - 1) +
                  " x 2");
  return spec;
}

traffic::WorkloadSpec read_workload(const Tree& item, const std::string& path,
                                    std::uint32_t hosts) {
  if (!item.is_map()) {
    fail(item.where(), path,
         "expected a map with a kind (" + join(kWorkloadKinds) + "), got " + describe(item));
  }
  const Tree* kind_node = item.find("kind");
  if (kind_node == nullptr) {
    fail(item.where(), path, "missing key 'kind' (valid: " + join(kWorkloadKinds) + ")");
  }
  const std::string& kind =
      read_choice(*kind_node, child(path, "kind"), "workload kind", kWorkloadKinds);
  if (hosts < 2) {
    fail(kind_node->where(), child(path, "kind"),
         "a " + kind + " needs at least 2 hosts; the topology has " + std::to_string(hosts));
  }
  if (kind == "all_to_all") return read_all_to_all(item, path, hosts);
  if (kind == "moe") return read_moe(item, path, hosts);
  check_map(item, path, kPermutationKeys);
  traffic::PermutationSpec spec;
  if (const Tree* v = item.find("bytes")) spec.bytes = read_bytes(*v, child(path, "bytes"));
  if (const Tree* v = item.find("start")) spec.start = read_time(*v, child(path, "start"), true);
  return spec;
}

OutputSpec read_output(const Tree& t) {
  check_map(t, "output", kOutputKeys);
  OutputSpec spec;
  if (const Tree* v = t.find("file")) {
    spec.file = scalar(*v, "output.file", "a file name ending in .h5");
    if (spec.file.size() <= 3 || !spec.file.ends_with(".h5")) {
      fail(v->where(), "output.file", "must be a file name ending in .h5, got '" + spec.file + "'");
    }
  }
  if (const Tree* v = t.find("sample_interval")) {
    spec.sample_interval = read_time(*v, "output.sample_interval", false);
  }
  return spec;
}

}  // namespace

Scenario build_scenario(const Tree& root) {
  if (root.kind == Tree::Kind::null) {
    fail(root.origin, "", "the scenario is empty; it needs at least a `workload` list");
  }
  check_map(root, "", kTopKeys);
  Scenario s;
  if (const Tree* v = root.find("name")) s.name = scalar(*v, "name", "a string");
  if (const Tree* v = root.find("seed")) {
    s.seed = read_count(*v, "seed", 0, std::numeric_limits<std::uint64_t>::max());
  }
  if (const Tree* v = root.find("model")) {
    if (v->is_scalar() && v->scalar == "packet") {
      fail(v->where(), "model", "the packet model is not built yet; use flow (valid: flow)");
    }
    s.model = read_choice(*v, "model", "model", {"flow"});
  }
  if (const Tree* v = root.find("topology")) s.topology = read_topology(*v);
  if (const Tree* v = root.find("routing")) s.routing = read_routing(*v);
  if (const Tree* v = root.find("flow")) s.flow = read_flow(*v);

  const Tree* list = root.find("workload");
  if (list == nullptr) {
    fail(root.where(), "workload",
         "missing: a scenario needs a list of workloads (valid kinds: " + join(kWorkloadKinds) +
             ")");
  }
  if (!list->is_list()) {
    fail(list->where(), "workload",
         "expected a list of workloads (- kind: ...), got " + describe(*list));
  }
  if (list->items.empty()) {
    fail(list->where(), "workload",
         "the list is empty; give at least one workload (valid kinds: " + join(kWorkloadKinds) +
             ")");
  }
  const auto hosts = static_cast<std::uint32_t>(s.topology.leaves * s.topology.hosts_per_leaf);
  for (std::size_t i = 0; i < list->items.size(); ++i) {
    s.workloads.push_back(read_workload(list->items[i], "workload." + std::to_string(i), hosts));
  }
  if (const Tree* v = root.find("output")) s.output = read_output(*v);
  return s;
}

}  // namespace fabricsim::scenario
