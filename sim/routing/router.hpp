#pragma once
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "routing/packet_log.hpp"
#include "routing/policy.hpp"

namespace fabricsim::routing {

/// The one routing point of both models: every route decision passes here. It keeps the
/// candidates of each host pair as routing believes the fabric to be: a link reported down
/// (believe()) takes every path crossing it out of the candidates, until it is reported up.
/// When no candidate of a pair is believed live, the pair keeps all of them: its traffic then
/// runs into the dead links and stalls, as it would in a fabric with no route left.
class Router {
 public:
  static constexpr std::uint32_t kAnyPort = 0xffffffffu;

  Router(const topo::Fabric& fabric, const Policy& policy);

  const Policy& policy() const { return policy_; }
  const topo::Fabric& fabric() const { return fabric_; }
  /// Distinct first-hop links out of an edge switch over its paths (the s of splitting).
  std::uint32_t uplinks(std::uint32_t edge) const { return uplinks_[edge]; }
  /// The policy's plan for a step's flows (Policy::plan), into `out` (cleared first).
  void plan(std::span<const StepFlow> flows, StepPlan& out) const {
    out.clear();
    policy_.plan(flows, *this, out);
  }
  /// Keeps the pins of a planned step whose flows are the workload flows (app flows)
  /// first_app_flow, first_app_flow + 1, ... (steps are pinned in the order their app flows are
  /// numbered). std::invalid_argument when a flow has no piece, its pieces do not add up to
  /// its bytes, or a pinned path does not join its hosts.
  void pin(std::uint32_t first_app_flow, std::span<const StepFlow> flows, const StepPlan& plan);
  /// The paths a plan pinned the (sub)flow to; empty when it routes by choose(), and for the
  /// reverse (ACK) direction.
  std::span<const PathShare> pinned(const FlowKey& flow) const;
  /// The live equal-cost paths from the source host's edge switch to the destination's, in
  /// path-id order (a host pair under one edge switch has one path with no links).
  /// With `port`, only the paths between the two hosts' port `port` (what a NIC port that a
  /// flow is bound to can reach; on a fabric of hosts with several ports).
  Candidates candidates(std::uint32_t src_host, std::uint32_t dst_host,
                        std::uint32_t port = kAnyPort) const;
  /// Per-flow choice: replaces `out` with the flow's shares over its live candidates: its
  /// pinned paths when all of them are believed live (with `port`, those on that port), else
  /// the policy's choice.
  void choose(const FlowKey& flow, std::vector<PathShare>& out,
              std::uint32_t port = kAnyPort) const;
  /// Per-packet choice, for a policy whose per_packet() is true.
  topo::PathId choose_packet(const FlowKey& flow, core::Time now, core::Rng& rng,
                             const PathOccupancy& occupancy, PacketRouteState& state,
                             std::uint32_t port = kAnyPort) const;
  /// Per-hop choice, for a policy whose per_hop() is true: the packet on path `path` is at
  /// switch `at`; returns the path it goes on with, its next hop chosen by the policy among
  /// the live ones (links before `at` unchanged). On a catalog that is not divisible (a
  /// custom graph whose next hops lead to unequal path counts) the packet keeps its path.
  topo::PathId choose_hop(const FlowKey& flow, topo::PathId path, topo::NodeId at, core::Rng& rng,
                          const PathOccupancy& occupancy, PacketRouteState& state) const;
  /// From now on every choice choose_packet() and choose_hop() get from the policy is
  /// appended to `log` (nullptr: none).
  void log_choices(PacketLog* log) { log_ = log; }
  /// The transport's feedback on a packet of the flow (Policy::on_feedback).
  void feedback(const Feedback& feedback, PacketRouteState& state) const {
    policy_.on_feedback(feedback, state);
  }
  /// Routing learns that `links` are up (or down). Returns whether any pair's candidates changed.
  bool believe(std::span<const topo::LinkId> links, bool up);
  /// Whether the last believe() changed the candidates between these hosts.
  bool changed(std::uint32_t src_host, std::uint32_t dst_host) const;

 private:
  const topo::Fabric& fabric_;
  const Policy& policy_;
  std::vector<std::uint32_t> uplinks_;  // per edge switch
  std::vector<std::uint8_t> down_;      // per link: believed down
  std::vector<std::uint8_t> listed_;    // per edge pair: some but not all paths live, see live_
  std::unordered_map<std::size_t, std::vector<topo::PathId>> live_;  // listed pairs' live paths
  std::vector<std::uint8_t> changed_;  // per edge pair: candidates changed at the last believe()
  /// Whether routing believes every link of `path`, a path of edge pair `pair`, up (or no
  /// path of the pair up).
  bool live(std::size_t pair, topo::PathId path) const;
  /// The pins of `flow` kept by choose(): false (out unspecified) when one is believed dead
  /// or, with `port`, none is on that port.
  bool take_pins(const FlowKey& flow, std::span<const PathShare> pins, std::uint32_t port,
                 std::vector<PathShare>& out) const;

  // Pins of planned steps: app flow a's pieces are pin_pieces_[pin_first_[a] ..
  // pin_first_[a + 1]), each its (first, count) into pin_shares_.
  std::vector<std::uint32_t> pin_first_{0};
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pin_pieces_;
  std::vector<PathShare> pin_shares_;
  PacketLog* log_ = nullptr;
  // choose_hop() scratch: the live next hops and the paths they give.
  mutable std::vector<topo::LinkId> hop_links_;
  mutable std::vector<topo::PathId> hop_paths_;
};

}  // namespace fabricsim::routing
