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
template <class Port>
void count_start(Port& port, std::uint32_t wire_bytes, core::Time duration) {
  port.tx_bytes += wire_bytes;
  port.busy_ps += duration.ps();
  ++port.packets;
}

/// A serialization time in ps if it fits 32 bits, else 0.
std::uint32_t cached_ps(core::Time t) {
  return t.ps() > 0 && t.ps() <= std::numeric_limits<std::uint32_t>::max()
             ? static_cast<std::uint32_t>(t.ps())
             : 0;
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

void PacketModel::prefetch(std::uint32_t tag, int ahead) {
  // Reads only, and what it reads may be stale by the time the event runs: a hint never
  // changes a result. Each stage reads what the stage before fetched: the state of most
  // events lies in the packets, ports and flows of a fabric far larger than the cache, and
  // an event's reads depend on each other (port, head packet, its flow, the next port, the
  // packets there), so without this every event would wait for them one after the other.
  const topo::LinkId link = tag / 2;
  const Port& port = ports_[link];
  if (ahead >= 5) {
    __builtin_prefetch(&port);
    __builtin_prefetch(&port.tx_bytes);
    return;
  }
  if (tag % 2 == kWake) {
    if (port.nic_host == kNone) return;
    const Nic& nic = nics_[port.nic_host];
    if (ahead == 4) {
      __builtin_prefetch(&nic);
    } else if (ahead == 3 && nic.head != kNone) {
      prefetch_flow(nic.head);
    } else if (ahead == 2 && port.ring.tail != kNone) {
      __builtin_prefetch(&pool_[port.ring.tail], 1);  // the data packet goes behind it
    }
    return;
  }
  const std::uint32_t head = port.ring.head;
  if (head == kNone) return;
  if (ahead == 4) {
    __builtin_prefetch(&pool_[head]);
    __builtin_prefetch(&fabric_.links[link]);  // next_link reads it
    return;
  }
  const Packet& packet = pool_[head];
  if (ahead == 3) {
    __builtin_prefetch(&flows_[packet.flow]);  // next_link and route_at_edge read it
    if (feedback_) __builtin_prefetch(&sent_paths_[packet.flow]);
    if (packet.next != kNone) __builtin_prefetch(&pool_[packet.next]);        // the next head
    if (port.unstarted != kNone) __builtin_prefetch(&pool_[port.unstarted]);  // settle
    return;
  }
  Hint& hint = hints_[link % hints_.size()];
  if (ahead == 2) {
    // A packet routed per packet may get its path where it arrives (at its source's edge
    // switch, or at every switch for a per-hop policy): its next link is not known yet.
    hint = {};
    if (flows_[packet.flow].per_packet && (packet.hop == 0 || router_.policy().per_hop())) {
      return;
    }
    hint = {.link = link,
            .flow = packet.flow,
            .path = packet.path,
            .hop = packet.hop,
            .ack = (packet.flags & kAck) != 0,
            .next = next_link(packet, link)};
    hint.then = hint.next;
    if (hint.next == kNone) {
      prefetch_flow(packet.flow);
      // Delivered: a data packet's ACK leaves on the destination's uplink.
      if (hint.ack) {
        // feed_back_ack reads the path of the data copy it acknowledges.
        if (feedback_ && packet.seq < sent_paths_[packet.flow].size())
          __builtin_prefetch(&sent_paths_[packet.flow][packet.seq]);
        return;
      }
      const FlowState& flow = flows_[packet.flow];
      hint.then = fabric_.host_uplink[fabric_.port(flow.key.dst_host, flow.port)];
    }
    __builtin_prefetch(&ports_[hint.then]);
    __builtin_prefetch(&ports_[hint.then].tx_bytes);
    return;
  }
  if (hint.link != link || hint.then == kNone) return;
  // The port the packet (or its ACK) goes to next: its first waiting packet (settle) and its
  // last one (the push writes behind it).
  const Port& to = ports_[hint.then];
  if (to.unstarted != kNone) __builtin_prefetch(&pool_[to.unstarted]);
  if (to.ring.tail != kNone) __builtin_prefetch(&pool_[to.ring.tail], 1);
}

topo::LinkId PacketModel::route_next(const Packet& packet, topo::LinkId link) const {
  // next_link() is a function of the packet's flow, path, hop and direction and of the link
  // alone (the fabric and a flow's hosts do not change), so prefetch()'s answer for the same
  // inputs is its answer now; it spares the catalog's divisions a second time per hop.
  const Hint& hint = hints_[link % hints_.size()];
  if (hint.link == link && hint.flow == packet.flow && hint.path == packet.path &&
      hint.hop == packet.hop && hint.ack == ((packet.flags & kAck) != 0)) {
    return hint.next;
  }
  return next_link(packet, link);
}

void PacketModel::prefetch_flow(std::uint32_t f) const {
  __builtin_prefetch(&flows_[f]);
  __builtin_prefetch(&stats_[f]);
  if (windowed_) {
    const auto* sender = reinterpret_cast<const char*>(&senders_[f]);
    for (std::size_t at = 0; at < sizeof(WindowSender); at += 64) __builtin_prefetch(sender + at);
    __builtin_prefetch(&received_[f]);
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
  settle(port, now);  // what has started by now counts as sent
  if (!up) {
    port.rate = rate;  // for when it comes back
    cache_serialization(port);
    if (!port.down) take_down(port, link, now);
    return;
  }
  if (port.down) {
    // take_down left the port empty with its serializer free by now.
    port.down = false;
    port.rate = rate;
    cache_serialization(port);
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
  for (std::uint32_t p = port.ring.head; p != kNone; p = pool_[p].next) {
    const Packet& packet = pool_[p];
    if (p == port.unstarted) started = false;
    if (started) {
      stats.lost_bytes += packet.wire_bytes;
      const core::Time end = packet.due - port.delay;
      if (end > now) port.busy_ps -= (end - now).ps();
    }
    drop(link, packet.wire_bytes);
  }
  pool_.clear(port.ring);
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
  cache_serialization(port);
  if (port.unstarted == kNone) return;
  Nic* nic = port.nic_host != kNone ? &nics_[port.nic_host] : nullptr;
  const core::Time old_wake = nic != nullptr ? nic->wake_at : core::Time::max();
  core::Time wake = old_wake;
  core::Time start = port.next_start;
  for (std::uint32_t p = port.unstarted; p != kNone; p = pool_[p].next) {
    Packet& packet = pool_[p];
    const core::Time old_end = packet.due - port.delay;
    const core::Time end =
        start + serialization(port, packet.wire_bytes, transport_.mtu.count(), header_);
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
    Port& port = ports_[l];
    settle(port, queue_.now());
    LinkStats& stats = link_stats_[l];
    stats.queue_bytes = port.backlog;
    stats.tx_bytes = port.tx_bytes;
    stats.rx_bytes = port.rx_bytes;
    stats.max_queue_bytes = port.max_queue_bytes;
    stats.busy_ps = port.busy_ps;
    stats.packets = port.packets;
    stats.ecn_marks = port.ecn_marks;
  }
  return link_stats_;
}

void PacketModel::settle(Port& port, core::Time now) {
  // Packets whose start time has come leave the backlog and count as transmitted. A waiting
  // packet starts the moment the one before it ends (it queued behind it), so each start
  // follows from the previous packet's arrival time: no packet stores its own.
  while (port.next_start <= now) {
    const Packet& packet = pool_[port.unstarted];
    const core::Time end = packet.due - port.delay;
    port.backlog -= packet.wire_bytes;
    count_start(port, packet.wire_bytes, end - port.next_start);
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
    settle(ports_[l], now);
    used += ports_[l].backlog;
  }
  const double free = static_cast<double>(switches_.shared_buffer->size.count() - used);
  return static_cast<double>(bytes) <= free &&
         static_cast<double>(port.backlog + bytes) <= switches_.shared_buffer->alpha * free;
}

core::Time PacketModel::serialization(const Port& port, std::uint32_t wire_bytes, std::int64_t mtu,
                                      std::int64_t header) {
  if (wire_bytes == mtu && port.mtu_ps != 0) return core::Time::ps(port.mtu_ps);
  if (wire_bytes == header && port.header_ps != 0) return core::Time::ps(port.header_ps);
  return core::serialization_time(core::Bytes(wire_bytes), port.rate);
}

void PacketModel::cache_serialization(Port& port) const {
  port.mtu_ps = cached_ps(core::serialization_time(transport_.mtu, port.rate));
  port.header_ps = cached_ps(core::serialization_time(transport_.header, port.rate));
}

void PacketModel::commit(topo::LinkId link, Packet& packet, core::Time start, core::Time now) {
  // A FIFO port that never preempts: the packet's start, end and arrival are known now.
  Port& port = ports_[link];
  const core::Time duration =
      serialization(port, packet.wire_bytes, transport_.mtu.count(), header_);
  port.busy_until = start + duration;
  packet.due = port.busy_until + port.delay;
  const bool was_empty = port.ring.empty();
  const std::uint32_t p = pool_.push(port.ring, packet);
  if (start > now) {
    port.backlog += packet.wire_bytes;
    if (port.unstarted == kNone) {
      port.unstarted = p;
      port.next_start = start;
    }
    port.max_queue_bytes = std::max(port.max_queue_bytes, port.backlog);
  } else {
    count_start(port, packet.wire_bytes, duration);
  }
  if (was_empty) queue_.schedule(packet.due, *this, 2 * link + kArrived);
}

void PacketModel::orphan_arrival(Port& port, topo::LinkId link) {
  if (port.orphans == std::numeric_limits<std::uint16_t>::max()) {
    throw std::length_error("packet model: set_link: link " + std::to_string(link) +
                            " changed 65,535 times within one packet's flight");
  }
  ++port.orphans;
}

void PacketModel::drop(topo::LinkId link, std::uint32_t wire_bytes) {
  LinkStats& stats = link_stats_[link];
  ++stats.drops;
  stats.dropped_bytes += wire_bytes;
}

void PacketModel::enqueue(topo::LinkId link, Packet& packet, core::Time now) {
  Port& port = ports_[link];
  if (port.down) [[unlikely]] {
    drop(link, packet.wire_bytes);
    return;
  }
  settle(port, now);
  if (windowed_) {
    if (!admit(link, packet.wire_bytes, now) || (dropping_ && drop_on_purpose(packet))) {
      drop(link, packet.wire_bytes);
      return;
    }
    // Marked on the instantaneous backlog the packet finds (kmin/kmax/pmax); a draw only
    // between the thresholds.
    const double mark = (packet.flags & kEcnCapable) != 0 && switches_.ecn
                            ? ecn_mark_probability(*switches_.ecn, port.backlog)
                            : 0.0;
    if (mark >= 1.0 || (mark > 0.0 && ecn_rng_.uniform() < mark)) {
      packet.flags |= kCongestion;
      ++port.ecn_marks;
    }
  }
  commit(link, packet, std::max(now, port.busy_until), now);
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
  // The head has started long ago (its arrival comes after its serialization). The port is
  // brought up to date now, while the packets behind the head are in the cache (and the
  // head may still be the first unstarted one in the port's records).
  const std::uint32_t head = port.ring.head;
  settle(port, now);
  Packet packet = pool_[head];  // a copy: a push may move the pool's slots
  pool_.pop(port.ring);
  port.rx_bytes += packet.wire_bytes;
  if (packet.hop == 0) route_at_edge(packet, now);
  if (flows_[packet.flow].per_packet) route_at_switch(packet, link);
  const topo::LinkId next = route_next(packet, link);
  // Fetch the next port while the ring's new head (usually the same line) is read for its
  // arrival.
  if (next != kNone) {
    __builtin_prefetch(&ports_[next]);
    __builtin_prefetch(&ports_[next].tx_bytes);
  }
  if (!port.ring.empty()) queue_.schedule(pool_[port.ring.head].due, *this, 2 * link + kArrived);
  if (next == kNone) {
    if ((packet.flags & kAck) != 0) {
      deliver_ack(packet, now);
    } else {
      deliver_data(packet, now);
    }
    return;
  }
  ++packet.hop;
  enqueue(next, packet, now);
}

void PacketModel::route_at_edge(Packet& packet, core::Time now) {
  // The packet reached its first switch: a per-packet policy picks its path now.
  const FlowState& flow = flows_[packet.flow];
  if (!flow.per_packet) return;
  const bool ack = (packet.flags & kAck) != 0;
  const routing::FlowKey key = ack ? routing::reversed(flow.key) : flow.key;
  packet.path = router_.choose_packet(key, now, route_rng_, *this,
                                      (ack ? ack_routes_ : data_routes_)[packet.flow], flow.port);
  if (feedback_ && !sent_paths_[packet.flow].empty()) {  // (empty: the sender is done)
    SentPaths& sent = sent_paths_[packet.flow][packet.seq];
    (ack ? sent.ack : sent.data) = packet.path;
  }
}

void PacketModel::route_at_switch(Packet& packet, topo::LinkId arrived_on) {
  // A per-hop policy picks the next hop at every switch before the destination's.
  if (!router_.policy().per_hop()) return;
  const FlowState& flow = flows_[packet.flow];
  const bool ack = (packet.flags & kAck) != 0;
  const routing::FlowKey key = ack ? routing::reversed(flow.key) : flow.key;
  const topo::NodeId at = fabric_.links[arrived_on].dst;
  if (fabric_.nodes[at].kind == topo::NodeKind::host) return;
  packet.path = router_.choose_hop(key, packet.path, at, route_rng_, *this,
                                   (ack ? ack_routes_ : data_routes_)[packet.flow]);
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
