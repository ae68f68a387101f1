#pragma once
#include <cstdint>
#include <vector>

#include "core/units.hpp"
#include "topo/fabric.hpp"
#include "traffic/step.hpp"

namespace fabricsim::engine {

/// What gives a step's lower bound: its compute time, or a set of links that must carry
/// bytes of the step (one host's link, or all first or last hops of an edge switch).
enum class BoundBy : std::uint8_t {
  compute,
  host_uplink,
  host_downlink,
  edge_uplinks,
  edge_downlinks
};
const char* to_string(BoundBy by);

/// A lower bound on a step's duration (end - start), in ps, and the links that give it.
struct StepBound {
  core::Time duration;
  BoundBy by = BoundBy::compute;
  std::int32_t node = -1;  // node id of the host or edge switch; -1 for compute
};

/// Lower bounds on step durations that hold for any routing over the fabric's paths, in
/// both models. A set of links with total rate C that must carry B bytes of the step, which
/// reach it no earlier than `pre` after the release and need at least `post` after leaving
/// it, takes at least pre + B/C + post; the bound is the largest such over each host's
/// uplink and downlink and each edge switch's first and last hops, and the step's compute.
/// B/C is rounded down to the ps. Scratch arrays are kept between calls.
class StepBounds {
 public:
  explicit StepBounds(const topo::Fabric& fabric);
  StepBound operator()(const traffic::Step& step);

 private:
  /// Bytes into or out of one link set, and the least latency before and after it.
  struct Load {
    std::int64_t bytes = 0;
    std::int64_t pre_ps = -1;  // -1: no byte of the step crosses it
    std::int64_t post_ps = 0;
  };
  /// Least latencies over the paths between two edge switches: of a whole path, of a path
  /// up to its last link, and of its last link alone.
  struct PairLatency {
    std::int64_t path = -1;  // -1: not computed yet
    std::int64_t but_last = 0;
    std::int64_t last = 0;
  };

  const PairLatency& pair_latency(std::uint32_t src_edge, std::uint32_t dst_edge);
  /// A demand of a multi-port fabric: host tiers only.
  void add_multi_port(const traffic::Demand& d);
  void add(std::vector<Load>& loads, std::vector<std::uint32_t>& touched, std::uint32_t at,
           std::int64_t bytes, std::int64_t pre_ps, std::int64_t post_ps);
  void tighten(StepBound& best, std::vector<Load>& loads, std::vector<std::uint32_t>& touched,
               const std::vector<std::int64_t>& rate_bps, const std::vector<topo::NodeId>& node,
               BoundBy by) const;

  const topo::Fabric& fabric_;
  std::vector<PairLatency> pairs_;  // by src_edge * E + dst_edge, filled on first use
  std::vector<std::int64_t> host_up_bps_, host_down_bps_;
  std::vector<std::int64_t> edge_up_bps_, edge_down_bps_;  // summed over distinct links
  std::vector<Load> host_up_, host_down_, edge_up_, edge_down_;
  std::vector<std::uint32_t> touched_host_up_, touched_host_down_, touched_edge_up_,
      touched_edge_down_;
};

}  // namespace fabricsim::engine
