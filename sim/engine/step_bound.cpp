#include "engine/step_bound.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace fabricsim::engine {
namespace {

/// Total rate of the distinct links among `links` (parallel paths share their first hops).
std::int64_t distinct_rate(const topo::Fabric& fabric, std::vector<topo::LinkId>& links) {
  std::sort(links.begin(), links.end());
  links.erase(std::unique(links.begin(), links.end()), links.end());
  std::int64_t bps = 0;
  for (const topo::LinkId l : links) bps += fabric.links[l].rate.bps();
  return bps;
}

}  // namespace

const char* to_string(BoundBy by) {
  switch (by) {
    case BoundBy::compute:
      return "compute";
    case BoundBy::host_uplink:
      return "host_uplink";
    case BoundBy::host_downlink:
      return "host_downlink";
    case BoundBy::edge_uplinks:
      return "edge_uplinks";
    case BoundBy::edge_downlinks:
      return "edge_downlinks";
  }
  return "unknown";
}

StepBounds::StepBounds(const topo::Fabric& fabric)
    : fabric_(fabric),
      pairs_(std::size_t{fabric.edge_count()} * fabric.edge_count()),
      host_up_(fabric.host_count()),
      host_down_(fabric.host_count()),
      edge_up_(fabric.edge_count()),
      edge_down_(fabric.edge_count()) {
  for (std::uint32_t h = 0; h < fabric.host_count(); ++h) {
    std::int64_t up = 0, down = 0;  // every port of the host
    for (std::uint32_t i = 0; i < fabric.ports; ++i) {
      up += fabric.links[fabric.host_uplink[fabric.port(h, i)]].rate.bps();
      down += fabric.links[fabric.host_downlink[fabric.port(h, i)]].rate.bps();
    }
    host_up_bps_.push_back(up);
    host_down_bps_.push_back(down);
  }
  // An edge switch's uplinks: its next hops toward other edges; its downlinks: the next hops
  // of any switch that arrive at it. Any route between two edges crosses one of each.
  const std::uint32_t edges = fabric.edge_count();
  std::vector<std::vector<topo::LinkId>> firsts(edges), lasts(edges);
  for (std::uint32_t b = 0; b < edges; ++b) {
    for (topo::NodeId n = 0; n < fabric.nodes.size(); ++n) {
      if (fabric.nodes[n].kind == topo::NodeKind::host || n == fabric.edge_node[b]) continue;
      for (const topo::LinkId l : fabric.catalog.next_hops(n, b)) {
        if (fabric.links[l].dst == fabric.edge_node[b]) lasts[b].push_back(l);
      }
    }
    for (std::uint32_t a = 0; a < edges; ++a) {
      if (a == b) continue;
      const std::span<const topo::LinkId> up = fabric.catalog.next_hops(fabric.edge_node[a], b);
      firsts[a].insert(firsts[a].end(), up.begin(), up.end());
    }
  }
  for (std::uint32_t e = 0; e < edges; ++e) {
    edge_up_bps_.push_back(distinct_rate(fabric, firsts[e]));
    edge_down_bps_.push_back(distinct_rate(fabric, lasts[e]));
  }
}

const StepBounds::PairLatency& StepBounds::pair_latency(std::uint32_t src_edge,
                                                        std::uint32_t dst_edge) {
  const std::size_t pair = std::size_t{src_edge} * fabric_.edge_count() + dst_edge;
  PairLatency& out = pairs_[pair];
  if (out.path >= 0) return out;
  bool any = false;
  const topo::PathRange range = fabric_.catalog.range(pair);
  for (topo::PathId p = range.first; p < range.first + range.count; ++p) {
    const topo::PathLinks links = fabric_.catalog.links(pair, p);
    std::int64_t total = 0;
    for (const topo::LinkId l : links) total += fabric_.links[l].latency.ps();
    const std::int64_t last = links.empty() ? 0 : fabric_.links[links.back()].latency.ps();
    out.path = any ? std::min(out.path, total) : total;
    out.but_last = any ? std::min(out.but_last, total - last) : total - last;
    out.last = any ? std::min(out.last, last) : last;
    any = true;
  }
  if (!any) out = {0, 0, 0};  // no path: nothing to add
  return out;
}

void StepBounds::add(std::vector<Load>& loads, std::vector<std::uint32_t>& touched,
                     std::uint32_t at, std::int64_t bytes, std::int64_t pre_ps,
                     std::int64_t post_ps) {
  Load& load = loads[at];
  if (load.pre_ps < 0) {
    touched.push_back(at);
    load = {bytes, pre_ps, post_ps};
    return;
  }
  load.bytes += bytes;
  load.pre_ps = std::min(load.pre_ps, pre_ps);
  load.post_ps = std::min(load.post_ps, post_ps);
}

void StepBounds::tighten(StepBound& best, std::vector<Load>& loads,
                         std::vector<std::uint32_t>& touched,
                         const std::vector<std::int64_t>& rate_bps,
                         const std::vector<topo::NodeId>& node, BoundBy by) const {
  for (const std::uint32_t at : touched) {
    Load& load = loads[at];
    if (rate_bps[at] > 0) {
      // Rounded down: a bound must never pass what the models compute.
      const core::int128 bits_ps = static_cast<core::int128>(load.bytes) * 8 * 1'000'000'000'000;
      const auto wire_ps = static_cast<std::int64_t>(bits_ps / rate_bps[at]);
      const std::int64_t total = load.pre_ps + wire_ps + load.post_ps;
      if (total > best.duration.ps())
        best = {core::Time::ps(total), by, static_cast<std::int32_t>(node[at])};
    }
    load = Load{};
  }
  touched.clear();
}

void StepBounds::add_multi_port(const traffic::Demand& d) {
  // Host tiers only, with the shortest latencies over the ports the demand may take: a
  // host's ports may lead to different edge switches.
  std::array<std::size_t, topo::kMaxPorts> pairs{};
  const std::uint32_t n = fabric_.pairs_between_hosts(d.src, d.dst, pairs);
  std::int64_t up = INT64_MAX, down = INT64_MAX, between = INT64_MAX;
  for (std::uint32_t k = 0; k < n; ++k) {
    const auto a = static_cast<std::uint32_t>(pairs[k] / fabric_.edge_count());
    const auto b = static_cast<std::uint32_t>(pairs[k] % fabric_.edge_count());
    between = std::min(between, pair_latency(a, b).path);
    for (std::uint32_t i = 0; i < fabric_.ports; ++i) {
      if (fabric_.host_edge[fabric_.port(d.src, i)] == a)
        up = std::min(up, fabric_.links[fabric_.host_uplink[fabric_.port(d.src, i)]].latency.ps());
      if (fabric_.host_edge[fabric_.port(d.dst, i)] == b) {
        down = std::min(down,
                        fabric_.links[fabric_.host_downlink[fabric_.port(d.dst, i)]].latency.ps());
      }
    }
  }
  if (n == 0) up = down = between = 0;
  const std::int64_t bytes = d.bytes.count();
  add(host_up_, touched_host_up_, d.src, bytes, 0, up + between + down);
  add(host_down_, touched_host_down_, d.dst, bytes, up + between, down);
}

StepBound StepBounds::operator()(const traffic::Step& step) {
  for (const traffic::Demand& d : step.demands) {
    if (fabric_.ports > 1) {
      add_multi_port(d);
      continue;
    }
    const std::uint32_t src_edge = fabric_.host_edge[d.src], dst_edge = fabric_.host_edge[d.dst];
    const std::int64_t up = fabric_.links[fabric_.host_uplink[d.src]].latency.ps();
    const std::int64_t down = fabric_.links[fabric_.host_downlink[d.dst]].latency.ps();
    const PairLatency& between = pair_latency(src_edge, dst_edge);
    const std::int64_t bytes = d.bytes.count();
    add(host_up_, touched_host_up_, d.src, bytes, 0, up + between.path + down);
    add(host_down_, touched_host_down_, d.dst, bytes, up + between.path, down);
    if (src_edge != dst_edge) {
      add(edge_up_, touched_edge_up_, src_edge, bytes, up, between.path + down);
      add(edge_down_, touched_edge_down_, dst_edge, bytes, up + between.but_last,
          between.last + down);
    }
  }
  StepBound best{step.compute, BoundBy::compute, -1};
  tighten(best, host_up_, touched_host_up_, host_up_bps_, fabric_.host_node, BoundBy::host_uplink);
  tighten(best, host_down_, touched_host_down_, host_down_bps_, fabric_.host_node,
          BoundBy::host_downlink);
  tighten(best, edge_up_, touched_edge_up_, edge_up_bps_, fabric_.edge_node, BoundBy::edge_uplinks);
  tighten(best, edge_down_, touched_edge_down_, edge_down_bps_, fabric_.edge_node,
          BoundBy::edge_downlinks);
  return best;
}

}  // namespace fabricsim::engine
