#include "net/packet_model.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "routing/policies.hpp"

namespace fabricsim::net {
PacketModel::PacketModel(core::EventQueue& queue, const topo::Fabric& fabric,
                         const routing::Router& router, const PacketParams& params,
                         model::DeliveryListener& listener)
    : queue_(queue),
      fabric_(fabric),
      router_(router),
      listener_(listener),
      transport_(params.transport),
      switches_(params.switches),
      windowed_(params.transport.kind == "dctcp"),
      dropping_(!params.drops.empty()),
      feedback_(windowed_ && router.policy().per_packet() && router.policy().wants_feedback()),
      header_(params.transport.header.count()),
      payload_(params.transport.mtu.count() - params.transport.header.count()),
      route_rng_(params.seed, "net.route"),
      ecn_rng_(params.seed, "net.ecn"),
      timers_(queue, *this),
      ports_(fabric.links.size()),
      link_stats_(fabric.links.size()),
      switch_ports_(fabric.nodes.size()),
      nics_(fabric.host_uplink.size()),
      drops_(params.drops) {
  if (!windowed_ && transport_.kind != "ideal") {
    throw std::invalid_argument("packet model: unknown transport '" + transport_.kind + "'");
  }
  if (header_ < 0 || payload_ <= 0) {
    throw std::invalid_argument("packet model: mtu must exceed the header bytes");
  }
  if (switches_.buffer_per_port && *switches_.buffer_per_port < transport_.mtu) {
    throw std::invalid_argument("packet model: switch.buffer_per_port is smaller than one mtu");
  }
  if (!windowed_ && dropping_) {
    throw std::invalid_argument("packet model: dropping packets on purpose needs transport dctcp");
  }
  window_ = {.mss = payload_,
             .reorder_threshold = transport_.reorder_threshold,
             .reorder_window = transport_.reorder_window,
             .tail_loss_probe = transport_.tail_loss_probe,
             .min_rto = transport_.min_rto,
             .gain = transport_.gain};
  for (topo::LinkId l = 0; l < fabric.links.size(); ++l) {
    // A switch at the far end holds each packet `latency` before its output port sees it;
    // the delay is the same for every packet of the link, so folding it into the link's
    // delay keeps arrivals in FIFO order and needs no event of its own.
    const topo::Link& link = fabric.links[l];
    const bool to_switch = fabric.nodes[link.dst].kind != topo::NodeKind::host;
    Port& port = ports_[l];
    port.delay = link.latency + (to_switch ? switches_.latency : core::Time{});
    port.rate = link.rate;
    port.node = link.src;
    cache_serialization(port);
    if (fabric.nodes[link.src].kind != topo::NodeKind::host) switch_ports_[link.src].push_back(l);
  }
  for (std::uint32_t nic = 0; nic < fabric.host_uplink.size(); ++nic)
    ports_[fabric.host_uplink[nic]].nic_host = nic;
  // Hints (prefetch()) pay once the ports alone outgrow a core's L2 cache; in a smaller
  // fabric everything an event reads is in the cache already and they would only cost.
  if (ports_.size() * sizeof(Port) > kPrefetchAbove) queue_.set_lookahead(kPrefetchStages);
}

PacketModel::Binding PacketModel::bind(const routing::FlowKey& key, bool per_packet) {
  if (!per_packet) {
    router_.choose(key, shares_);  // the path the flow model takes too
    return {fabric_.port_of(key.src_host, shares_[0].path, true), shares_[0].path};
  }
  const routing::Candidates c = router_.candidates(key.src_host, key.dst_host);
  const topo::PathId p = fabric_.ports == 1
                             ? c[0]
                             : c[routing::hash_index(0, key, static_cast<std::uint32_t>(c.size()))];
  return {fabric_.port_of(key.src_host, p, true), p};
}

std::uint32_t PacketModel::start_flow(std::uint32_t src_host, std::uint32_t dst_host,
                                      core::Bytes bytes, const routing::FlowKey& key) {
  const bool per_packet = router_.policy().per_packet();
  const Binding bound = bind(key, per_packet);
  FlowState state{.key = key,
                  .path = bound.path,
                  .ack_path = router_.candidates(dst_host, src_host, bound.port)[0],
                  .per_packet = per_packet,
                  .port = bound.port};
  if (per_packet) {
    data_routes_.emplace_back();
    ack_routes_.emplace_back();
  }
  const auto id = static_cast<std::uint32_t>(flows_.size());
  flows_.push_back(state);
  if (!per_packet) {
    repath(id);
    // The data path the policy chose over every port (repath keeps to the flow's port, so
    // that a reroute never moves the flow to another NIC).
    flows_[id].path = bound.path;
  }
  const auto n = static_cast<std::uint32_t>(
      std::max<std::int64_t>(1, (bytes.count() + payload_ - 1) / payload_));
  stats_.push_back({.bytes = bytes.count(), .packets = n, .start = queue_.now()});
  ++active_flows_;
  if (windowed_) {
    // The probe timeout's first estimate is the path's base round trip: known to the
    // simulator, as a handshake would measure it (docs/packet-model.md, Loss recovery).
    const core::Time rtt = base_rtt(id);
    senders_.emplace_back().start(n, bytes.count(), payload_, initial_window(id, rtt), rtt);
    senders_.back().in_ring = true;
    received_.emplace_back((std::size_t{n} + 63) / 64, 0);
    if (feedback_) sent_paths_.emplace_back(n);
  }
  nic_push(nic_of(id), id);
  wake_nic(nic_of(id), queue_.now());
  return id;
}

void PacketModel::repath(std::uint32_t flow) {
  FlowState& state = flows_[flow];
  if (state.per_packet) return;
  const auto one_path = [this, &state](const routing::FlowKey& t) {
    router_.choose(t, shares_, state.port);
    if (shares_.size() != 1) {
      throw std::invalid_argument(
          "packet model: the routing policy spreads a flow over several paths without "
          "routing its packets one by one");
    }
    return shares_[0].path;
  };
  state.path = one_path(state.key);
  state.ack_path = one_path(routing::reversed(state.key));
}

core::Time PacketModel::base_rtt(std::uint32_t flow) const {
  // A full packet out and a header-only ACK back, serialized and propagated on every link of
  // the flow's first path (a per-packet policy's candidates are equal-cost), without queues.
  const FlowState& state = flows_[flow];
  const auto round_trip = [&](topo::LinkId l) {
    const core::Bitrate rate = ports_[l].rate;
    return core::serialization_time(transport_.mtu, rate).ps() +
           core::serialization_time(transport_.header, rate).ps() + 2 * ports_[l].delay.ps();
  };
  std::int64_t rtt =
      round_trip(fabric_.host_uplink[nic_of(flow)]) +
      round_trip(fabric_.host_downlink[fabric_.port(state.key.dst_host, state.port)]);
  for (const topo::LinkId l : fabric_.path(state.path)) rtt += round_trip(l);
  return core::Time::ps(rtt);
}

double PacketModel::initial_window(std::uint32_t flow, core::Time base_rtt) const {
  if (transport_.initial_window.count() > 0) {
    return static_cast<double>(transport_.initial_window.count());
  }
  // One bandwidth-delay product: as many full packets as the source's line serializes in the
  // unloaded round trip of a full packet out and its ACK back along the flow's first path.
  const core::Bitrate line = ports_[fabric_.host_uplink[nic_of(flow)]].rate;
  const std::int64_t per_packet = core::serialization_time(transport_.mtu, line).ps();
  return static_cast<double>((base_rtt.ps() + per_packet - 1) / per_packet * payload_);
}

void PacketModel::nic_push(std::uint32_t nic_index, std::uint32_t flow) {
  Nic& nic = nics_[nic_index];
  flows_[flow].next_active = kNone;
  if (nic.tail == kNone) {
    nic.head = flow;
  } else {
    flows_[nic.tail].next_active = flow;
  }
  nic.tail = flow;
}

void PacketModel::wake_nic(std::uint32_t nic_index, core::Time now) {
  const topo::LinkId link = fabric_.host_uplink[nic_index];
  Port& port = ports_[link];
  Nic& nic = nics_[nic_index];
  if (nic.wake_at != core::Time::max()) return;
  if (port.busy_until <= now) {
    serve_host_port(link, now);
  } else {
    queue_.schedule(port.busy_until, *this, 2 * link + kWake);
    nic.wake_at = port.busy_until;
  }
}

void PacketModel::serve_host_port(topo::LinkId link, core::Time now) {
  // The NIC's next flow in round robin, behind any ACKs committed meanwhile. A NIC whose
  // uplink is down stops: no packet, no event (set_link wakes it when the link is up).
  Port& port = ports_[link];
  if (port.down) [[unlikely]]
    return;
  Nic& nic = nics_[port.nic_host];
  Packet packet{};
  if (!make_packet(port.nic_host, now, packet)) return;
  settle(port, now);
  commit(link, packet, std::max(now, port.busy_until), now);
  if (nic.head != kNone) {
    queue_.schedule(port.busy_until, *this, 2 * link + kWake);
    nic.wake_at = port.busy_until;
  }
}

bool PacketModel::make_packet(std::uint32_t nic_index, core::Time now, Packet& packet) {
  // Round robin: take the ring's head, cut one packet, put it back at the tail if it may
  // send more. A window flow can lose its turn while queued (a late ACK cancels the
  // retransmission it was waiting for, an ECN echo shrinks its window): it leaves the ring.
  Nic& nic = nics_[nic_index];
  std::uint32_t f = kNone;
  do {
    if (nic.head == kNone) return false;
    f = nic.head;
    nic.head = flows_[f].next_active;
    if (nic.head == kNone) nic.tail = kNone;
    if (windowed_) senders_[f].in_ring = senders_[f].can_send();
  } while (windowed_ && !senders_[f].in_ring);
  FlowState& flow = flows_[f];
  FlowStats& stats = stats_[f];
  std::uint32_t seq = 0;
  bool retransmit = false;
  std::int64_t payload = 0;
  if (windowed_) {
    WindowSender& sender = senders_[f];
    seq = sender.take(now, window_, retransmit);
    if (retransmit && feedback_) feed_back_loss(f, seq, now);
    payload = sender.payload(seq);
    arm_timer(f);
    sender.in_ring = sender.can_send();
    if (sender.in_ring) nic_push(nic_index, f);
  } else {
    seq = flow.next_seq++;
    payload = std::min(payload_, stats.bytes - std::int64_t{seq} * payload_);
    if (flow.next_seq < stats.packets) nic_push(nic_index, f);
  }
  ++stats.sent_packets;
  if (retransmit) {
    ++stats.retransmits;
  } else {
    stats.sent_bytes += payload;
  }
  packet.flow = f;
  packet.path = flow.path;
  packet.seq = seq;
  packet.wire_bytes = static_cast<std::uint32_t>(payload + header_);
  packet.hop = 0;
  packet.flags = windowed_ ? kEcnCapable : 0;
  if (retransmit) packet.flags |= kRetransmission;
  return true;
}

void PacketModel::deliver_data(Packet& packet, core::Time now) {
  const std::uint32_t f = packet.flow;
  FlowState& flow = flows_[f];
  FlowStats& stats = stats_[f];
  bool fresh = stats.delivered_packets < stats.packets;
  if (fresh && windowed_) {
    std::uint64_t& word = received_[f][packet.seq / 64];
    const std::uint64_t bit = std::uint64_t{1} << (packet.seq % 64);
    fresh = (word & bit) == 0;
    word |= bit;
  }
  if (fresh) {
    stats.delivered_bytes += packet.wire_bytes - header_;
    ++stats.delivered_packets;
    // Out of order: a higher-numbered packet of the flow arrived before this one.
    if (packet.seq + 1 < flow.max_seq_seen) {
      ++stats.out_of_order;
      stats.max_reorder = std::max(stats.max_reorder, flow.max_seq_seen - 1 - packet.seq);
    }
    flow.max_seq_seen = std::max(flow.max_seq_seen, packet.seq + 1);
  }
  if (windowed_) {
    // The packet turns into its own ACK: header only, back along the reverse route.
    const std::uint32_t dst = flow.key.dst_host;
    packet.flags = kAck | ((packet.flags & kCongestion) != 0 ? kEcnEcho : 0) |
                   (packet.flags & kRetransmission);
    packet.wire_bytes = static_cast<std::uint32_t>(header_);
    packet.hop = 0;
    packet.path = flow.ack_path;
    // ACKs go before data: the NIC commits one data packet at a time, when the serializer
    // frees up, so an ACK waits at most for the packet in service.
    const topo::LinkId uplink = fabric_.host_uplink[fabric_.port(dst, flow.port)];
    Port& port = ports_[uplink];
    if (port.down) [[unlikely]] {
      drop(uplink, packet.wire_bytes);  // a dead uplink: the ACK is lost at once
    } else {
      settle(port, now);
      commit(uplink, packet, std::max(now, port.busy_until), now);
    }
  }
  if (fresh && stats.delivered_packets == stats.packets) {
    stats.end = now;
    --active_flows_;
    if (windowed_) received_[f] = {};
    listener_.on_delivered(f, now.ps());
  }
}

void PacketModel::deliver_ack(const Packet& packet, core::Time now) {
  const std::uint32_t f = packet.flow;
  const bool echo = (packet.flags & kEcnEcho) != 0;
  const bool of_retransmission = (packet.flags & kRetransmission) != 0;
  const std::uint32_t seq = packet.seq;
  WindowSender& sender = senders_[f];
  if (feedback_) feed_back_ack(packet, now);
  sender.on_ack(seq, echo, of_retransmission, now, window_);
  if (feedback_ && sender.done()) sent_paths_[f] = std::vector<SentPaths>();
  arm_timer(f);
  if (!sender.in_ring && sender.can_send()) {
    sender.in_ring = true;
    nic_push(nic_of(f), f);
    wake_nic(nic_of(f), now);
  }
}

void PacketModel::feed_back_ack(const Packet& ack, core::Time now) {
  const std::uint32_t f = ack.flow;
  const WindowSender& sender = senders_[f];
  if (sender.done()) return;  // a duplicate after the last ACK: the paths are gone
  using Kind = routing::Feedback::Kind;
  const routing::FlowKey& key = flows_[f].key;
  // The ACK itself made it back on its path.
  router_.feedback({routing::reversed(key), ack.path, Kind::acked, now}, ack_routes_[f]);
  // The data copy it acknowledges: its path is known unless it is the first copy of a packet
  // sent again (the path kept is the later copy's).
  const bool of_retransmission = (ack.flags & kRetransmission) != 0;
  const topo::PathId path = sent_paths_[f][ack.seq].data;
  if (sender.resent(ack.seq) != of_retransmission || path == kNone) return;
  const Kind kind = (ack.flags & kEcnEcho) != 0 ? Kind::acked_ecn : Kind::acked;
  router_.feedback({key, path, kind, now}, data_routes_[f]);
}

void PacketModel::feed_back_loss(std::uint32_t f, std::uint32_t seq, core::Time now) {
  // The simulator knows which of the two was lost: an ACK sent for the copy means the data
  // arrived and its ACK did not (or not yet).
  SentPaths& sent = sent_paths_[f][seq];
  const routing::FlowKey& key = flows_[f].key;
  using Kind = routing::Feedback::Kind;
  if (sent.ack != kNone) {
    router_.feedback({routing::reversed(key), sent.ack, Kind::lost, now}, ack_routes_[f]);
  } else if (sent.data != kNone) {
    router_.feedback({key, sent.data, Kind::lost, now}, data_routes_[f]);
  }
  sent = {};
}

void PacketModel::arm_timer(std::uint32_t flow) {
  // Lazy: a deadline pushed back leaves the armed wake-up alone (it re-arms when it fires
  // early); only an earlier one arms another.
  WindowSender& sender = senders_[flow];
  const core::Time deadline = sender.deadline();
  if (deadline >= sender.timer_at) return;
  timers_.arm(flow, deadline);
  sender.timer_at = deadline;
}

void PacketModel::on_timer(std::uint32_t flow, core::Time now) {
  WindowSender& sender = senders_[flow];
  if (now >= sender.timer_at) sender.timer_at = core::Time::max();  // else an overtaken one
  if (sender.done()) return;
  const TimerOutcome fired = sender.on_timer(now, window_);
  FlowStats& stats = stats_[flow];
  if (fired.timeout) ++stats.timeouts;
  if (fired.probe) ++stats.probes;
  arm_timer(flow);
  if (!sender.in_ring && sender.can_send()) {
    sender.in_ring = true;
    nic_push(nic_of(flow), flow);
    wake_nic(nic_of(flow), now);
  }
}

}  // namespace fabricsim::net
