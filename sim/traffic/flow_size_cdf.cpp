#include "traffic/flow_size_cdf.hpp"

#include <algorithm>
#include <cmath>

namespace fabricsim::traffic {
namespace {

// Both tables are given in 1460-byte packets (a TCP MSS), as published with pFabric
// (Alizadeh et al., SIGCOMM 2013) and PIAS (Bai et al., NSDI 2015), the files CDF_search /
// CDF_dctcp.tcl and CDF_vl2.tcl that later work (HPCC, HOMA, ...) reuses.
constexpr double kPacket = 1460;

/// Web search: the DCTCP paper's production measurements (Alizadeh et al., "Data Center
/// TCP", SIGCOMM 2010, Fig. 4). Mean 1,665,831 bytes (~1141 packets) under interpolation.
constexpr FlowSizeCdf::Point kWebSearch[] = {
    {6 * kPacket, 0.0},    {6 * kPacket, 0.15},   {13 * kPacket, 0.2},    {19 * kPacket, 0.3},
    {33 * kPacket, 0.4},   {53 * kPacket, 0.53},  {133 * kPacket, 0.6},   {667 * kPacket, 0.7},
    {1333 * kPacket, 0.8}, {3333 * kPacket, 0.9}, {6667 * kPacket, 0.97}, {20000 * kPacket, 1.0},
};

/// Data mining: VL2's measurements (Greenberg et al., "VL2: A Scalable and Flexible Data
/// Center Network", SIGCOMM 2009, Fig. 2). Half the flows are one packet; the mean,
/// 7,470,236 bytes (~5117 packets), comes from the rare 100 MB - 1 GB flows.
constexpr FlowSizeCdf::Point kDataMining[] = {
    {1 * kPacket, 0.0},     {1 * kPacket, 0.5},      {2 * kPacket, 0.6},
    {3 * kPacket, 0.7},     {7 * kPacket, 0.8},      {267 * kPacket, 0.9},
    {2107 * kPacket, 0.95}, {66667 * kPacket, 0.99}, {666667 * kPacket, 1.0},
};

}  // namespace

FlowSizeCdf FlowSizeCdf::of(Name name) {
  return name == Name::web_search ? FlowSizeCdf(kWebSearch) : FlowSizeCdf(kDataMining);
}

std::string_view FlowSizeCdf::name_of(Name name) {
  return name == Name::web_search ? "web_search" : "data_mining";
}

double FlowSizeCdf::mean_bytes() const {
  // Uniform density within each segment: its mass times its midpoint.
  double mean = 0;
  for (std::size_t i = 1; i < points_.size(); ++i) {
    mean += (points_[i].cdf - points_[i - 1].cdf) * (points_[i].bytes + points_[i - 1].bytes) / 2;
  }
  return mean;
}

core::Bytes FlowSizeCdf::draw(core::Rng& rng) const {
  const double u = rng.uniform();
  // The first knot above u ends u's segment; flat segments (equal cdf) are never chosen.
  const auto hi = std::upper_bound(points_.begin(), points_.end(), u,
                                   [](double v, const Point& p) { return v < p.cdf; });
  const Point& b = hi == points_.end() ? points_.back() : *hi;
  const Point& a = hi == points_.end() ? points_.back() : *(hi - 1);
  const double bytes =
      b.cdf > a.cdf ? a.bytes + (u - a.cdf) / (b.cdf - a.cdf) * (b.bytes - a.bytes) : b.bytes;
  return core::Bytes(std::max<std::int64_t>(1, std::llround(bytes)));
}

}  // namespace fabricsim::traffic
