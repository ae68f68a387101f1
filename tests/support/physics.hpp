#pragma once
// Physics a run's records must obey whatever the model, policy or transport: no flow faster
// than its host links, no link carrying more than its capacity over any interval.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "metrics/results.hpp"
#include "topo/fabric.hpp"

namespace fabricsim::test_support {

/// Rounding in double-precision rates may put a link above capacity by this fraction at most.
constexpr double kRateRounding = 1e-9;

/// Every flow ends no earlier than its bytes at the slower of its host links plus the
/// shortest route latency between its hosts. On hosts with several ports, a flow on one path
/// is held to that path's host links, a spread one to the fastest ports.
inline void expect_no_flow_beats_its_host_links(const topo::Fabric& fabric,
                                                const metrics::Results& r) {
  const auto fastest = [&](std::uint32_t host, const std::vector<topo::LinkId>& links) {
    double rate = 0;
    for (std::uint32_t i = 0; i < fabric.ports; ++i)
      rate = std::max(rate, fabric.links[links[fabric.port(host, i)]].rate.bytes_per_ps());
    return rate;
  };
  for (const metrics::FlowRecord& f : r.flows) {
    if (f.end_ps < 0) continue;
    const auto path = static_cast<topo::PathId>(f.path_id);
    const double up = f.path_id >= 0 ? fabric.links[fabric.uplink(f.src, path)].rate.bytes_per_ps()
                                     : fastest(f.src, fabric.host_uplink);
    const double down = f.path_id >= 0
                            ? fabric.links[fabric.downlink(f.dst, path)].rate.bytes_per_ps()
                            : fastest(f.dst, fabric.host_downlink);
    std::array<std::size_t, topo::kMaxPorts> pairs{};
    const std::uint32_t n = fabric.pairs_between_hosts(f.src, f.dst, pairs);
    std::int64_t latency = std::numeric_limits<std::int64_t>::max();
    for (std::uint32_t k = 0; k < n; ++k) {
      const topo::PathRange paths = fabric.catalog.range(pairs[k]);
      for (std::uint32_t i = 0; i < paths.count; ++i)
        latency = std::min(latency, fabric.route_latency(f.src, f.dst, paths.first + i).ps());
    }
    const double bound = static_cast<double>(f.bytes) / std::min(up, down) * (1 - kRateRounding) +
                         static_cast<double>(latency);
    EXPECT_GE(static_cast<double>(f.end_ps - f.start_ps), bound) << "flow " << f.id;
  }
}

/// For every link and every window [a, b] between a flow's start and a flow's end, the bytes
/// of the flows that start and end inside the window and cross the link fit in capacity x
/// (b - a). A flow's bytes cross each of its links between its start and its end, so this
/// holds whenever no link ever runs above its rate. Single-path flows (path_id >= 0) count on
/// every link of their route, sprayed ones on their host links.
inline void expect_no_link_above_capacity(const topo::Fabric& fabric, const metrics::Results& r) {
  struct Span {
    std::int64_t start, end;
    double bytes;
  };
  std::vector<std::vector<Span>> on_link(fabric.links.size());
  for (const metrics::FlowRecord& f : r.flows) {
    if (f.end_ps < 0) continue;
    const Span span{f.start_ps, f.end_ps, static_cast<double>(f.bytes)};
    on_link[fabric.host_uplink[f.src]].push_back(span);
    on_link[fabric.host_downlink[f.dst]].push_back(span);
    if (f.path_id >= 0) {
      for (const topo::LinkId l : fabric.path(static_cast<topo::PathId>(f.path_id)))
        on_link[l].push_back(span);
    }
  }
  for (topo::LinkId l = 0; l < fabric.links.size(); ++l) {
    std::vector<Span>& spans = on_link[l];
    std::sort(spans.begin(), spans.end(),
              [](const Span& x, const Span& y) { return x.end < y.end; });
    const double capacity = fabric.links[l].rate.bytes_per_ps() * (1 + kRateRounding);
    double worst = 0;  // largest bytes / (capacity x window) seen
    for (const Span& a : spans) {
      double bytes = 0;
      for (const Span& s : spans) {
        if (s.start < a.start) continue;
        bytes += s.bytes;
        worst = std::max(worst, bytes / (capacity * static_cast<double>(s.end - a.start)));
      }
    }
    EXPECT_LE(worst, 1.0) << "link " << l << " (" << fabric.nodes[fabric.links[l].src].name << "->"
                          << fabric.nodes[fabric.links[l].dst].name << ")";
  }
}

}  // namespace fabricsim::test_support
