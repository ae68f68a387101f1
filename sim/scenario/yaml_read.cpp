// The only place that turns YAML text into Trees (the other yaml-cpp user is to_yaml.cpp).
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/unit_parse.hpp"
#include "scenario/read.hpp"
#include "scenario/scenario.hpp"
#include "scenario/tree.hpp"
#include "scenario/validate.hpp"

namespace fabricsim::scenario {
namespace {

/// Converts a yaml-cpp node; `fixed` (an override) replaces every node's own mark. yaml-cpp
/// shares an aliased node, a Tree copies it: nine nested aliases of nine items each expand a
/// 1 KB file to 10^9 values, so the values made and the nesting depth are bounded.
class Converter {
 public:
  Converter(std::string file, const Origin* fixed) : file_(std::move(file)), fixed_(fixed) {}

  Tree convert(const YAML::Node& node, const std::string& path, int depth = 0) {
    Tree tree;
    tree.origin = origin_of(node);
    if (++values_ > kMaxYamlValues) {
      fail(tree.origin, path,
           "the document expands to more than " + core::format_count(kMaxYamlValues) +
               " values (aliases (*name) copy what they name; the limit is " +
               core::format_count(kMaxYamlValues) + ")");
    }
    if (depth > kMaxYamlDepth) {
      fail(tree.origin, path,
           "nested more than " + std::to_string(kMaxYamlDepth) + " levels deep (the limit)");
    }
    switch (node.Type()) {
      case YAML::NodeType::Scalar:
        tree.kind = Tree::Kind::scalar;
        tree.scalar = node.Scalar();
        break;
      case YAML::NodeType::Sequence:
        tree.kind = Tree::Kind::list;
        for (std::size_t i = 0; i < node.size(); ++i) {
          tree.items.push_back(convert(node[i], child_path(path, std::to_string(i)), depth + 1));
        }
        break;
      case YAML::NodeType::Map:
        tree.kind = Tree::Kind::map;
        for (const auto& kv : node) add_entry(tree, kv.first, kv.second, path, depth);
        break;
      default:  // Null and Undefined: an empty value
        break;
    }
    return tree;
  }

 private:
  static std::string child_path(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  Origin origin_of(const YAML::Node& node) const {
    if (fixed_ != nullptr) return *fixed_;
    const YAML::Mark mark = node.Mark();
    // yaml-cpp marks are 0-based; people count lines and columns from 1.
    return Origin{file_, mark.line < 0 ? 0 : mark.line + 1, mark.column < 0 ? 0 : mark.column + 1,
                  ""};
  }

  void add_entry(Tree& map, const YAML::Node& key, const YAML::Node& value, const std::string& path,
                 int depth) {
    const Origin key_origin = origin_of(key);
    if (!key.IsScalar())
      fail(key_origin, path.empty() ? "(top level)" : path, "keys must be plain names");
    const std::string name = key.Scalar();
    const std::string entry_path = child_path(path, name);
    if (const Tree* first = map.find(name)) {
      fail(key_origin, entry_path,
           "duplicate key (first given at line " + std::to_string(first->key_origin.line) + ")");
    }
    Tree child = convert(value, entry_path, depth + 1);
    child.key = name;
    child.key_origin = key_origin;
    map.items.push_back(std::move(child));
  }

  std::string file_;
  const Origin* fixed_;
  std::uint64_t values_ = 0;
};

}  // namespace

Tree read_yaml_file(const std::string& path, std::string_view what) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    const bool exists = std::filesystem::exists(path, ec);
    throw ScenarioError(path + ": cannot open " + std::string(what) + " file (" +
                        (exists ? "not a regular file" : "no such file") + ")");
  }
  std::ifstream in(path);
  if (!in) {
    throw ScenarioError(path + ": cannot open " + std::string(what) + " file (" +
                        std::strerror(errno) + ")");
  }
  std::stringstream text;
  text << in.rdbuf();
  YAML::Node root;
  try {
    root = YAML::Load(text.str());
  } catch (const YAML::Exception& e) {
    const Origin at{path, e.mark.line < 0 ? 0 : e.mark.line + 1,
                    e.mark.column < 0 ? 0 : e.mark.column + 1, ""};
    throw ScenarioError(at.str() + ": YAML syntax error: " + e.msg);
  }
  return Converter(path, nullptr).convert(root, "");
}

Tree read_yaml_value(const std::string& text, const Origin& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ScenarioError(origin.str() + ": YAML syntax error in the value: " + e.msg);
  }
  return Converter("", &origin).convert(root, "");
}

}  // namespace fabricsim::scenario
