#include "scenario/read.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "core/unit_parse.hpp"
#include "scenario/suggest.hpp"
#include "scenario/validate.hpp"

namespace fabricsim::scenario {
namespace {

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

}  // namespace

std::string child(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : std::string(path) + "." + std::string(key);
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
    fail(t.where(), path, "must be at most " + core::format_count(max) + ", got " + text);
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

bool is_word(const Tree& t, const std::string& path, const std::string& word,
             std::string_view otherwise) {
  if (!t.is_scalar() || t.scalar.empty() ||
      std::isalpha(static_cast<unsigned char>(t.scalar[0])) == 0) {
    return false;
  }
  if (t.scalar == word) return true;
  const std::string near = closest(t.scalar, {word});
  fail(t.where(), path,
       "expected " + word + " or " + std::string(otherwise) + ", got '" + t.scalar + "'" +
           (near.empty() ? "" : "; did you mean '" + near + "'?"));
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
       formula + " = " + core::format_count(flows) + " flows, more than the limit of " +
           core::format_count(kMaxFlowsPerWorkload) + " per workload");
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

}  // namespace fabricsim::scenario
