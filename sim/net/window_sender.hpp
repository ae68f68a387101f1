#pragma once
#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/units.hpp"
#include "net/packet.hpp"
#include "net/ring.hpp"
#include "net/scoreboard.hpp"

namespace fabricsim::net {

/// Knobs of a window transport, in the units the sender computes in.
struct WindowParams {
  std::int64_t mss = 4032;                   // payload bytes of a full packet
  std::uint32_t reorder_threshold = 128;     // packets; see WindowSender
  std::optional<core::Time> reorder_window;  // nullopt: auto; see WindowSender
  bool tail_loss_probe = true;
  core::Time min_rto = core::Time::ms(1);
  double gain = 1.0 / 16;  // g of DCTCP's alpha
};

/// Which of the sender's timers expired.
struct TimerOutcome {
  bool timeout = false;  // the retransmission timer: everything outstanding is deemed lost
  bool probe = false;    // the probe timer: the next packet sent is a tail-loss probe
};

/// Sender half of one flow under a window transport (dctcp): a selective-acknowledgement
/// scoreboard, loss detection by send time (in the manner of RACK, RFC 8985) with tail-loss
/// probes, a retransmission timer and the DCTCP window. Every data packet is acknowledged on
/// its own (the ACK names its number, echoes its ECN mark and says whether it acknowledges a
/// retransmission, as a timestamp echo would).
///
/// - Loss, by time: packet q is deemed lost once a packet sent after q has been acknowledged
///   and now >= sent(q) + rtt + reo_wnd, rtt being the round trip of the latest-sent packet
///   acknowledged so far. At that packet's ACK this reads "it was sent at least reo_wnd after
///   q"; otherwise a timer fires at sent(q) + rtt + reo_wnd, without waiting for another ACK.
///   sent(q) is q's latest transmission (resends and probes included), so a lost resend is
///   found the same way. reo_wnd = `reorder_window`, or with auto max(srtt + 4 rttvar,
///   kMinReorderWindow): sprayed packets overtake each other by up to ~1.4 srtt, which RFC
///   8985's min_rtt / 4 would take for losses.
/// - Loss, by count: packet q (sent once) is also lost once a packet numbered above q +
///   reorder_threshold has been acknowledged. It seldom fires first; it bounds the wait in
///   packets when reorder_window is long. Lost packets are resent before new data, lowest
///   first; a late ACK of a packet deemed lost cancels its retransmission.
/// - Tail-loss probe (`tail_loss_probe`): when a flow that cannot send (its window is full or
///   everything has been sent) has packets outstanding and nothing has been sent or newly
///   acknowledged for pto = max(2 srtt, srtt + 4 rttvar, kMinProbeTimeout) (RFC 8985's or RFC
///   9002's, whichever is longer), one packet goes out whatever the window: a lost one, else a
///   new one, else again the highest-numbered packet outstanding. Its ACK lets the time rule
///   find what is missing. pto doubles with each probe until a new acknowledgement. Before
///   the first RTT sample pto is worked out as if `initial_rtt` (the path's unloaded round
///   trip) had been that sample: srtt = initial_rtt, rttvar = initial_rtt / 2, so pto = 3 x
///   initial_rtt (RFC 9002's kInitialRtt, with the round trip the fabric knows in place of
///   333 ms), and a loss in the first flight is found without the retransmission timer. With
///   initial_rtt = 0 there is no probe before the first sample. (A flow that can send needs
///   none: its next packet does it.)
/// - Timeout: when the lowest unacknowledged packet does not advance for rto = max(min_rto,
///   srtt + 4 rttvar) (doubling on consecutive timeouts), every unacknowledged packet is
///   deemed lost and the window falls to one packet. The last resort.
/// - Window (bytes): slow start until the first reduction, then +mss x acked / cwnd per ACK;
///   alpha <- (1 - g) alpha + g F once per window of data, F the fraction of acknowledged
///   bytes that carried an ECN echo; on an echo, at most once per window,
///   cwnd <- cwnd (1 - alpha / 2); on a loss, at most once per window, cwnd <- cwnd / 2.
/// - RTT: every ACK of a packet sent once is a sample (RFC 6298 smoothing); Karn: an ACK of a
///   packet sent more than once is not.
///
/// Memory while the flow runs (freed when it is done): one allocation with three bits per
/// packet of the flow and 8 B per packet from the lowest unacknowledged to the highest sent
/// (their send times, in a power-of-two ring of at least min(packets, 4) slots: Scoreboard);
/// 16 B per resend since the oldest one still outstanding (a ring allocated at the first
/// resend); 248 B fixed. Nothing is allocated per packet once the rings have grown to their
/// high-water marks.
class WindowSender {
 public:
  /// Floor of reorder_window auto (and its value before the first RTT sample).
  static constexpr core::Time kMinReorderWindow = core::Time::us(1);
  /// Floor of the first probe timeout.
  static constexpr core::Time kMinProbeTimeout = core::Time::us(1);

  /// A flow of `bytes` payload in `packets` packets of at most `mss` (the last one partial),
  /// starting with a window of `initial_window` bytes (at least one packet); `initial_rtt`
  /// stands in for the RTT estimate of the probe timeout until the first sample (0: none).
  void start(std::uint32_t packets, std::int64_t bytes, std::int64_t mss, double initial_window,
             core::Time initial_rtt = core::Time{});

  /// True when the flow has a packet to send and the window (or a due probe) lets it go.
  bool can_send() const {
    if (probe_due_) return true;
    if (lost_waiting_ == 0 && next_new_ == packets_) return false;
    return in_flight_ == 0 || static_cast<double>(in_flight_ + mss_) <= cwnd_;
  }
  /// Takes the next packet to send at `now`; sets `retransmit` when it was sent before.
  std::uint32_t take(core::Time now, const WindowParams& params, bool& retransmit);
  /// Payload of packet `seq`.
  std::int64_t payload(std::uint32_t seq) const;

  /// An ACK of packet `seq`; `of_retransmission`: the copy acknowledged was not the first.
  void on_ack(std::uint32_t seq, bool ecn_echo, bool of_retransmission, core::Time now,
              const WindowParams& params);
  /// Runs the timers whose time has come (none when deadline() > now).
  TimerOutcome on_timer(core::Time now, const WindowParams& params);

  /// The earliest timer: reorder wait, probe or retransmission; Time::max() when none.
  core::Time deadline() const { return std::min(std::min(reorder_at_, probe_at_), rto_at_); }
  bool done() const { return acked_count_ == packets_; }
  /// Whether packet `seq` has been sent more than once (while not done()).
  bool resent(std::uint32_t seq) const { return board_.test(seq, Scoreboard::kResent); }
  double cwnd() const { return cwnd_; }
  double alpha() const { return alpha_; }
  std::int64_t in_flight() const { return in_flight_; }
  core::Time srtt() const { return srtt_; }
  core::Time reorder_window(const WindowParams& params) const;

  bool in_ring = false;                     // queued in its NIC's round robin
  core::Time timer_at = core::Time::max();  // earliest wake-up armed for it, max when none

 private:
  /// A retransmission, in the order they were sent.
  struct Resend {
    core::Time sent;
    std::uint32_t seq;
  };
  core::Time rto(const WindowParams& params) const;
  core::Time probe_timeout() const;
  void sample_rtt(core::Time sample);
  /// Applies both loss rules; arms the reorder timer for the next packet they wait for.
  void detect_losses(core::Time now, const WindowParams& params);
  void mark_lost(std::uint32_t seq);
  void arm_probe(core::Time now, const WindowParams& params);
  /// The highest-numbered packet sent, neither acknowledged nor deemed lost.
  std::uint32_t highest_outstanding() const;
  void timeout(core::Time now, const WindowParams& params);
  void reduce(double factor);

  Scoreboard board_;  // flags of every packet, send times of those in [una_, next_new_)
  std::unique_ptr<Ring<Resend>> resends_;  // resends not known acked or lost, in send order
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
  std::uint32_t next_new_ = 0;    // lowest never-sent packet
  std::uint32_t una_ = 0;         // lowest unacknowledged packet
  std::uint32_t high_acked_ = 0;  // highest acknowledged packet + 1
  std::uint32_t first_scan_ = 0;  // packets sent once below this are acked, lost or resent
  std::uint32_t retx_next_ = 0;   // lost packets waiting to be resent are at or above
  std::uint32_t lost_waiting_ = 0;
  std::uint32_t window_end_ = 0;               // alpha is updated once una reaches this packet
  std::uint32_t reduce_end_ = 0;               // no further reduction until una passes this packet
  core::Time rack_sent_ = core::Time::ps(-1);  // send time of the latest-sent packet acked
  core::Time rack_rtt_{};                      // its round trip
  core::Time overtaken_{};  // the most a packet acknowledged late was sent before another
  core::Time srtt_{};
  core::Time rttvar_{};
  core::Time initial_rtt_{};  // the probe timeout's estimate before the first sample; 0: none
  core::Time reorder_at_ = core::Time::max();  // the time rule's next verdict
  core::Time probe_at_ = core::Time::max();
  core::Time rto_at_ = core::Time::max();
  std::uint32_t backoff_ = 0;  // timeouts in a row: the timer doubles with each
  std::uint32_t probes_ = 0;   // probes since the last new acknowledgement
  bool probe_due_ = false;     // the next packet is a probe and may exceed the window
};

}  // namespace fabricsim::net
