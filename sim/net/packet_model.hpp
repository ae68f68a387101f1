#pragma once
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "core/event_queue.hpp"
#include "core/rng.hpp"
#include "model/network_model.hpp"
#include "net/packet.hpp"
#include "net/params.hpp"
#include "net/timer_set.hpp"
#include "net/window_sender.hpp"
#include "routing/router.hpp"
#include "topo/fabric.hpp"

namespace fabricsim::net {

/// A test seam: the first `copies` transmissions of data packet `seq` of flow `flow` are
/// dropped by the first switch port they reach, counted as drops of that port (dctcp only).
struct PacketDrop {
  std::uint32_t flow = 0;
  std::uint32_t seq = 0;
  std::uint32_t copies = 1;
};

/// Everything the packet model is configured with.
struct PacketParams {
  TransportParams transport;
  SwitchParams switches;
  std::uint64_t seed = 0;         // seeds the per-packet routing and ECN marking streams
  std::vector<PacketDrop> drops;  // tests only: packets to lose on purpose; empty otherwise
};

/// What happened to one flow; bytes are payload, times integer picoseconds.
struct FlowStats {
  std::int64_t bytes = 0;               // size asked for
  std::int64_t sent_bytes = 0;          // payload put on the source's uplink so far
  std::int64_t delivered_bytes = 0;     // payload arrived at the destination host
  std::uint32_t packets = 0;            // packets the flow is cut into
  std::uint32_t delivered_packets = 0;  // distinct packets arrived at the destination
  std::uint32_t sent_packets = 0;       // transmissions, retransmissions included
  std::uint32_t retransmits = 0;        // packets sent again: deemed lost, or as a probe
  std::uint32_t probes = 0;             // probe timer expiries that let a packet go (dctcp)
  std::uint32_t timeouts = 0;           // retransmission timer expiries (dctcp)
  std::uint32_t out_of_order = 0;       // arrivals with a lower number than one already delivered
  std::uint32_t max_reorder = 0;        // largest (highest number delivered - number) on arrival
  core::Time start;
  core::Time end = core::Time::ps(-1);  // last byte delivered; -1 while running
};

/// What one directed link carried; bytes are on the wire (headers included).
struct LinkStats {
  std::int64_t tx_bytes = 0;         // put on the wire by the link's output port
  std::int64_t rx_bytes = 0;         // arrived at the far end
  std::int64_t queue_bytes = 0;      // backlog waiting to start, as of the last links() call
  std::int64_t max_queue_bytes = 0;  // largest backlog waiting behind the packet in service
  std::int64_t busy_ps = 0;          // time spent serializing
  std::uint64_t packets = 0;
  std::uint64_t drops = 0;  // packets refused by the output buffer (drop-tail), or
                            // lost to the link being down (PacketModel::set_link)
  std::int64_t dropped_bytes = 0;
  std::uint64_t ecn_marks = 0;  // packets marked Congestion Experienced at this port
  /// Of dropped_bytes, the packets whose serialization had begun when the link went down
  /// (in service or propagating): they are in tx_bytes too, so tx = rx + lost per link.
  std::int64_t lost_bytes = 0;
};

/// Packet-level model. Each host's NIC serves its flows round-robin, one packet at a time at
/// line rate; every directed link has an output port (FIFO + serializer) and carries its
/// packets to the far end after its latency; switches are store-and-forward with
/// `switches.latency` per hop, drop-tail buffers (per port and/or a shared buffer with a
/// dynamic threshold) and ECN marking. Transport `ideal`: no congestion control, no ACKs,
/// unlimited buffers. Transport `dctcp`: WindowSender per flow, every data packet
/// acknowledged by a header-only ACK on the reverse path.
///
/// Event discipline: a switch port needs no event of its own: a FIFO port that never
/// preempts knows at enqueue when each packet will start and finish, so the packet goes
/// straight into the link's ring with its arrival time, and the queue's backlog is brought
/// up to date lazily. A link has one pending event (its ring head's arrival); a host uplink
/// has at most one more (the serializer freeing up while the NIC has more to send); a
/// dctcp flow's timers (reorder wait, loss probe, retransmission) are wake-ups in a TimerSet
/// behind a single event of its own: lazy (a later deadline leaves the wake-up alone, which
/// re-arms when it fires early), and a wake-up overtaken by an earlier deadline stays armed
/// and does nothing. No allocation per packet or event in steady state.
class PacketModel : public core::Handler, private routing::PathOccupancy, private TimerListener {
 public:
  /// `fabric`, `router` and `listener` must outlive the model.
  PacketModel(core::EventQueue& queue, const topo::Fabric& fabric, const routing::Router& router,
              const PacketParams& params, model::DeliveryListener& listener);

  /// Starts a flow of `bytes` payload from `src_host` to `dst_host` at queue.now(); returns
  /// its id (ids count up from 0). A policy that routes per packet chooses each packet's path
  /// as it leaves the source's edge switch; any other gives the flow one path (choose()).
  /// A flow of 0 bytes sends one header-only packet.
  std::uint32_t start_flow(std::uint32_t src_host, std::uint32_t dst_host, core::Bytes bytes,
                           const routing::FlowKey& key);
  /// Routes a single-path flow's next packets and ACKs anew over the router's current
  /// candidates (after routing learned of a failure); packets in flight keep their path.
  /// A flow routed per packet takes the new candidates by itself.
  void repath(std::uint32_t flow);
  /// The link goes down, comes up or changes rate at queue.now() (scenario `events:`);
  /// `rate` (> 0) is its rate from now on, kept while it is down. Routing is not told
  /// (routing::Router::believe and repath() are the engine's, after the detection delay).
  /// - Down: every packet committed to the link and not yet arrived at its far end (waiting,
  ///   in service, propagating) is dropped, counted in its LinkStats (drops, dropped_bytes;
  ///   those already started also in lost_bytes) and released; busy_ps keeps only the part
  ///   of the packet in service that was sent. While down, every packet handed to the link
  ///   is dropped and counted the same way (refused: not in tx_bytes, not in lost_bytes). A
  ///   host uplink's NIC stops serving (no packet cut, no event) until the link is up; the
  ///   ACKs its host would send are dropped at the uplink.
  /// - Up: the port works again from now (an idle serializer, an empty queue).
  /// - Up and already up: a rate change, from the next packet whose serialization starts:
  ///   the packet in service keeps its rate, the waiting ones take the new one.
  /// Packets lost this way come back only through the transport: dctcp's loss recovery
  /// resends them; with `ideal` their flows never complete.
  void set_link(topo::LinkId link, bool up, core::Bitrate rate);

  const FlowStats& flow(std::uint32_t id) const { return stats_[id]; }
  /// The path of the flow's data packets; for a flow routed per packet, its first candidate.
  topo::PathId path(std::uint32_t id) const { return flows_[id].path; }
  /// Per directed link. Brings every port's backlog and counters up to queue.now() first,
  /// so queue_bytes and tx_bytes are current (tx counts packets whose serialization began).
  std::span<const LinkStats> links();
  std::size_t active_flows() const { return active_flows_; }
  /// Packet slots ever allocated (the pool never shrinks): the most packets alive at once,
  /// rounded up to whole blocks per link.
  std::size_t pool_capacity() const { return pool_.capacity(); }

  void on_event(std::uint32_t tag, core::Time now) override;
  /// Fetches what event `tag` will read, in stages as it comes closer: its port (5 events
  /// ahead); its head packet or its NIC (4); the packet's flow and the packet behind it, or
  /// the NIC's flow (3); the next port, or the flow the packet is delivered to (2); the
  /// packets at the next port, or the port its ACK leaves by (1).
  void prefetch(std::uint32_t tag, int ahead) override;

 private:
  static constexpr std::uint32_t kWake = 0;  // event tag = 2 * link + kind
  static constexpr std::uint32_t kArrived = 1;
  /// Bytes of ports above which the model asks the queue for prefetch() hints, and how many
  /// events ahead (prefetch()'s stages).
  static constexpr std::size_t kPrefetchAbove = std::size_t{256} << 10;
  static constexpr int kPrefetchStages = 5;
  static_assert(kPrefetchStages <= core::EventQueue::kMaxLookahead);

  /// Routing and send state of one flow.
  struct FlowState {
    routing::FlowKey key;
    topo::PathId path;                  // data: its path; routed per packet: the first candidate
    topo::PathId ack_path;              // the same for its ACKs, from dst to src
    bool per_packet;                    // each packet routed at the source's edge switch
    std::uint32_t port = 0;             // the host port (NIC) it leaves and arrives by
    std::uint32_t next_active = kNone;  // next flow in its NIC's round-robin ring
    std::uint32_t next_seq = 0;         // ideal transport: packets cut so far
    std::uint32_t max_seq_seen = 0;     // highest delivered packet number + 1
  };
  /// Output port of one directed link, plus the ring of its packets not yet arrived: two
  /// cache lines, the first with what every hop reads, the second with the counters every
  /// hop adds to (the rest of LinkStats, touched only by drops, stays in link_stats_).
  struct alignas(64) Port {
    PacketFifo ring;                  // every packet committed to the link, in order of arrival
    std::uint32_t unstarted = kNone;  // first packet of the ring still waiting to start
    /// Arrival events set_link left pending for packets no longer at the ring's head (the
    /// ring dropped, or re-timed): each finds no packet due when it fires and does nothing.
    std::uint16_t orphans = 0;
    bool down = false;                          // set_link: every packet handed to it is dropped
    core::Time next_start = core::Time::max();  // its start (kept here to spare a cache miss)
    std::int64_t backlog = 0;                   // bytes of the unstarted packets
    core::Time busy_until{};                    // the serializer is free from then
    core::Time delay;                           // propagation + switch latency at the far end
    core::Bitrate rate;                         // serialization rate now (set_link changes it)
    // Second line: LinkStats' per-packet counters, and what only some ports need.
    std::int64_t tx_bytes = 0;
    std::int64_t rx_bytes = 0;
    std::int64_t busy_ps = 0;
    std::int64_t max_queue_bytes = 0;
    std::uint64_t packets = 0;
    std::uint64_t ecn_marks = 0;
    std::uint32_t nic_host = kNone;  // NIC (host port) that feeds this port (host uplinks)
    std::uint32_t node = 0;          // switch owning the port (shared buffer)
    /// Serialization of an mtu-sized and of a header-only packet at `rate` in ps (0: longer
    /// than 2^32 - 1 ps, worked out each time like every other size).
    std::uint32_t mtu_ps = 0;
    std::uint32_t header_ps = 0;
  };
  static_assert(sizeof(Port) == 128, "a port is read on every hop: keep it in two cache lines");
  /// Round-robin ring of a host's flows that may send now.
  struct Nic {
    std::uint32_t head = kNone;
    std::uint32_t tail = kNone;
    /// When the event that serves the NIC next is due; max when none is. An event of the
    /// uplink's that fires at any other time was orphaned by set_link and does nothing.
    core::Time wake_at = core::Time::max();
  };

  std::int64_t queued_bytes(topo::PathId path) const override;
  std::int64_t link_queued_bytes(topo::LinkId link) const override;
  /// Fetches a flow's state (prefetch()).
  void prefetch_flow(std::uint32_t flow) const;
  /// NICs are per host port (index host * ports + port, as the fabric's host arrays).
  std::uint32_t nic_of(std::uint32_t flow) const {
    return fabric_.port(flows_[flow].key.src_host, flows_[flow].port);
  }
  /// The port a new flow is bound to and its first path: the path the policy chooses over
  /// every port's candidates (a flow routed whole), or the first candidate (routed per
  /// packet; with several ports, its ECMP-hashed candidate, whose port's paths it then takes).
  struct Binding {
    std::uint32_t port;
    topo::PathId path;
  };
  Binding bind(const routing::FlowKey& key, bool per_packet);
  void nic_push(std::uint32_t nic, std::uint32_t flow);
  void wake_nic(std::uint32_t nic, core::Time now);
  /// Cuts the NIC's next data packet into `packet`; false when none of its flows may send.
  bool make_packet(std::uint32_t nic, core::Time now, Packet& packet);
  /// The link after the one the packet has just crossed; kNone when it has arrived.
  topo::LinkId next_link(const Packet& packet, topo::LinkId arrived_on) const;
  /// A per-hop policy's choice at the switch the packet has just reached.
  void route_at_switch(Packet& packet, topo::LinkId arrived_on);
  void route_at_edge(Packet& packet, core::Time now);
  /// next_link(packet, link), taken from prefetch()'s hint when it worked it out already.
  topo::LinkId route_next(const Packet& packet, topo::LinkId link) const;
  void settle(Port& port, core::Time now);
  bool admit(topo::LinkId link, std::int64_t bytes, core::Time now);
  /// Serialization of `wire_bytes` at the port's rate.
  static core::Time serialization(const Port& port, std::uint32_t wire_bytes, std::int64_t mtu,
                                  std::int64_t header);
  /// Puts a copy of `packet` (which is not in the pool) on the link, starting at `start`.
  void commit(topo::LinkId link, Packet& packet, core::Time start, core::Time now);
  void enqueue(topo::LinkId link, Packet& packet, core::Time now);
  /// Counts a packet of `wire_bytes` as dropped by the link's port.
  [[gnu::noinline, gnu::cold]] void drop(topo::LinkId link, std::uint32_t wire_bytes);
  /// The port's cached serialization times, after its rate changed.
  void cache_serialization(Port& port) const;
  /// One more arrival event of the link orphaned (see Port::orphans).
  void orphan_arrival(Port& port, topo::LinkId link);
  /// set_link's down: drops everything committed to the link.
  void take_down(Port& port, topo::LinkId link, core::Time now);
  /// set_link's rate change: the waiting packets' times follow the new rate.
  void change_rate(Port& port, topo::LinkId link, core::Bitrate rate);
  void serve_host_port(topo::LinkId link, core::Time now);
  void on_arrival(topo::LinkId link, core::Time now);
  void deliver_data(Packet& packet, core::Time now);
  void deliver_ack(const Packet& packet, core::Time now);
  /// Feedback to a policy that wants it (feedback_): an ACK arrived at the sender (before
  /// the sender reads it); the flow sends packet `seq` again (its last copy, or that copy's
  /// ACK, is deemed lost).
  void feed_back_ack(const Packet& ack, core::Time now);
  void feed_back_loss(std::uint32_t flow, std::uint32_t seq, core::Time now);
  /// Whether the drop seam takes this packet, which is entering its first switch port.
  bool drop_on_purpose(const Packet& packet);
  void arm_timer(std::uint32_t flow);
  void on_timer(std::uint32_t flow, core::Time now) override;
  /// The unloaded round trip of a full packet out and its ACK back on the flow's first path.
  core::Time base_rtt(std::uint32_t flow) const;
  double initial_window(std::uint32_t flow, core::Time base_rtt) const;

  core::EventQueue& queue_;
  const topo::Fabric& fabric_;
  const routing::Router& router_;
  model::DeliveryListener& listener_;  // told when a flow's last packet has arrived
  TransportParams transport_;
  SwitchParams switches_;
  WindowParams window_;
  bool windowed_;  // dctcp: ACKs, buffers, marking
  bool dropping_;  // the test seam has packets to drop (drops_)
  bool feedback_;  // dctcp and a per-packet policy that wants feedback: sent_paths_ kept
  std::int64_t header_;
  std::int64_t payload_;
  core::Rng route_rng_;
  core::Rng ecn_rng_;
  TimerSet timers_;  // dctcp wake-ups, by flow
  PacketPool pool_;  // every packet in flight, in its link's FIFO
  std::vector<Port, core::HugePageAllocator<Port>> ports_;  // one per directed link
  std::vector<LinkStats> link_stats_;
  std::vector<std::vector<topo::LinkId>> switch_ports_;  // by node: its output links
  std::vector<Nic> nics_;                                // one per host
  std::vector<FlowState> flows_;
  std::vector<FlowStats> stats_;
  std::vector<WindowSender> senders_;                   // dctcp: per flow
  std::vector<std::vector<std::uint64_t>> received_;    // dctcp: per flow, bit per packet
  std::vector<routing::PacketRouteState> data_routes_;  // per-packet policies: per flow
  std::vector<routing::PacketRouteState> ack_routes_;
  /// The paths of a data packet's latest copy and of the ACK the destination sent for that
  /// copy, from their sources' edge switches; kNone when none (or already reported lost).
  struct SentPaths {
    topo::PathId data = kNone;
    topo::PathId ack = kNone;
  };
  std::vector<std::vector<SentPaths>> sent_paths_;  // feedback_: per flow, per packet
  std::vector<routing::PathShare> shares_;          // scratch for the policy's choice
  std::vector<PacketDrop> drops_;                   // the test seam's packets still to drop
  /// prefetch()'s note, 2 events ahead, on a port's head packet: next_link() of it (and
  /// the inputs it was worked out from), and the port it goes to next (its ACK's, when it
  /// is delivered), for the stage 1 event ahead and for route_next().
  struct Hint {
    topo::LinkId link = kNone;
    std::uint32_t flow = kNone;
    std::uint32_t path = kNone;
    std::uint16_t hop = 0;
    bool ack = false;
    topo::LinkId next = kNone;
    topo::LinkId then = kNone;
  };
  std::array<Hint, 16> hints_{};
  std::size_t active_flows_ = 0;
};

}  // namespace fabricsim::net
