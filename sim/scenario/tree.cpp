#include "scenario/tree.hpp"

#include <algorithm>
#include <cctype>

#include "scenario/scenario.hpp"

namespace fabricsim::scenario {
namespace {

bool is_index(std::string_view segment) {
  return !segment.empty() && segment.size() < 10 &&
         std::all_of(segment.begin(), segment.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

/// A fresh map child created by an override on the way to its target.
Tree new_map(const std::string& key, const Origin& origin) {
  Tree child;
  child.kind = Tree::Kind::map;
  child.origin = origin;
  child.key = key;
  child.key_origin = origin;
  return child;
}

}  // namespace

std::string Origin::str() const {
  if (from_override()) return "--set " + set_arg;
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

const Tree* Tree::find(std::string_view name) const {
  if (kind != Kind::map) return nullptr;
  for (const Tree& item : items) {
    if (item.key == name) return &item;
  }
  return nullptr;
}

Tree* Tree::find(std::string_view name) {
  return const_cast<Tree*>(static_cast<const Tree&>(*this).find(name));
}

const Origin& Tree::where() const {
  const bool has_key = !key_origin.file.empty() || key_origin.from_override();
  if (is_scalar() || origin.from_override() || !has_key) return origin;
  return key_origin;
}

std::string describe(const Tree& tree) {
  switch (tree.kind) {
    case Tree::Kind::null:
      return "an empty value";
    case Tree::Kind::scalar:
      return "the scalar '" + tree.scalar + "'";
    case Tree::Kind::map:
      return "a map";
    case Tree::Kind::list:
      return "a list";
  }
  return "a value";
}

void fail(const Origin& origin, std::string_view path, std::string_view what) {
  std::string message = origin.str();
  message += ": ";
  message += path.empty() ? std::string_view("(top level)") : path;
  message += ": ";
  message += what;
  throw ScenarioError(message);
}

void apply_override(Tree& root, const std::string& arg) {
  // The scenario's name rides along so a file named in an override resolves from the
  // scenario's folder, as one written in the file does; str() still shows the argument.
  const Origin origin{root.origin.file, 0, 0, arg};
  const std::size_t eq = arg.find('=');
  if (eq == std::string::npos) {
    throw ScenarioError("--set " + arg + ": expected key.path=value (e.g. routing.policy=spray)");
  }
  const std::string_view key = trim(std::string_view(arg).substr(0, eq));
  if (key.empty()) throw ScenarioError("--set " + arg + ": the key before '=' is empty");

  // Split "a.b.0.c" into segments; an empty segment ("a..b", ".a") is a typo.
  std::vector<std::string> segments;
  for (std::size_t start = 0;;) {
    const std::size_t dot = key.find('.', start);
    segments.emplace_back(key.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (segments.back().empty()) {
      throw ScenarioError("--set " + arg + ": empty segment in key path '" + std::string(key) +
                          "'");
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  Tree value = read_yaml_value(arg.substr(eq + 1), origin);

  Tree* node = &root;
  std::string path;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& segment = segments[i];
    const bool last = i + 1 == segments.size();
    if (node->kind == Tree::Kind::null) node->kind = Tree::Kind::map;  // "topology:" left empty
    Tree* child = nullptr;
    if (node->is_map()) {
      child = node->find(segment);
      if (child == nullptr) {
        node->items.push_back(new_map(segment, origin));
        child = &node->items.back();
      }
    } else if (node->is_list()) {
      if (!is_index(segment)) {
        fail(origin, path,
             "is a list; '" + segment + "' is not an index (write e.g. " + path + ".0)");
      }
      const std::size_t index = std::stoul(segment);
      if (index > node->items.size() || (index == node->items.size() && !last)) {
        fail(origin, path,
             "index " + segment + " is out of range (the list has " +
                 std::to_string(node->items.size()) + " items)");
      }
      if (index == node->items.size()) node->items.emplace_back();  // append one item
      child = &node->items[index];
    } else {
      fail(origin, path, "is " + describe(*node) + ", so it has no key '" + segment + "'");
    }
    path += (path.empty() ? "" : ".") + segment;
    if (last) {
      // Keep the key's position in the file; the value now comes from --set.
      value.key = child->key;
      value.key_origin = child->key_origin;
      *child = std::move(value);
      return;
    }
    node = child;
  }
}

void merge_under(Tree& top, const Tree& base) {
  for (const Tree& item : base.items) {
    Tree* mine = top.find(item.key);
    if (mine == nullptr) {
      top.items.push_back(item);
    } else if (mine->is_map() && item.is_map()) {
      merge_under(*mine, item);
    }
  }
}

}  // namespace fabricsim::scenario
