#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/rng.hpp"
#include "core/units.hpp"
#include "routing/params.hpp"
#include "routing/step_plan.hpp"
#include "topo/fabric.hpp"

namespace fabricsim::routing {

/// Which (sub)flow a routing decision is for: its hosts, its workload flow (the row of
/// /app_flows) and its subflow index; `reverse` for the direction its ACKs take (the hosts
/// then read from the ACK's sender).
struct FlowKey {
  std::uint32_t src_host;
  std::uint32_t dst_host;
  std::uint32_t app_flow;
  std::uint32_t subflow = 0;
  bool reverse = false;
};

/// The key of the reverse direction (what the flow's ACKs carry).
inline FlowKey reversed(const FlowKey& k) {
  return {k.dst_host, k.src_host, k.app_flow, k.subflow, !k.reverse};
}

class Router;

/// Occupancy of switch ports as the packet model sees it when it routes a packet: a path's
/// first hop (the source edge switch's output port onto it), or any link's port.
class PathOccupancy {
 public:
  virtual std::int64_t queued_bytes(topo::PathId path) const = 0;
  virtual std::int64_t link_queued_bytes(topo::LinkId link) const = 0;

 protected:
  ~PathOccupancy() = default;
};

/// The paths a feedback-driven policy (reps) may route a flow's packets on again: a ring of
/// the last kSize paths whose packets were acknowledged without an ECN mark, newest at slot
/// next - 1, the newest `unused` of them not taken yet; and the policy's mode.
struct RecycledPaths {
  static constexpr std::uint32_t kSize = 8;
  std::array<topo::PathId, kSize> paths{};
  std::uint8_t next = 0;     // slot the next path goes to
  std::uint8_t held = 0;     // paths in the ring (<= kSize)
  std::uint8_t unused = 0;   // of them, the newest ones not taken since they came back
  std::uint8_t cursor = 0;   // frozen: which held path goes next (mod held)
  std::uint8_t explore = 0;  // packets still to draw fresh, whatever the ring holds
  core::Time frozen_until = core::Time::ps(-1);  // -1: not frozen
};

/// A flow's routing memory, kept by the packet model for per-packet policies, per flow and
/// direction (data, ACKs).
struct PacketRouteState {
  topo::PathId path = 0;                 // path of the flow's previous packet
  std::uint32_t packets = 0;             // packets of the flow routed so far
  core::Time last = core::Time::ps(-1);  // when the previous packet was routed; -1: none yet
  std::uint32_t replayed = 0;            // replay: per-packet records used so far
  std::uint32_t hops_replayed = 0;       // replay: per-hop records used so far
  RecycledPaths recycled;                // feedback-driven policies only
};

/// What the transport learned of one packet a flow sent (Policy::on_feedback): for the data
/// direction an ACK without or with an ECN echo, or a loss (a packet sent again); for the ACK
/// direction (`flow.reverse`) an ACK that reached the sender, or a loss of one.
struct Feedback {
  enum class Kind : std::uint8_t { acked, acked_ecn, lost };
  FlowKey flow;       // the direction the packet went
  topo::PathId path;  // the path it took from its source's edge switch
  Kind kind;
  core::Time now;
};

/// The paths a decision chooses among: the live equal-cost paths of the flow's host pair, in
/// path-id order (Router::candidates); never empty. One segment per edge pair joining the
/// hosts (several on a multi-plane fabric), each a range of ids (every path of the pair live)
/// or a list of them.
class Candidates {
 public:
  Candidates() = default;
  explicit Candidates(topo::PathRange range) { add(range); }
  explicit Candidates(std::span<const topo::PathId> list) { add(list); }
  void add(topo::PathRange range) { push({nullptr, range.first, range.count}); }
  void add(std::span<const topo::PathId> list) {
    push({list.data(), 0, static_cast<std::uint32_t>(list.size())});
  }

  std::size_t size() const { return size_; }
  /// Whether `path` is among the candidates.
  bool contains(topo::PathId path) const {
    for (std::uint32_t i = 0; i < segments_used_; ++i) {
      const Segment& s = segments_[i];
      const bool in = s.list != nullptr ? std::binary_search(s.list, s.list + s.count, path)
                                        : path - s.first < s.count;
      if (in) return true;
    }
    return false;
  }
  topo::PathId operator[](std::size_t i) const {
    const Segment* s = segments_.data();
    while (i >= s->count) i -= (s++)->count;
    return s->list != nullptr ? s->list[i] : s->first + static_cast<topo::PathId>(i);
  }

  class Iterator {
   public:
    Iterator(const Candidates& c, std::size_t i) : c_(&c), i_(i) {}
    topo::PathId operator*() const { return (*c_)[i_]; }
    Iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator!=(const Iterator& o) const { return i_ != o.i_; }

   private:
    const Candidates* c_;
    std::size_t i_;
  };
  Iterator begin() const { return {*this, 0}; }
  Iterator end() const { return {*this, size_}; }

 private:
  struct Segment {
    const topo::PathId* list;
    topo::PathId first;
    std::uint32_t count;
  };
  void push(const Segment& s) {
    segments_[segments_used_++] = s;
    size_ += s.count;
  }
  std::array<Segment, topo::kMaxPorts> segments_{};
  std::uint32_t segments_used_ = 0;
  std::uint32_t size_ = 0;
};

/// What a per-packet decision may look at: the flow, its candidates, the time, the packet
/// model's seeded routing stream and the candidates' first-hop occupancy.
struct PacketContext {
  const FlowKey& flow;
  Candidates candidates;
  core::Time now;
  core::Rng& rng;
  const PathOccupancy& occupancy;
};

/// What a per-hop decision may look at: the flow, the live next hops of the switch the packet
/// is at (links toward its destination on shortest paths), the seeded routing stream and the
/// ports' occupancy.
struct HopContext {
  const FlowKey& flow;
  std::span<const topo::LinkId> next_hops;  // never empty
  core::Rng& rng;
  const PathOccupancy& occupancy;
  PacketRouteState& state;  // the flow's routing memory in this direction
};

/// A routing policy chooses among precomputed equal-cost candidates (routing::Router hands
/// them over, live ones only); it never sees the topology or YAML. Policies are stateless after
/// construction, so runs are reproducible. Plug-ins derive from it too: a change to its virtuals
/// (or to what they take) bumps kPluginAbiVersion (routing/plugin.hpp).
class Policy {
 public:
  virtual ~Policy() = default;
  /// The step-level plan, made when a step starts, before its flows are routed: fills `out`
  /// (cleared) with the pieces (subflows) the application cuts each flow into, and the paths
  /// it pins them to, if any. It sees every flow of the step and, through `router`, each host
  /// pair's live candidates, the fabric and the links each candidate crosses. Default: each
  /// flow whole, routed by choose().
  virtual void plan(std::span<const StepFlow> flows, const Router& router, StepPlan& out) const;
  /// The most subflows plan() gives one flow when edge switches have `uplinks` uplinks and
  /// two hosts `paths` candidates at most (the resource estimate's worst case).
  virtual std::uint32_t most_subflows(std::uint32_t uplinks, std::uint32_t paths) const;
  /// True when every flow spreads evenly over all its candidates (lets the flow model merge
  /// links that such flows always load identically into one constraint).
  virtual bool spreads_evenly() const { return false; }
  /// True when each packet is routed on its own by choose_packet() (packet model); false when
  /// all packets of a flow follow the single path choose() returns.
  virtual bool per_packet() const { return false; }
  /// The path of the flow's next packet, among context.candidates; updates `state`.
  /// Called by the packet model for every packet when per_packet() is true.
  virtual topo::PathId choose_packet(const PacketContext& context, PacketRouteState& state) const;
  /// True when each switch on a packet's way may change the rest of its path (per-hop
  /// routing, packet model): choose_hop() is then asked at every switch with several live
  /// next hops, the source's edge switch included.
  virtual bool per_hop() const { return false; }
  /// The index, into context.next_hops, of the link the packet leaves by.
  virtual std::uint32_t choose_hop(const HopContext& context) const;
  /// True when the policy learns from the transport (dctcp) through on_feedback(); the
  /// packet model then keeps the path of every packet sent (per_packet() policies only).
  virtual bool wants_feedback() const { return false; }
  /// An ACK or a loss of a packet of the flow; updates the flow's `state` for that direction.
  virtual void on_feedback(const Feedback& feedback, PacketRouteState& state) const;
  /// Replaces `out` with the share of the flow on each chosen path; shares sum to 1.
  virtual void choose(const FlowKey& flow, Candidates candidates,
                      std::vector<PathShare>& out) const = 0;
};

class ReplayTable;

/// Parameters a scenario can give any policy; each policy reads the ones it documents.
struct PolicyParams {
  std::string name = "ecmp";
  std::uint32_t subflows = 0;                   // split: 0 = auto (s / gcd(r, s))
  std::uint64_t salt = 0;                       // ecmp hash salt, derived from the scenario seed
  core::Time flowlet_gap = core::Time::us(50);  // flowlet: idle gap that starts a new flowlet
  std::shared_ptr<const ReplayTable> trace;     // replay: the decisions to replay
  std::string fallback;                         // replay: policy of flows with no row; "" none
  std::string plugin;  // a plug-in library whose policies come after the built-ins; "" none
  ParamSet params;     // routing.params: a policy's own parameters, read by its factory
  std::uint32_t entropies = 256;  // reps: entropies a fresh draw picks among
};

/// One row of the registry table.
struct PolicyInfo {
  std::string_view name;
  std::string_view help;
  std::unique_ptr<Policy> (*make)(const PolicyParams& params);
};

/// Every built-in policy, in the order `fabricsim list` prints them.
std::span<const PolicyInfo> policies();
/// The policy named `params.name`, among the built-ins, then the policies of `params.plugin`;
/// std::invalid_argument listing the known names if none, or when its factory did not read
/// every key of `params.params`.
std::unique_ptr<Policy> make_policy(const PolicyParams& params);
/// s / gcd(r, s): the fewest equal subflows that balance r flows over s uplinks.
std::uint32_t balancing_subflows(std::uint32_t r, std::uint32_t s);

}  // namespace fabricsim::routing
