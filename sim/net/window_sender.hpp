#pragma once
#include <cstdint>
#include <vector>

#include "core/units.hpp"
#include "net/packet.hpp"

namespace fabricsim::net {

/// Knobs of a window transport, in the units the sender computes in.
struct WindowParams {
  std::int64_t mss = 4032;                // payload bytes of a full packet
  std::uint32_t reorder_threshold = 32;   // packets; see WindowSender
  core::Time min_rto = core::Time::ms(1);
  double gain = 1.0 / 16;                 // g of DCTCP's alpha
};

/// What an acknowledgement changed at the sender.
struct AckOutcome {
  bool newly_acked = false;  // the packet was not acknowledged before
  bool done = false;         // every packet of the flow is acknowledged
};

/// Sender half of one flow under a window transport (dctcp): a selective-acknowledgement
/// scoreboard, loss detection that tolerates reordering, a retransmission timer and the
/// DCTCP window. Every data packet is acknowledged on its own (the ACK names its number and
/// echoes its ECN mark).
///
/// - Loss: packet q is deemed lost once a packet numbered above q + reorder_threshold
///   has been acknowledged while q has not (reordering shorter than the threshold never
///   triggers a retransmission). Lost packets are resent before new data, lowest first.
/// - Timeout: when nothing is acknowledged for rto = max(min_rto, srtt + 4 rttvar), every
///   unacknowledged packet is deemed lost and the window falls to one packet.
/// - Window (bytes): slow start until the first reduction, then +mss x acked / cwnd per ACK;
///   alpha <- (1 - g) alpha + g F once per window of data, F the fraction of acknowledged
///   bytes that carried an ECN echo; on an echo, at most once per window,
///   cwnd <- cwnd (1 - alpha / 2); on a loss, at most once per window, cwnd <- cwnd / 2.
///
/// Memory: two bits per packet of the flow (allocated at start, freed when done) plus ~120 B.
class WindowSender {
 public:
  /// A flow of `bytes` payload in `packets` packets of at most `mss` (the last one partial),
  /// starting with a window of `initial_window` bytes (at least one packet).
  void start(std::uint32_t packets, std::int64_t bytes, std::int64_t mss, double initial_window);

  /// True when the flow has a packet to send and the window lets it go.
  bool can_send() const;
  /// Takes the next packet to send (a lost one first, else the next new one) at `now`;
  /// sets `retransmit` when it was sent before.
  std::uint32_t take(core::Time now, const WindowParams& params, bool& retransmit);
  /// Payload of packet `seq`.
  std::int64_t payload(std::uint32_t seq) const;

  AckOutcome on_ack(std::uint32_t seq, bool ecn_echo, core::Time now, const WindowParams& params);
  /// The retransmission timer fired with nothing acknowledged since `deadline()`.
  void on_timeout(core::Time now, const WindowParams& params);

  /// When the retransmission timer expires; Time::max() when nothing is in flight.
  core::Time deadline() const { return deadline_; }
  bool done() const { return acked_count_ == packets_; }
  double cwnd() const { return cwnd_; }
  double alpha() const { return alpha_; }
  std::int64_t in_flight() const { return in_flight_; }

  bool in_ring = false;         // queued in its NIC's round robin
  bool timer_pending = false;   // has an event in the queue at or before deadline()

 private:
  bool test(std::uint32_t seq, std::uint32_t which) const;
  void set(std::uint32_t seq, std::uint32_t which, bool on);
  core::Time rto(const WindowParams& params) const;
  void detect_losses(const WindowParams& params);
  void reduce(double factor);

  std::vector<std::uint64_t> bits_;  // per 64 packets: acked word, then lost word
  std::int64_t bytes_ = 0;
  std::int64_t mss_ = 0;
  std::int64_t in_flight_ = 0;  // payload sent, neither acknowledged nor deemed lost
  std::int64_t acked_in_window_ = 0;
  std::int64_t marked_in_window_ = 0;
  double cwnd_ = 0;
  double ssthresh_ = 0;
  double alpha_ = 1.0;  // DCTCP starts pessimistic: the first mark halves the window
  std::uint32_t packets_ = 0;
  std::uint32_t acked_count_ = 0;
  std::uint32_t next_new_ = 0;   // lowest never-sent packet
  std::uint32_t una_ = 0;        // lowest unacknowledged packet
  std::uint32_t high_acked_ = 0; // highest acknowledged packet + 1
  std::uint32_t loss_scan_ = 0;  // packets below have been checked for loss
  std::uint32_t retx_next_ = 0;  // lost packets waiting to be resent are at or above
  std::uint32_t lost_waiting_ = 0;
  std::uint32_t window_end_ = 0;  // alpha is updated once una reaches this packet
  std::uint32_t reduce_end_ = 0;  // no further reduction until una passes this packet
  std::uint32_t rtt_seq_ = kNone; // packet timed for the next RTT sample
  core::Time rtt_sent_;
  core::Time srtt_{};
  core::Time rttvar_{};
  core::Time deadline_ = core::Time::max();
  std::uint32_t backoff_ = 0;  // timeouts in a row: the timer doubles with each
};

}  // namespace fabricsim::net
