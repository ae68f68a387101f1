#pragma once
#include <span>
#include <string_view>

#include "core/rng.hpp"
#include "core/units.hpp"

namespace fabricsim::traffic {

/// A published datacenter flow-size distribution: a piecewise-linear CDF over bytes.
class FlowSizeCdf {
 public:
  enum class Name { web_search, data_mining };
  /// One knot: P(size <= bytes) = cdf.
  struct Point {
    double bytes;
    double cdf;
  };

  /// The table of a named distribution (sources in flow_size_cdf.cpp and docs/traces.md).
  static FlowSizeCdf of(Name name);
  static std::string_view name_of(Name name);

  std::span<const Point> points() const { return points_; }
  /// Mean flow size in bytes under linear interpolation between knots.
  double mean_bytes() const;
  /// A size drawn by inverse transform: u uniform in [0, 1) mapped through the inverse CDF,
  /// interpolated linearly within a segment; at least 1 byte.
  core::Bytes draw(core::Rng& rng) const;

 private:
  explicit FlowSizeCdf(std::span<const Point> points) : points_(points) {}
  std::span<const Point> points_;
};

}  // namespace fabricsim::traffic
