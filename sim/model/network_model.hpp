#pragma once
#include <cstdint>

#include "core/units.hpp"
#include "metrics/results.hpp"
#include "routing/router.hpp"

namespace fabricsim::model {

/// Told when a (sub)flow's last byte has reached its destination (propagation included).
class DeliveryListener {
 public:
  virtual void on_delivered(std::uint32_t flow, std::int64_t end_ps) = 0;

 protected:
  ~DeliveryListener() = default;
};

/// What the engine asks of a network model; the fluid model (flow::FluidNetwork) and the
/// packet model (net::PacketNetwork) implement it. Both route through the one routing::Router
/// they are built with, and both run on the engine's event queue.
class NetworkModel {
 public:
  virtual ~NetworkModel() = default;

  /// Starts a (sub)flow of `bytes` at the queue's current time; returns its id (ids count up
  /// from 0). Its end is reported to the DeliveryListener.
  virtual std::uint32_t start_flow(const routing::FlowKey& key, std::int64_t bytes) = 0;
  /// The one path the flow takes, or -1 when it has several (spread, or routed per packet).
  virtual std::int32_t path_id(std::uint32_t flow) const = 0;
  /// From now on the link is up or down, at `rate` when up.
  virtual void set_link(topo::LinkId link, bool up, core::Bitrate rate) = 0;
  /// Routing changed the candidates of the flow's host pair: route the unfinished flow again.
  virtual void reroute(std::uint32_t flow) = 0;
  /// Fills `out.links` (one row per link) and the per-flow counters of `out.flows` (rows by
  /// flow id), the link series and warnings, for a run whose last byte arrived at `end_ps`.
  virtual void report(std::int64_t end_ps, metrics::Results& out) = 0;
  /// Events the model dispatched for its own bookkeeping (sampling), not for the simulation.
  virtual std::uint64_t bookkeeping_events() const { return 0; }
};

}  // namespace fabricsim::model
