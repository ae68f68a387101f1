// The packet model's ports, links and switches: where packets wait, get marked or dropped,
// and travel. Flows, NICs and transports are in packet_model.cpp.
#include <algorithm>

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
    ports_[link].wake_pending = false;
    serve_host_port(link, now);
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
  const std::span<const topo::LinkId> links = fabric_.path(path);
  if (links.empty()) return 0;
  const Port& port = ports_[links[0]];
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
  const core::Time duration =
      core::serialization_time(core::Bytes(packet.wire_bytes), fabric_.links[link].rate);
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

void PacketModel::enqueue(topo::LinkId link, std::uint32_t p, core::Time now) {
  Port& port = ports_[link];
  settle(port, link, now);
  Packet& packet = pool_[p];
  if (windowed_) {
    LinkStats& stats = link_stats_[link];
    if (!admit(link, packet.wire_bytes, now) || (dropping_ && drop_on_purpose(packet))) {
      ++stats.drops;
      stats.dropped_bytes += packet.wire_bytes;
      pool_.release(p);
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
  // The head has started long ago (its arrival comes after its serialization); the backlog
  // may stay stale until the next enqueue, unless it still names the head.
  if (port.unstarted == port.ring.head) settle(port, link, now);
  const std::uint32_t p = port.ring.pop(pool_);
  Packet& packet = pool_[p];
  link_stats_[link].rx_bytes += packet.wire_bytes;
  if (packet.hop == 0) route_at_edge(packet, now);
  const topo::LinkId next = next_link(packet);
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
  const routing::FlowTuple tuple = ack ? routing::reversed(flow.tuple) : flow.tuple;
  packet.path = router_.choose_packet(tuple, now, route_rng_, *this,
                                      (ack ? ack_routes_ : data_routes_)[packet.flow]);
}

topo::LinkId PacketModel::next_link(const Packet& packet) const {
  // Route = source host uplink (hop 0), the path's links (hops 1..n), destination host
  // downlink (hop n + 1).
  const std::span<const topo::LinkId> path = fabric_.path(packet.path);
  const std::size_t next = std::size_t{packet.hop} + 1;
  if (next <= path.size()) return path[next - 1];
  if (next > path.size() + 1) return kNone;
  const FlowState& flow = flows_[packet.flow];
  return fabric_.host_downlink[(packet.flags & kAck) != 0 ? flow.tuple.src_host : flow.tuple.dst_host];
}

}  // namespace fabricsim::net
