#include "net/packet_model.hpp"

#include <algorithm>
#include <cassert>
#include <stdexcept>

namespace fabricsim::net {
namespace {

constexpr std::uint32_t kTransmitted = 0;  // event tag = 2 * link + kind
constexpr std::uint32_t kArrived = 1;

}  // namespace

PacketModel::PacketModel(core::EventQueue& queue, const topo::Fabric& fabric,
                         const routing::Policy& policy, const PacketParams& params,
                         PacketListener& listener)
    : queue_(queue),
      fabric_(fabric),
      policy_(policy),
      listener_(listener),
      header_(params.header.count()),
      payload_(params.mtu.count() - params.header.count()),
      spray_rng_(params.seed, "net.spray"),
      ports_(fabric.links.size()),
      link_stats_(fabric.links.size()),
      nics_(fabric.host_count()) {
  if (header_ < 0 || payload_ <= 0) {
    throw std::invalid_argument("packet model: mtu must exceed the header bytes");
  }
  for (topo::LinkId l = 0; l < fabric.links.size(); ++l) {
    // A switch at the far end holds each packet switch_latency before its output port sees
    // it; the delay is the same for every packet of the link, so folding it into the link's
    // delay keeps arrivals in FIFO order and needs no event of its own.
    const topo::Link& link = fabric.links[l];
    const bool to_switch = fabric.nodes[link.dst].kind != topo::NodeKind::host;
    ports_[l].delay = link.latency + (to_switch ? params.switch_latency : core::Time{});
  }
  for (std::uint32_t h = 0; h < fabric.host_count(); ++h)
    ports_[fabric.host_uplink[h]].nic_host = h;
}

std::uint32_t PacketModel::start_flow(std::uint32_t src_host, std::uint32_t dst_host,
                                      core::Bytes bytes, const routing::FlowTuple& tuple) {
  const topo::PathRange candidates = fabric_.paths_between_hosts(src_host, dst_host);
  policy_.choose(tuple, candidates, shares_);
  FlowState state{.src = src_host, .dst = dst_host, .path_first = 0, .path_count = 1};
  if (shares_.size() == 1) {
    state.path_first = shares_[0].path;
  } else if (policy_.spreads_evenly() && shares_.size() == candidates.count) {
    state.path_first = candidates.first;
    state.path_count = candidates.count;
  } else {
    throw std::invalid_argument("packet model: only one path or an even spread over all paths");
  }
  const auto id = static_cast<std::uint32_t>(flows_.size());
  const std::int64_t n = std::max<std::int64_t>(1, (bytes.count() + payload_ - 1) / payload_);
  flows_.push_back(state);
  stats_.push_back(
      {.bytes = bytes.count(), .packets = static_cast<std::uint32_t>(n), .start = queue_.now()});
  ++active_flows_;
  // The NIC is idle exactly when its uplink port is: then the new flow starts at once.
  Nic& nic = nics_[src_host];
  nic_push(nic, id);
  const topo::LinkId uplink = fabric_.host_uplink[src_host];
  if (ports_[uplink].in_service == kNone) start_next(uplink, queue_.now());
  return id;
}

void PacketModel::nic_push(Nic& nic, std::uint32_t flow) {
  flows_[flow].next_active = kNone;
  if (nic.tail == kNone) {
    nic.head = flow;
  } else {
    flows_[nic.tail].next_active = flow;
  }
  nic.tail = flow;
}

std::uint32_t PacketModel::make_packet(std::uint32_t host) {
  // Round robin: take the ring's head, cut one packet, put it back at the tail if it has more.
  Nic& nic = nics_[host];
  const std::uint32_t f = nic.head;
  nic.head = flows_[f].next_active;
  if (nic.head == kNone) nic.tail = kNone;
  FlowState& flow = flows_[f];
  FlowStats& stats = stats_[f];
  const std::int64_t payload = std::min(payload_, stats.bytes - stats.sent_bytes);
  stats.sent_bytes += payload;
  const std::uint32_t p = pool_.acquire();
  Packet& packet = pool_[p];
  packet.flow = f;
  packet.path =
      flow.path_count == 1
          ? flow.path_first
          : flow.path_first + static_cast<std::uint32_t>(spray_rng_.below(flow.path_count));
  packet.seq = flow.next_seq++;
  packet.wire_bytes = static_cast<std::uint32_t>(payload + header_);
  packet.hop = 0;
  if (flow.next_seq < stats.packets) nic_push(nic, f);
  return p;
}

topo::LinkId PacketModel::link_of(const Packet& packet) const {
  // Route = host uplink, the chosen path's links, host downlink.
  const FlowState& flow = flows_[packet.flow];
  if (packet.hop == 0) return fabric_.host_uplink[flow.src];
  const std::span<const topo::LinkId> path = fabric_.path(packet.path);
  if (std::size_t{packet.hop} <= path.size()) return path[packet.hop - 1];
  return fabric_.host_downlink[flow.dst];
}

bool PacketModel::last_hop(const Packet& packet) const {
  return std::size_t{packet.hop} == fabric_.path(packet.path).size() + 1;
}

void PacketModel::enqueue(topo::LinkId link, std::uint32_t packet, core::Time now) {
  Port& port = ports_[link];
  if (port.in_service == kNone) {
    transmit(link, packet, now);
    return;
  }
  port.queue.push(pool_, packet);
  port.queue_bytes += pool_[packet].wire_bytes;
  LinkStats& stats = link_stats_[link];
  stats.max_queue_bytes = std::max(stats.max_queue_bytes, port.queue_bytes);
}

void PacketModel::transmit(topo::LinkId link, std::uint32_t packet, core::Time now) {
  const core::Bytes size{pool_[packet].wire_bytes};
  const core::Time duration = core::serialization_time(size, fabric_.links[link].rate);
  ports_[link].in_service = packet;
  LinkStats& stats = link_stats_[link];
  stats.tx_bytes += size.count();
  stats.busy_ps += duration.ps();
  ++stats.packets;
  queue_.schedule(now + duration, *this, 2 * link + kTransmitted);
}

void PacketModel::start_next(topo::LinkId link, core::Time now) {
  Port& port = ports_[link];
  if (!port.queue.empty()) {
    const std::uint32_t p = port.queue.pop(pool_);
    port.queue_bytes -= pool_[p].wire_bytes;
    transmit(link, p, now);
  } else if (port.nic_host != kNone && nics_[port.nic_host].head != kNone) {
    transmit(link, make_packet(port.nic_host), now);
  }
}

void PacketModel::on_event(std::uint32_t tag, core::Time now) {
  const topo::LinkId link = tag / 2;
  if (tag % 2 == kTransmitted) {
    on_transmitted(link, now);
  } else {
    on_arrival(link, now);
  }
}

void PacketModel::on_transmitted(topo::LinkId link, core::Time now) {
  // The last bit is on the wire: the packet joins the link's in-flight ring. Only the ring's
  // head has an arrival event; later packets are scheduled as they become the head.
  Port& port = ports_[link];
  const std::uint32_t p = port.in_service;
  port.in_service = kNone;
  pool_[p].due = now + port.delay;
  const bool was_empty = port.in_flight.empty();
  port.in_flight.push(pool_, p);
  if (was_empty) queue_.schedule(pool_[p].due, *this, 2 * link + kArrived);
  start_next(link, now);
}

void PacketModel::on_arrival(topo::LinkId link, core::Time now) {
  Port& port = ports_[link];
  const std::uint32_t p = port.in_flight.pop(pool_);
  assert(pool_[p].due == now);
  link_stats_[link].rx_bytes += pool_[p].wire_bytes;
  if (!port.in_flight.empty())
    queue_.schedule(pool_[port.in_flight.head].due, *this, 2 * link + kArrived);
  Packet& packet = pool_[p];
  if (last_hop(packet)) {
    deliver(p, now);
    return;
  }
  ++packet.hop;
  enqueue(link_of(packet), p, now);
}

void PacketModel::deliver(std::uint32_t p, core::Time now) {
  const Packet& packet = pool_[p];
  const std::uint32_t f = packet.flow;
  FlowState& flow = flows_[f];
  FlowStats& stats = stats_[f];
  stats.delivered_bytes += packet.wire_bytes - header_;
  ++stats.delivered_packets;
  // Out of order: a higher-numbered packet of the flow has already arrived.
  if (packet.seq + 1 < flow.max_seq_seen) ++stats.out_of_order;
  flow.max_seq_seen = std::max(flow.max_seq_seen, packet.seq + 1);
  pool_.release(p);
  if (stats.delivered_packets == stats.packets) {
    stats.end = now;
    --active_flows_;
    listener_.on_flow_delivered(f, now);
  }
}

}  // namespace fabricsim::net
