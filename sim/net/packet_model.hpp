#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "core/event_queue.hpp"
#include "core/rng.hpp"
#include "net/packet.hpp"
#include "routing/policy.hpp"
#include "topo/fabric.hpp"

namespace fabricsim::net {

/// Packet sizes and switch timing. A packet on the wire is at most `mtu` bytes, of which
/// `header` are headers, so it carries up to mtu - header bytes of payload.
struct PacketParams {
  core::Bytes mtu{4096};
  core::Bytes header{64};
  core::Time switch_latency{};  // added at every switch a packet crosses (store-and-forward)
  std::uint64_t seed = 0;       // seeds the per-packet spraying stream
};

/// Told when the last packet of a flow has been delivered to its destination host.
class PacketListener {
 public:
  virtual void on_flow_delivered(std::uint32_t flow, core::Time now) = 0;

 protected:
  ~PacketListener() = default;
};

/// What happened to one flow; bytes are payload, times integer picoseconds.
struct FlowStats {
  std::int64_t bytes = 0;            // size asked for
  std::int64_t sent_bytes = 0;       // payload put on the source's uplink so far
  std::int64_t delivered_bytes = 0;  // payload arrived at the destination host
  std::uint32_t packets = 0;         // packets the flow is cut into
  std::uint32_t delivered_packets = 0;  // distinct packets arrived at the destination
  std::uint32_t sent_packets = 0;       // transmissions, retransmissions included
  std::uint32_t retransmits = 0;        // packets sent again after being deemed lost
  std::uint32_t out_of_order = 0;  // arrivals with a lower number than one already delivered
  std::uint32_t max_reorder = 0;   // largest (highest number delivered - number) on arrival
  core::Time start;
  core::Time end = core::Time::ps(-1);  // last byte delivered; -1 while running
};

/// What one directed link carried; bytes are on the wire (headers included).
struct LinkStats {
  std::int64_t tx_bytes = 0;         // put on the wire by the link's output port
  std::int64_t rx_bytes = 0;         // arrived at the far end
  std::int64_t queue_bytes = 0;      // backlog waiting behind the packet in service, now
  std::int64_t max_queue_bytes = 0;  // largest backlog waiting behind the packet in service
  std::int64_t busy_ps = 0;          // time spent serializing
  std::uint64_t packets = 0;
  std::uint64_t drops = 0;          // packets the output buffer refused (drop-tail)
  std::int64_t dropped_bytes = 0;
  std::uint64_t ecn_marks = 0;      // packets marked Congestion Experienced at this port
};

/// Packet-level model with the `ideal` transport: no congestion control, unlimited
/// buffers, no ACKs. Each host's NIC serves its flows round-robin, one packet at a time at
/// line rate; every directed link has an output port (FIFO + serializer) and a ring of
/// in-flight packets. Switches are store-and-forward with `switch_latency` per hop.
/// Event discipline: at most one pending event per port (end of the current
/// transmission) and one per link (arrival of the head in-flight packet), so the event heap
/// holds at most 2 x links entries whatever the number of packets.
class PacketModel : public core::Handler {
 public:
  /// `fabric`, `policy` and `listener` must outlive the model.
  PacketModel(core::EventQueue& queue, const topo::Fabric& fabric, const routing::Policy& policy,
              const PacketParams& params, PacketListener& listener);

  /// Starts a flow of `bytes` payload from `src_host` to `dst_host` at queue.now(); returns
  /// its id (ids count up from 0). The policy's choice for `tuple` decides the routing: one
  /// path is kept for the whole flow; an even spread over all candidates (`spray`) draws a
  /// path per packet. A flow of 0 bytes sends one header-only packet.
  std::uint32_t start_flow(std::uint32_t src_host, std::uint32_t dst_host, core::Bytes bytes,
                           const routing::FlowTuple& tuple);

  const FlowStats& flow(std::uint32_t id) const { return stats_[id]; }
  std::span<const LinkStats> links() const { return link_stats_; }
  std::size_t active_flows() const { return active_flows_; }
  /// High-water mark of packets alive at once (the pool never shrinks).
  std::size_t pool_capacity() const { return pool_.capacity(); }
  /// Payload carried by a full packet.
  std::int64_t payload_per_packet() const { return payload_; }

  void on_event(std::uint32_t tag, core::Time now) override;

 private:
  /// Routing and send state of one flow (the NIC's queue pair).
  struct FlowState {
    std::uint32_t src;
    std::uint32_t dst;
    std::uint32_t path_first;           // candidate paths [path_first, path_first + path_count)
    std::uint32_t path_count;           // 1: fixed path; more: sprayed per packet
    std::uint32_t next_active = kNone;  // next flow in its NIC's round-robin ring
    std::uint32_t next_seq = 0;         // packets made so far
    std::uint32_t max_seq_seen = 0;     // highest delivered seq + 1
  };
  /// Output port of one directed link, plus the ring of packets propagating on it.
  struct Port {
    PacketFifo queue;      // waiting to be serialized
    PacketFifo in_flight;  // serialized, propagating; arrivals in FIFO order
    std::uint32_t in_service = kNone;
    std::int64_t queue_bytes = 0;
    core::Time delay;                // propagation + switch latency at the far end
    std::uint32_t nic_host = kNone;  // host whose NIC feeds this port (host uplinks)
  };
  /// Round-robin ring of a host's flows that still have packets to send.
  struct Nic {
    std::uint32_t head = kNone;
    std::uint32_t tail = kNone;
  };

  void nic_push(Nic& nic, std::uint32_t flow);
  std::uint32_t make_packet(std::uint32_t host);
  topo::LinkId link_of(const Packet& packet) const;
  bool last_hop(const Packet& packet) const;
  void enqueue(topo::LinkId link, std::uint32_t packet, core::Time now);
  void transmit(topo::LinkId link, std::uint32_t packet, core::Time now);
  void start_next(topo::LinkId link, core::Time now);
  void on_transmitted(topo::LinkId link, core::Time now);
  void on_arrival(topo::LinkId link, core::Time now);
  void deliver(std::uint32_t packet, core::Time now);

  core::EventQueue& queue_;
  const topo::Fabric& fabric_;
  const routing::Policy& policy_;
  PacketListener& listener_;
  std::int64_t header_;
  std::int64_t payload_;
  core::Rng spray_rng_;
  PacketPool pool_;
  std::vector<Port> ports_;  // one per directed link
  std::vector<LinkStats> link_stats_;
  std::vector<Nic> nics_;  // one per host
  std::vector<FlowState> flows_;
  std::vector<FlowStats> stats_;
  std::vector<routing::PathShare> shares_;  // scratch for the policy's choice
  std::size_t active_flows_ = 0;
};

}  // namespace fabricsim::net
