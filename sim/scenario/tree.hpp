#pragma once
#include <string>
#include <string_view>
#include <vector>

// Internal to scenario/: a YAML document as plain values that remember where they came
// from. yaml-cpp turns files into Trees (yaml_read.cpp); everything else works on Trees,
// so yaml-cpp never leaks into a header and overrides can carry their own origin.

namespace fabricsim::scenario {

/// Where a value was written: a file position (1-based line and column), or a --set argument.
struct Origin {
  std::string file;     // as the user named it; for an override, the scenario it applies to
  int line = 0;         // 1-based; 0 when unknown
  int column = 0;       // 1-based; 0 when unknown
  std::string set_arg;  // the whole "a.b=value" argument when the value came from --set

  bool from_override() const { return !set_arg.empty(); }
  /// "file:line:col" or "--set a.b=value".
  std::string str() const;
};

/// One YAML node. Maps and lists both keep their children in `items`, in document order;
/// a map's children carry their `key` and the key's own origin.
struct Tree {
  enum class Kind { null, scalar, map, list };
  Kind kind = Kind::null;
  std::string scalar;  // the text of a scalar, as written (unquoted)
  std::vector<Tree> items;
  Origin origin;      // of the value itself
  std::string key;    // set on map children
  Origin key_origin;  // set on map children

  bool is_map() const { return kind == Kind::map; }
  bool is_list() const { return kind == Kind::list; }
  bool is_scalar() const { return kind == Kind::scalar; }
  /// The child with key `name`, or nullptr (maps only).
  const Tree* find(std::string_view name) const;
  Tree* find(std::string_view name);
  /// Where an error about this value should point: the value when it is a scalar or came
  /// from --set, else its key (a block map's own mark is the line after its key).
  const Origin& where() const;
};

/// "map", "list", "scalar 'x'", "an empty value": how a kind reads in an error message.
std::string describe(const Tree& tree);

/// Reads a YAML file; `what` ("scenario", "topology") names it in errors. A missing file or
/// a syntax error throws ScenarioError with the file's name (and line:col for syntax).
Tree read_yaml_file(const std::string& path, std::string_view what);

/// Parses the value of a --set argument; every node gets origin `origin`.
Tree read_yaml_value(const std::string& text, const Origin& origin);

/// Applies one "a.b.0.c=value" override to `root` (creating missing maps); throws
/// ScenarioError for a malformed argument or a path that crosses a scalar.
void apply_override(Tree& root, const std::string& arg);

/// Copies every key of `base` that `top` lacks into `top`, recursing into maps both have:
/// `top` wins. Used to lay the scenario's topology keys over a topology file's keys.
void merge_under(Tree& top, const Tree& base);

/// Throws ScenarioError "ORIGIN: PATH: what".
[[noreturn]] void fail(const Origin& origin, std::string_view path, std::string_view what);

}  // namespace fabricsim::scenario
