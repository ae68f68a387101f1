#include "routing/params.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "core/unit_parse.hpp"

namespace fabricsim::routing {
namespace {

[[noreturn]] void bad(const ParamValue& v, std::string_view expected) {
  throw std::invalid_argument(v.where + ": routing.params." + v.key + ": expected " +
                              std::string(expected) + ", got '" + v.text + "'");
}

}  // namespace

const ParamValue* ParamSet::find(std::string_view key) const {
  if (std::find(asked_->begin(), asked_->end(), key) == asked_->end()) asked_->emplace_back(key);
  const auto it = std::find_if(values_.begin(), values_.end(),
                               [key](const ParamValue& v) { return v.key == key; });
  return it == values_.end() ? nullptr : &*it;
}

double ParamSet::number(std::string_view key, double fallback) const {
  const ParamValue* v = find(key);
  if (v == nullptr) return fallback;
  double out = 0;
  const char* end = v->text.data() + v->text.size();
  const auto [ptr, ec] = std::from_chars(v->text.data(), end, out);
  if (ec != std::errc() || ptr != end || !std::isfinite(out)) bad(*v, "a number");
  return out;
}

std::uint64_t ParamSet::count(std::string_view key, std::uint64_t fallback) const {
  const ParamValue* v = find(key);
  if (v == nullptr) return fallback;
  const bool digits = !v->text.empty() && std::all_of(v->text.begin(), v->text.end(),
                                                      [](char c) { return c >= '0' && c <= '9'; });
  std::uint64_t out = 0;
  const char* end = v->text.data() + v->text.size();
  if (!digits || std::from_chars(v->text.data(), end, out).ec != std::errc()) {
    bad(*v, "a whole number >= 0 (at most 18,446,744,073,709,551,615)");
  }
  return out;
}

std::string ParamSet::text(std::string_view key, std::string_view fallback) const {
  const ParamValue* v = find(key);
  return v == nullptr ? std::string(fallback) : v->text;
}

core::Time ParamSet::time(std::string_view key, core::Time fallback) const {
  const ParamValue* v = find(key);
  if (v == nullptr) return fallback;
  if (v->text.starts_with('-')) bad(*v, "a time >= 0 with its unit, such as 500ns");
  try {
    return core::parse_time(v->text);
  } catch (const core::UnitError& e) {
    throw std::invalid_argument(v->where + ": routing.params." + v->key + ": " + e.what());
  }
}

void ParamSet::check_all_read(std::string_view policy) const {
  for (const ParamValue& v : values_) {
    if (std::find(asked_->begin(), asked_->end(), v.key) != asked_->end()) continue;
    std::string reads;
    for (const std::string& k : *asked_) reads += (reads.empty() ? "" : ", ") + k;
    throw std::invalid_argument(
        v.where + ": routing.params." + v.key + ": policy '" + std::string(policy) +
        "' has no parameter '" + v.key + "' (" +
        (reads.empty() ? std::string("it reads none") : "it reads: " + reads) + ")");
  }
}

}  // namespace fabricsim::routing
