#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "model/network_model.hpp"
#include "net/link_sampler.hpp"
#include "net/packet_model.hpp"

namespace fabricsim::net {

/// The packet model as the engine sees it: flows are PacketModel flows, links report their
/// wire bytes, busy time, queues, drops and marks, and a LinkSampler records every link
/// every `sample_interval` (0: off) while `running()` holds.
class PacketNetwork final : public model::NetworkModel {
 public:
  PacketNetwork(core::EventQueue& queue, const topo::Fabric& fabric, const routing::Router& router,
                const PacketParams& params, core::Time sample_interval,
                std::function<bool()> running, model::DeliveryListener& listener);

  std::uint32_t start_flow(const routing::FlowKey& key, std::int64_t bytes) override;
  std::int32_t path_id(std::uint32_t flow) const override { return path_id_[flow]; }
  void set_link(topo::LinkId link, bool up, core::Bitrate rate) override {
    model_.set_link(link, up, rate);
  }
  void reroute(std::uint32_t flow) override;
  void report(std::int64_t end_ps, metrics::Results& out) override;
  std::uint64_t bookkeeping_events() const override { return sampler_ ? sampler_->events() : 0; }

 private:
  /// The flow's one path, or -1 when it spreads (routed per packet over several candidates).
  std::int32_t chosen_path(std::uint32_t flow);

  const routing::Router& router_;
  PacketModel model_;
  std::unique_ptr<LinkSampler> sampler_;
  std::vector<routing::FlowKey> keys_;      // per flow
  std::vector<std::int32_t> path_id_;       // per flow
  std::vector<routing::PathShare> shares_;  // scratch
};

}  // namespace fabricsim::net
