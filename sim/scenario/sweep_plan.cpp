#include "scenario/sweep_plan.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <string_view>
#include <utility>

namespace fabricsim::scenario {
namespace {

namespace fs = std::filesystem;

/// One axis: a key and the values it takes.
struct Axis {
  std::string key;
  std::vector<std::string> values;
};

/// Axes that advance together (a zip, or one plain axis): equal lengths.
using AxisGroup = std::vector<Axis>;

class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  [[noreturn]] void fail(const YAML::Node& at, std::string_view key, std::string_view what) const {
    const YAML::Mark mark = at.Mark();
    std::string where = path_;
    if (mark.line >= 0) {
      where += ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
    }
    throw SweepError(where + ": " + std::string(key) + ": " + std::string(what));
  }

  /// Checks that `node` is a map holding only `valid` keys.
  void expect_keys(const YAML::Node& node, std::string_view where,
                   const std::vector<std::string>& valid) const {
    std::string choices;
    for (const std::string& v : valid) choices += (choices.empty() ? "" : ", ") + v;
    if (!node.IsMap()) fail(node, where, "expected a map with keys " + choices);
    for (const auto& item : node) {
      const std::string key = item.first.as<std::string>();
      if (std::find(valid.begin(), valid.end(), key) == valid.end()) {
        fail(item.first, where.empty() ? key : std::string(where) + "." + key,
             "unknown key (valid: " + choices + ")");
      }
    }
  }

  /// A value as --set takes it: a scalar's text, or a list or map in YAML flow style.
  std::string value_text(const YAML::Node& node, std::string_view key) const {
    if (node.IsNull() || (node.IsScalar() && node.Scalar().empty())) {
      fail(node, key, "empty value (give the value, e.g. 2, ecmp or 10us)");
    }
    if (node.IsScalar()) return node.Scalar();
    YAML::Emitter out;
    out << YAML::Flow << node;
    return out.c_str();
  }

  Axis axis(const YAML::Node& node, std::string_view where) const {
    expect_keys(node, where, {"key", "values"});
    const YAML::Node key = node["key"];
    if (!key || !key.IsScalar() || key.Scalar().empty()) {
      fail(node, std::string(where) + ".key",
           "missing: name the overridden key, e.g. routing.policy");
    }
    Axis a{key.Scalar(), {}};
    const YAML::Node values = node["values"];
    if (!values || !values.IsSequence() || values.size() == 0) {
      fail(values ? values : node, a.key, "values: expected a non-empty list, e.g. [ecmp, spray]");
    }
    for (const YAML::Node& v : values) a.values.push_back(value_text(v, a.key));
    return a;
  }

  AxisGroup group(const YAML::Node& node, std::size_t index) const {
    const std::string where = "axes[" + std::to_string(index) + "]";
    if (!node.IsMap() || !node["zip"]) return {axis(node, where)};
    expect_keys(node, where, {"zip"});
    const YAML::Node zip = node["zip"];
    if (!zip.IsSequence() || zip.size() == 0) {
      fail(zip, where + ".zip", "expected a non-empty list of {key, values} axes");
    }
    AxisGroup g;
    for (std::size_t i = 0; i < zip.size(); ++i) {
      g.push_back(axis(zip[i], where + ".zip[" + std::to_string(i) + "]"));
      if (g.back().values.size() != g.front().values.size()) {
        fail(zip[i], g.back().key,
             "zipped lists must have equal lengths: " + std::to_string(g.back().values.size()) +
                 " values here, " + std::to_string(g.front().values.size()) + " for " +
                 g.front().key);
      }
    }
    return g;
  }

  Axis seeds(const YAML::Node& node) const {
    Axis a{"seed", {}};
    if (node.IsScalar()) {
      std::size_t count = 0;
      try {
        count = node.as<std::size_t>();
      } catch (const YAML::Exception&) {
        count = 0;
      }
      if (count == 0)
        fail(node, "seeds", "expected a count N >= 1 (seeds 1..N) or a list of seeds");
      for (std::size_t s = 1; s <= count; ++s) a.values.push_back(std::to_string(s));
      return a;
    }
    if (!node.IsSequence() || node.size() == 0) {
      fail(node, "seeds", "expected a count N >= 1 (seeds 1..N) or a non-empty list of seeds");
    }
    for (const YAML::Node& v : node) a.values.push_back(value_text(v, "seeds"));
    return a;
  }

 private:
  std::string path_;
};

Override split_cli(const std::string& arg) {
  const std::size_t eq = arg.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw SweepError("--set " + arg + ": expected KEY=VALUE, e.g. routing.policy=spray");
  }
  return {arg.substr(0, eq), arg.substr(eq + 1)};
}

YAML::Node read_file(const std::string& path) {
  if (!fs::is_regular_file(path)) throw SweepError(path + ": no such sweep file");
  try {
    return YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    throw SweepError(path + ":" + std::to_string(e.mark.line + 1) + ":" +
                     std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
}

}  // namespace

std::vector<std::string> SweepRun::args() const {
  std::vector<std::string> out;
  for (const Override& o : overrides) out.push_back(o.arg());
  return out;
}

std::string SweepRun::label() const {
  std::string out;
  for (std::size_t i = common; i < overrides.size(); ++i) {
    out += (out.empty() ? "" : " ") + overrides[i].arg();
  }
  return out;
}

SweepPlan load_sweep_plan(const std::string& path, const std::vector<std::string>& cli_overrides) {
  const Reader reader(path);
  const YAML::Node root = read_file(path);
  reader.expect_keys(root, "", {"scenario", "set", "axes", "seeds"});

  SweepPlan plan;
  const YAML::Node scenario = root["scenario"];
  if (!scenario || !scenario.IsScalar() || scenario.Scalar().empty()) {
    reader.fail(scenario ? scenario : root, "scenario",
                "missing: name the base scenario, relative to the sweep file");
  }
  const fs::path base = fs::path(path).parent_path() / scenario.Scalar();
  if (!fs::is_regular_file(base)) {
    reader.fail(scenario, "scenario",
                "no such file: " + base.string() + " (relative to the sweep file's folder)");
  }
  plan.scenario = base.lexically_normal().string();

  std::vector<Override> common;
  if (const YAML::Node set = root["set"]) {
    if (!set.IsMap()) reader.fail(set, "set", "expected a map of key: value overrides");
    for (const auto& item : set) {
      const std::string key = item.first.as<std::string>();
      common.push_back({key, reader.value_text(item.second, "set." + key)});
    }
  }
  for (const std::string& arg : cli_overrides) common.push_back(split_cli(arg));

  std::vector<AxisGroup> groups;
  std::vector<std::string> axis_keys;
  const auto check_new = [&](const YAML::Node& at, const std::string& key) {
    if (std::find(axis_keys.begin(), axis_keys.end(), key) != axis_keys.end()) {
      reader.fail(at, key, "already an axis; each key may vary along one axis only");
    }
    for (const Override& o : common) {
      if (o.key == key) {
        reader.fail(at, key, "also fixed for every run (by `set` or --set); remove one of them");
      }
    }
    axis_keys.push_back(key);
  };
  if (const YAML::Node axes = root["axes"]) {
    if (!axes.IsSequence()) reader.fail(axes, "axes", "expected a list of {key, values} or {zip}");
    for (std::size_t i = 0; i < axes.size(); ++i) {
      groups.push_back(reader.group(axes[i], i));
      const YAML::Node entry = axes[i]["zip"] ? axes[i]["zip"] : axes[i];
      for (std::size_t a = 0; a < groups.back().size(); ++a) {
        check_new(entry.IsSequence() ? entry[a] : entry, groups.back()[a].key);
      }
    }
  }
  if (const YAML::Node seeds = root["seeds"]) {
    groups.push_back({reader.seeds(seeds)});
    check_new(seeds, "seed");
  }

  for (const Override& o : common) {
    if (std::find(plan.columns.begin(), plan.columns.end(), o.key) == plan.columns.end()) {
      plan.columns.push_back(o.key);
    }
  }
  plan.columns.insert(plan.columns.end(), axis_keys.begin(), axis_keys.end());

  // Mixed-radix counting, the last group fastest.
  std::size_t total = 1;
  for (const AxisGroup& g : groups) total *= g.front().values.size();
  std::vector<std::size_t> digit(groups.size(), 0);
  for (std::size_t id = 0; id < total; ++id) {
    SweepRun run{id, common, common.size()};
    for (std::size_t g = 0; g < groups.size(); ++g) {
      for (const Axis& a : groups[g]) run.overrides.push_back({a.key, a.values[digit[g]]});
    }
    plan.runs.push_back(std::move(run));
    for (std::size_t g = groups.size(); g-- > 0;) {
      if (++digit[g] < groups[g].front().values.size()) break;
      digit[g] = 0;
    }
  }
  return plan;
}

}  // namespace fabricsim::scenario
