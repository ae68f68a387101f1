// The packet model's ports, links and switches: where packets wait, get marked or dropped,
// and travel. Flows, NICs and transports are in packet_model.cpp.
#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "net/packet_model.hpp"

namespace fabricsim::net {
namespace {

/// Counts a packet whose serialization began.
void count_start(LinkStats& stats, std::uint32_t wire_bytes, core::Time duration) {
  stats.tx_bytes += wire_bytes;
  stats.busy_ps += duration.ps();
  ++stats.packets;
}

}  // namespace

void PacketModel::on_event(std::uint32_t tag, core::Time now) {
  const topo::LinkId link = tag / 2;
  if (tag % 2 == kArrived) {
    on_arrival(link, now);
  } else {
    Nic& nic = nics_[ports_[link].nic_host];
    if (now != nic.wake_at) [[unlikely]]
      return;  // orphaned by set_link
    nic.wake_at = core::Time::max();
    serve_host_port(link, now);
  }
}

void PacketModel::set_link(topo::LinkId link, bool up, core::Bitrate rate) {
  if (link >= ports_.size()) {
    throw std::out_of_range("packet model: set_link: no link " + std::to_string(link));
  }
  if (rate.bps() <= 0) {
    throw std::invalid_argument("packet model: set_link: link " + std::to_string(link) +
                                " needs a rate above 0");
  }
  const core::Time now = queue_.now();
  Port& port = ports_[link];
  settle(port, link, now);  // what has started by now counts as sent
  if (!up) {
    port.rate = rate;  // for when it comes back
    if (!port.down) take_down(port, link, now);
    return;
  }
  if (port.down) {
    // take_down left the port empty with its serializer free by now.
    port.down = false;
    port.rate = rate;
    if (port.nic_host != kNone) wake_nic(port.nic_host, now);
    return;
  }
  if (rate != port.rate) change_rate(port, link, rate);
}

void PacketModel::take_down(Port& port, topo::LinkId link, core::Time now) {
  // Everything in the ring is lost: the packets before `unstarted` have begun (tx counted,
  // so lost_bytes too; the one still in service gives back the busy time it will not use),
  // the rest were waiting. The ring's pending arrival event stays in the queue, orphaned:
  // it finds the ring empty, or headed by a packet not due then, and does nothing.
  if (!port.ring.empty()) orphan_arrival(port, link);
  LinkStats& stats = link_stats_[link];
  bool started = true;
  for (std::uint32_t p = port.ring.head; p != kNone;) {
    const Packet& packet = pool_[p];
    const std::uint32_t next = packet.next;
    if (p == port.unstarted) started = false;
    if (started) {
      stats.lost_bytes += packet.wire_bytes;
      const core::Time end = packet.due - port.delay;
      if (end > now) stats.busy_ps -= (end - now).ps();
    }
    drop(link, p);
    p = next;
  }
  port.ring = {};
  port.unstarted = kNone;
  port.next_start = core::Time::max();
  port.backlog = 0;
  port.busy_until = std::min(port.busy_until, now);
  port.down = true;
  // A host uplink: its NIC's pending event (if any) is orphaned; the NIC stops serving.
  if (port.nic_host != kNone) nics_[port.nic_host].wake_at = core::Time::max();
}

void PacketModel::change_rate(Port& port, topo::LinkId link, core::Bitrate rate) {
  // settle() ran: the packets from `unstarted` on start after now, one after the other
  // from next_start (the end of the packet in service, which keeps its rate). Their ends
  // and arrivals follow the new rate. A pending event at an old end is orphaned and one is
  // scheduled at the new end: the NIC's wake-up, due when the packet it was scheduled
  // behind ends, and the ring head's arrival were the head still waiting (it has always
  // started: the packet before it ended no later than it arrived).
  port.rate = rate;
  if (port.unstarted == kNone) return;
  Nic* nic = port.nic_host != kNone ? &nics_[port.nic_host] : nullptr;
  const core::Time old_wake = nic != nullptr ? nic->wake_at : core::Time::max();
  core::Time wake = old_wake;
  core::Time start = port.next_start;
  for (std::uint32_t p = port.unstarted; p != kNone; p = pool_[p].next) {
    Packet& packet = pool_[p];
    const core::Time old_end = packet.due - port.delay;
    const core::Time end = start + core::serialization_time(core::Bytes(packet.wire_bytes), rate);
    if (old_end == old_wake) wake = end;
    packet.due = end + port.delay;
    start = end;
  }
  port.busy_until = start;
  if (port.unstarted == port.ring.head) {
    orphan_arrival(port, link);
    queue_.schedule(pool_[port.ring.head].due, *this, 2 * link + kArrived);
  }
  if (wake != old_wake) {
    nic->wake_at = wake;
    queue_.schedule(wake, *this, 2 * link + kWake);
  }
}

std::span<const LinkStats> PacketModel::links() {
  for (topo::LinkId l = 0; l < ports_.size(); ++l) {
    settle(ports_[l], l, queue_.now());
    link_stats_[l].queue_bytes = ports_[l].backlog;
  }
  return link_stats_;
}

void PacketModel::settle(Port& port, topo::LinkId link, core::Time now) {
  // Packets whose start time has come leave the backlog and count as transmitted. A waiting
  // packet starts the moment the one before it ends (it queued behind it), so each start
  // follows from the previous packet's arrival time: no packet stores its own.
  while (port.next_start <= now) {
    const Packet& packet = pool_[port.unstarted];
    const core::Time end = packet.due - port.delay;
    port.backlog -= packet.wire_bytes;
    count_start(link_stats_[link], packet.wire_bytes, end - port.next_start);
    port.unstarted = packet.next;
    port.next_start = port.unstarted == kNone ? core::Time::max() : end;
  }
}

std::int64_t PacketModel::queued_bytes(topo::PathId path) const {
  const topo::PathLinks links = fabric_.path(path);
  return links.empty() ? 0 : link_queued_bytes(links[0]);
}

std::int64_t PacketModel::link_queued_bytes(topo::LinkId link) const {
  const Port& port = ports_[link];
  std::int64_t backlog = port.backlog;
  core::Time start = port.next_start;
  for (std::uint32_t p = port.unstarted; p != kNone && start <= queue_.now(); p = pool_[p].next) {
    backlog -= pool_[p].wire_bytes;
    start = pool_[p].due - port.delay;
  }
  return backlog;
}

bool PacketModel::admit(topo::LinkId link, std::int64_t bytes, core::Time now) {
  const Port& port = ports_[link];
  if (switches_.buffer_per_port && port.backlog + bytes > switches_.buffer_per_port->count()) {
    return false;
  }
  if (!switches_.shared_buffer) return true;
  // Dynamic threshold: a port may hold at most alpha x the switch's free buffer.
  std::int64_t used = 0;
  for (const topo::LinkId l : switch_ports_[port.node]) {
    settle(ports_[l], l, now);
    used += ports_[l].backlog;
  }
  const double free = static_cast<double>(switches_.shared_buffer->size.count() - used);
  return static_cast<double>(bytes) <= free &&
         static_cast<double>(port.backlog + bytes) <= switches_.shared_buffer->alpha * free;
}

void PacketModel::commit(topo::LinkId link, std::uint32_t p, core::Time start, core::Time now) {
  // A FIFO port that never preempts: the packet's start, end and arrival are known now.
  Port& port = ports_[link];
  Packet& packet = pool_[p];
  const core::Time duration = core::serialization_time(core::Bytes(packet.wire_bytes), port.rate);
  port.busy_until = start + duration;
  packet.due = port.busy_until + port.delay;
  LinkStats& stats = link_stats_[link];
  if (start > now) {
    port.backlog += packet.wire_bytes;
    if (port.unstarted == kNone) {
      port.unstarted = p;
      port.next_start = start;
    }
    stats.max_queue_bytes = std::max(stats.max_queue_bytes, port.backlog);
  } else {
    count_start(stats, packet.wire_bytes, duration);
  }
  const bool was_empty = port.ring.empty();
  port.ring.push(pool_, p);
  if (was_empty) queue_.schedule(packet.due, *this, 2 * link + kArrived);
}

void PacketModel::orphan_arrival(Port& port, topo::LinkId link) {
  if (port.orphans == std::numeric_limits<std::uint16_t>::max()) {
    throw std::length_error("packet model: set_link: link " + std::to_string(link) +
                            " changed 65,535 times within one packet's flight");
  }
  ++port.orphans;
}

void PacketModel::drop(topo::LinkId link, std::uint32_t p) {
  LinkStats& stats = link_stats_[link];
  ++stats.drops;
  stats.dropped_bytes += pool_[p].wire_bytes;
  pool_.release(p);
}

void PacketModel::enqueue(topo::LinkId link, std::uint32_t p, core::Time now) {
  Port& port = ports_[link];
  if (port.down) [[unlikely]] {
    drop(link, p);
    return;
  }
  settle(port, link, now);
  Packet& packet = pool_[p];
  if (windowed_) {
    LinkStats& stats = link_stats_[link];
    if (!admit(link, packet.wire_bytes, now) || (dropping_ && drop_on_purpose(packet))) {
      drop(link, p);
      return;
    }
    // Marked on the instantaneous backlog the packet finds (kmin/kmax/pmax); a draw only
    // between the thresholds.
    const double mark = (packet.flags & kEcnCapable) != 0 && switches_.ecn
                            ? ecn_mark_probability(*switches_.ecn, port.backlog)
                            : 0.0;
    if (mark >= 1.0 || (mark > 0.0 && ecn_rng_.uniform() < mark)) {
      packet.flags |= kCongestion;
      ++stats.ecn_marks;
    }
  }
  commit(link, p, std::max(now, port.busy_until), now);
}

bool PacketModel::drop_on_purpose(const Packet& packet) {
  if (packet.hop != 1 || (packet.flags & kAck) != 0) return false;  // not at its first switch
  for (PacketDrop& drop : drops_) {
    if (drop.flow == packet.flow && drop.seq == packet.seq && drop.copies > 0) {
      --drop.copies;
      return true;
    }
  }
  return false;
}

void PacketModel::on_arrival(topo::LinkId link, core::Time now) {
  Port& port = ports_[link];
  // An event orphaned by set_link (the ring it was for was dropped, or re-timed by a rate
  // change) finds no packet due now; it does nothing. Every other event is the head's.
  if (port.orphans != 0) [[unlikely]] {
    if (port.ring.empty() || pool_[port.ring.head].due != now) {
      --port.orphans;
      return;
    }
  }
  // The head has started long ago (its arrival comes after its serialization); the backlog
  // may stay stale until the next enqueue, unless it still names the head.
  if (port.unstarted == port.ring.head) settle(port, link, now);
  const std::uint32_t p = port.ring.pop(pool_);
  Packet& packet = pool_[p];
  link_stats_[link].rx_bytes += packet.wire_bytes;
  if (packet.hop == 0) route_at_edge(packet, now);
  if (flows_[packet.flow].per_packet) route_at_switch(packet, link);
  const topo::LinkId next = next_link(packet, link);
  // Fetch the next port while the ring's new head (another line) is read for its arrival.
  if (next != kNone) __builtin_prefetch(&ports_[next]);
  if (!port.ring.empty()) queue_.schedule(pool_[port.ring.head].due, *this, 2 * link + kArrived);
  if (next == kNone) {
    if ((packet.flags & kAck) != 0) {
      deliver_ack(p, now);
    } else {
      deliver_data(p, now);
    }
    return;
  }
  ++packet.hop;
  enqueue(next, p, now);
}

void PacketModel::route_at_edge(Packet& packet, core::Time now) {
  // The packet reached its first switch: a per-packet policy picks its path now.
  const FlowState& flow = flows_[packet.flow];
  if (!flow.per_packet) return;
  const bool ack = (packet.flags & kAck) != 0;
  const routing::FlowKey key = ack ? routing::reversed(flow.key) : flow.key;
  packet.path = router_.choose_packet(key, now, route_rng_, *this,
                                      (ack ? ack_routes_ : data_routes_)[packet.flow], flow.port);
}

void PacketModel::route_at_switch(Packet& packet, topo::LinkId arrived_on) {
  // A per-hop policy picks the next hop at every switch before the destination's.
  if (!router_.policy().per_hop()) return;
  const FlowState& flow = flows_[packet.flow];
  const bool ack = (packet.flags & kAck) != 0;
  const routing::FlowKey key = ack ? routing::reversed(flow.key) : flow.key;
  const topo::NodeId at = fabric_.links[arrived_on].dst;
  if (fabric_.nodes[at].kind == topo::NodeKind::host) return;
  packet.path = router_.choose_hop(key, packet.path, at, route_rng_, *this);
}

topo::LinkId PacketModel::next_link(const Packet& packet, topo::LinkId arrived_on) const {
  // Route = source host uplink, the path's links, destination host downlink: at a switch
  // before the destination's edge switch the catalog names the next link of the path.
  const topo::NodeId at = fabric_.links[arrived_on].dst;
  const FlowState& flow = flows_[packet.flow];
  const bool ack = (packet.flags & kAck) != 0;
  const std::uint32_t src = ack ? flow.key.dst_host : flow.key.src_host;
  const std::uint32_t dst = ack ? flow.key.src_host : flow.key.dst_host;
  if (at == fabric_.host_node[dst]) return kNone;
  if (fabric_.ports == 1) {
    if (at == fabric_.edge_node[fabric_.host_edge[dst]]) return fabric_.host_downlink[dst];
    return fabric_.catalog.next_link(fabric_.pair_of_ports(src, dst), packet.path, at);
  }
  const std::size_t pair = fabric_.catalog.pair_of(packet.path);
  if (at == fabric_.edge_node[pair % fabric_.edge_count()])
    return fabric_.downlink(dst, packet.path);
  return fabric_.catalog.next_link(pair, packet.path, at);
}

}  // namespace fabricsim::net
