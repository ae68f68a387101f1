#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/event_queue.hpp"
#include "flow/even_spread.hpp"
#include "flow/flow_model.hpp"
#include "model/network_model.hpp"

namespace fabricsim::flow {

/// The fluid model as the engine sees it: a (sub)flow becomes max-min constraints on the links
/// of the paths routing gives it (the fraction it puts on each), its end is its last byte
/// sent plus its route's latency, and a link's bytes are the flow bytes routed across it.
///
/// When every flow spreads evenly over intact paths (no `events:`), links that always carry
/// equal loads share one constraint and a pair's fractions are computed once
/// (EvenSpreadCache): the same rates, with far fewer solver uses.
class FluidNetwork final : public model::NetworkModel, private FlowListener {
 public:
  /// `links_change`: the scenario changes links, so flows keep what a reroute needs and the
  /// even-spread shortcuts (which assume every path alive) are off.
  FluidNetwork(core::EventQueue& queue, const topo::Fabric& fabric, const routing::Router& router,
               core::Time resolve_interval, bool links_change, model::DeliveryListener& listener);

  std::uint32_t start_flow(const routing::FlowKey& key, std::int64_t bytes) override;
  std::int32_t path_id(std::uint32_t flow) const override { return path_id_[flow]; }
  void set_link(topo::LinkId link, bool up, core::Bitrate rate) override;
  void reroute(std::uint32_t flow) override;
  void report(std::int64_t end_ps, metrics::Results& out) override;

 private:
  void on_flow_sent(std::uint32_t flow, core::Time now) override;
  std::int64_t uses_of_shares(std::uint32_t src, std::uint32_t dst);
  std::int64_t start_spread(const routing::FlowKey& key, std::int64_t bytes, std::uint32_t& id);
  std::span<const LinkUse> constraints_of_uses();

  /// What a link could carry: the bytes up to its last rate change, and its rate since.
  struct Capacity {
    double before_bytes = 0;
    double bytes_per_ps = 0;
    std::int64_t since_ps = 0;
  };

  core::EventQueue& queue_;
  const topo::Fabric& fabric_;
  const routing::Router& router_;
  model::DeliveryListener& listener_;
  bool links_change_;
  FlowModel model_;
  std::vector<topo::LinkId> constraint_of_;  // link -> first link of its constraint class
  std::unique_ptr<EvenSpreadCache> spread_;  // a policy that spreads evenly, links intact
  std::vector<double> link_tx_;              // bytes, per link
  std::vector<Capacity> capacity_;           // per link, when links change
  // Per flow: route latency and path id; when links change, its key and uses.
  std::vector<std::int64_t> latency_ps_;
  std::vector<std::int32_t> path_id_;
  std::vector<routing::FlowKey> keys_;
  std::vector<std::vector<LinkUse>> flow_uses_;
  // Scratch.
  std::vector<routing::PathShare> shares_;
  std::vector<LinkUse> uses_;
  std::vector<LinkUse> constraint_uses_;
};

}  // namespace fabricsim::flow
