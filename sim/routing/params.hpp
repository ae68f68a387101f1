#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/units.hpp"

namespace fabricsim::routing {

/// One scalar of a scenario's `routing.params`, as written, and where it was written.
struct ParamValue {
  std::string key;
  std::string text;
  std::string where;  // "file:line:col", or the "--set routing.params.KEY=VALUE" argument
};

/// A policy's own parameters (`routing.params`): the policy's factory reads each one by name,
/// with the default it takes when the scenario does not set it; make_policy() then rejects
/// every key the factory did not read. A value that does not parse throws
/// std::invalid_argument naming where it was written, the key and what was expected. Copies
/// share the record of keys read, so a policy that makes another one from a copy of its params
/// (replay its fallback) counts that one's reads as its own.
class ParamSet {
 public:
  ParamSet() = default;
  explicit ParamSet(std::vector<ParamValue> values) : values_(std::move(values)) {}

  /// A finite decimal number ("0.5", "-2", "1e-3").
  double number(std::string_view key, double fallback) const;
  /// A whole number >= 0 in decimal digits ("16").
  std::uint64_t count(std::string_view key, std::uint64_t fallback) const;
  /// The scalar as written.
  std::string text(std::string_view key, std::string_view fallback) const;
  /// A time >= 0 with its unit ("500ns", "2us"), to the picosecond.
  core::Time time(std::string_view key, core::Time fallback) const;

  const std::vector<ParamValue>& values() const { return values_; }
  /// Throws std::invalid_argument for the first value whose key no reader above asked for,
  /// naming where it was written, the key and the keys policy `policy` reads.
  void check_all_read(std::string_view policy) const;

 private:
  /// The value of `key`, or nullptr; either way `key` counts as read.
  const ParamValue* find(std::string_view key) const;

  std::vector<ParamValue> values_;
  // The keys the readers asked for, first ask first.
  std::shared_ptr<std::vector<std::string>> asked_ = std::make_shared<std::vector<std::string>>();
};

}  // namespace fabricsim::routing
