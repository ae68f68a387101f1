#include "net/packet_network.hpp"

namespace fabricsim::net {

PacketNetwork::PacketNetwork(core::EventQueue& queue, const topo::Fabric& fabric,
                             const routing::Router& router, const PacketParams& params,
                             core::Time sample_interval, std::function<bool()> running,
                             model::DeliveryListener& listener)
    : router_(router), model_(queue, fabric, router, params, listener) {
  if (sample_interval.ps() > 0) {
    sampler_ = std::make_unique<LinkSampler>(
        queue, [this] { return model_.links(); }, sample_interval, std::move(running));
    sampler_->start();  // now, before any flow, so the sample at 0 sees the idle fabric
  }
}

std::int32_t PacketNetwork::chosen_path(std::uint32_t flow) {
  const routing::FlowKey& key = keys_[flow];
  if (!router_.policy().per_packet()) return static_cast<std::int32_t>(model_.path(flow));
  if (router_.policy().spreads_evenly()) {
    const auto candidates = router_.candidates(key.src_host, key.dst_host);
    return candidates.size() == 1 ? static_cast<std::int32_t>(candidates[0]) : -1;
  }
  // A flowlet flow's first packets take the ECMP path: that is its path as the policy chose it.
  router_.choose(key, shares_);
  return shares_.size() == 1 ? static_cast<std::int32_t>(shares_[0].path) : -1;
}

std::uint32_t PacketNetwork::start_flow(const routing::FlowKey& key, std::int64_t bytes) {
  const std::uint32_t id = model_.start_flow(key.src_host, key.dst_host, core::Bytes(bytes), key);
  keys_.push_back(key);
  path_id_.push_back(chosen_path(id));
  return id;
}

void PacketNetwork::reroute(std::uint32_t flow) {
  model_.repath(flow);
  if (!router_.policy().per_packet()) path_id_[flow] = chosen_path(flow);
}

void PacketNetwork::report(std::int64_t end_ps, metrics::Results& out) {
  const std::span<const LinkStats> links = model_.links();
  for (topo::LinkId l = 0; l < links.size(); ++l) {
    // Wire bytes (headers included) and the time the serializer was busy.
    const LinkStats& stats = links[l];
    out.links.push_back(
        {.link_id = l,
         .tx_bytes = stats.tx_bytes,
         .busy_fraction =
             end_ps > 0 ? static_cast<double>(stats.busy_ps) / static_cast<double>(end_ps) : 0.0,
         .max_queue_bytes = stats.max_queue_bytes,
         .drops = stats.drops,
         .dropped_bytes = stats.dropped_bytes,
         .ecn_marks = stats.ecn_marks,
         .lost_bytes = stats.lost_bytes});
  }
  for (metrics::FlowRecord& record : out.flows) {
    const FlowStats& stats = model_.flow(record.id);
    record.packets = stats.sent_packets;
    record.retransmits = stats.retransmits;
    record.reordered_packets = stats.out_of_order;
    record.max_reorder = stats.max_reorder;
    record.probes = stats.probes;
    record.timeouts = stats.timeouts;
  }
  if (sampler_) {
    out.link_series = sampler_->take(end_ps);
    if (!sampler_->warning().empty()) out.info.warnings += sampler_->warning() + "\n";
  }
}

}  // namespace fabricsim::net
