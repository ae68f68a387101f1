#include "net/window_sender.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fabricsim::net {
namespace {

constexpr Scoreboard::Flag kAcked = Scoreboard::kAcked;
constexpr Scoreboard::Flag kLost = Scoreboard::kLost;
constexpr Scoreboard::Flag kResent = Scoreboard::kResent;  // sent more than once
constexpr std::uint32_t kMaxBackoff = 6;
constexpr std::uint32_t kInitialRing = 4;  // send-time slots reserved at start, at most

}  // namespace

void WindowSender::start(std::uint32_t packets, std::int64_t bytes, std::int64_t mss,
                         double initial_window, core::Time initial_rtt) {
  initial_rtt_ = initial_rtt;
  board_.reset(packets, std::min(packets, kInitialRing));
  packets_ = packets;
  bytes_ = bytes;
  mss_ = mss;
  cwnd_ = std::max(initial_window, static_cast<double>(mss));
  ssthresh_ = std::numeric_limits<double>::infinity();
}

std::int64_t WindowSender::payload(std::uint32_t seq) const {
  return std::min(mss_, bytes_ - std::int64_t{seq} * mss_);
}

core::Time WindowSender::rto(const WindowParams& params) const {
  const core::Time estimate = srtt_ + core::Time::ps(4 * rttvar_.ps());
  return core::Time::ps(std::max(params.min_rto, estimate).ps() << backoff_);
}

core::Time WindowSender::reorder_window(const WindowParams& params) const {
  if (params.reorder_window) return *params.reorder_window;
  return std::max({kMinReorderWindow, srtt_ + core::Time::ps(4 * rttvar_.ps()),
                   core::Time::ps(2 * overtaken_.ps())});
}

core::Time WindowSender::probe_timeout() const {
  // Before the first sample: as if initial_rtt had been it (srtt = R, rttvar = R / 2).
  const bool sampled = srtt_ > core::Time{};
  const core::Time srtt = sampled ? srtt_ : initial_rtt_;
  const core::Time rttvar = sampled ? rttvar_ : core::Time::ps(initial_rtt_.ps() / 2);
  const core::Time estimate = std::max(
      {kMinProbeTimeout, core::Time::ps(2 * srtt.ps()), srtt + core::Time::ps(4 * rttvar.ps())});
  return core::Time::ps(estimate.ps() << probes_);
}

std::uint32_t WindowSender::take(core::Time now, const WindowParams& params, bool& retransmit) {
  probe_due_ = false;
  std::uint32_t seq = 0;
  retransmit = true;
  if (lost_waiting_ > 0) {
    while (!board_.test(retx_next_, kLost)) ++retx_next_;
    seq = retx_next_++;
    board_.set(seq, kLost, false);
    --lost_waiting_;
    in_flight_ += payload(seq);
  } else if (next_new_ < packets_) {
    retransmit = false;
    seq = next_new_++;
    board_.push_sent(una_, seq, now);
    in_flight_ += payload(seq);
  } else {
    // Only a probe gets here: a second copy of a packet still counted in flight.
    seq = highest_outstanding();
  }
  if (retransmit) {
    board_.set(seq, kResent, true);
    board_.set_sent(seq, now);
    if (!resends_) resends_ = std::make_unique<Ring<Resend>>();
    resends_->push_back({now, seq});
  }
  if (rto_at_ == core::Time::max()) rto_at_ = now + rto(params);
  arm_probe(now, params);
  return seq;
}

std::uint32_t WindowSender::highest_outstanding() const {
  std::uint32_t seq = next_new_;
  while (seq > una_ && (board_.test(seq - 1, kAcked) || board_.test(seq - 1, kLost))) --seq;
  return seq - 1;
}

void WindowSender::arm_probe(core::Time now, const WindowParams& params) {
  // Only a flow that cannot send needs one: the next packet of one that can does its job.
  const bool estimate = srtt_ > core::Time{} || initial_rtt_ > core::Time{};
  const bool armed = params.tail_loss_probe && estimate && !can_send();
  probe_at_ = armed ? now + probe_timeout() : core::Time::max();
}

void WindowSender::sample_rtt(core::Time sample) {
  // RFC 6298 smoothing.
  if (srtt_ == core::Time{}) {
    srtt_ = sample;
    rttvar_ = core::Time::ps(sample.ps() / 2);
  } else {
    const std::int64_t error = std::abs(srtt_.ps() - sample.ps());
    rttvar_ = core::Time::ps((3 * rttvar_.ps() + error) / 4);
    srtt_ = core::Time::ps((7 * srtt_.ps() + sample.ps()) / 8);
  }
}

void WindowSender::on_ack(std::uint32_t seq, bool ecn_echo, bool of_retransmission, core::Time now,
                          const WindowParams& params) {
  // A duplicate ACK (of a packet delivered twice) may come after the last one: the
  // scoreboard is gone by then.
  if (done() || board_.test(seq, kAcked)) return;
  board_.set(seq, kAcked, true);
  ++acked_count_;
  const std::int64_t bytes = payload(seq);
  if (board_.test(seq, kLost)) {
    // Deemed lost but only late: it no longer needs resending.
    board_.set(seq, kLost, false);
    --lost_waiting_;
  } else {
    in_flight_ -= bytes;
  }
  high_acked_ = std::max(high_acked_, seq + 1);
  // The send time of the copy acknowledged is known unless the first copy of a packet sent
  // twice arrived late (its time was overwritten by the resend's).
  const bool resent = board_.test(seq, kResent);
  if (!resent || of_retransmission) {
    const core::Time sent = board_.sent(seq);
    if (!resent) sample_rtt(now - sent);
    // Overtaken: a packet sent this much later was acknowledged first.
    if (sent < rack_sent_) overtaken_ = std::max(overtaken_, rack_sent_ - sent);
    if (sent > rack_sent_) {
      rack_sent_ = sent;
      rack_rtt_ = now - sent;
    }
  }
  const std::uint32_t una_before = una_;
  while (una_ < packets_ && board_.test(una_, kAcked)) ++una_;

  acked_in_window_ += bytes;
  if (ecn_echo) marked_in_window_ += bytes;
  if (una_ >= window_end_) {
    const double fraction = acked_in_window_ > 0 ? static_cast<double>(marked_in_window_) /
                                                       static_cast<double>(acked_in_window_)
                                                 : 0.0;
    alpha_ = (1 - params.gain) * alpha_ + params.gain * fraction;
    acked_in_window_ = 0;
    marked_in_window_ = 0;
    window_end_ = next_new_;
  }
  if (ecn_echo) {
    if (una_ >= reduce_end_) {
      reduce(1 - alpha_ / 2);
      reduce_end_ = next_new_;
    }
  } else if (cwnd_ < ssthresh_) {
    cwnd_ += static_cast<double>(bytes);
  } else {
    cwnd_ += static_cast<double>(mss_) * static_cast<double>(bytes) / cwnd_;
  }

  if (done()) {
    reorder_at_ = probe_at_ = rto_at_ = core::Time::max();
    probe_due_ = false;
    board_.release();
    resends_.reset();
    return;
  }
  detect_losses(now, params);
  if (una_ > una_before) {
    backoff_ = 0;
    rto_at_ = now + rto(params);
  }
  probe_due_ = false;  // this ACK does what a probe not yet sent would have done
  probes_ = 0;
  arm_probe(now, params);
}

void WindowSender::detect_losses(core::Time now, const WindowParams& params) {
  // When a packet sent at `sent` is lost by time: once overdue by the reorder window, if a
  // packet sent after it has been acknowledged; never (max) otherwise.
  core::Time window = core::Time::max();  // worked out at the first candidate
  const auto lost_at = [&](core::Time sent) {
    if (sent >= rack_sent_) return core::Time::max();
    if (window == core::Time::max()) window = reorder_window(params);
    return sent + rack_rtt_ + window;
  };
  const std::uint32_t lost_before = lost_waiting_;
  reorder_at_ = core::Time::max();
  // Packets sent once: sent in packet order, so the scan stops at the first one not lost.
  first_scan_ = std::max(first_scan_, una_);
  for (; first_scan_ < next_new_; ++first_scan_) {
    const std::uint32_t seq = first_scan_;
    if (board_.test(seq, kAcked) || board_.test(seq, kLost) || board_.test(seq, kResent)) continue;
    const core::Time at = lost_at(board_.sent(seq));
    if (std::uint64_t{seq} + params.reorder_threshold + 1 < high_acked_ || at <= now) {
      mark_lost(seq);
      continue;
    }
    reorder_at_ = at;
    break;
  }
  // Resends, in the order sent; a copy superseded by a later one is dropped.
  while (resends_ && !resends_->empty()) {
    const Resend r = resends_->front();
    if (board_.test(r.seq, kAcked) || board_.test(r.seq, kLost) || board_.sent(r.seq) != r.sent) {
      resends_->pop_front();
      continue;
    }
    const core::Time at = lost_at(r.sent);
    if (at <= now) {
      mark_lost(r.seq);
      resends_->pop_front();
      continue;
    }
    reorder_at_ = std::min(reorder_at_, at);
    break;
  }
  if (lost_waiting_ > lost_before && una_ >= reduce_end_) {
    reduce(0.5);
    reduce_end_ = next_new_;
  }
}

void WindowSender::mark_lost(std::uint32_t seq) {
  board_.set(seq, kLost, true);
  ++lost_waiting_;
  in_flight_ -= payload(seq);
  retx_next_ = std::min(retx_next_, seq);
}

void WindowSender::reduce(double factor) {
  cwnd_ = std::max(static_cast<double>(mss_), cwnd_ * factor);
  ssthresh_ = cwnd_;
}

TimerOutcome WindowSender::on_timer(core::Time now, const WindowParams& params) {
  TimerOutcome outcome;
  if (done()) return outcome;
  if (reorder_at_ <= now) detect_losses(now, params);
  if (rto_at_ <= now) {
    timeout(now, params);
    outcome.timeout = true;
  } else if (probe_at_ <= now) {
    probe_at_ = core::Time::max();
    probe_due_ = in_flight_ > 0;
    probes_ = std::min(probes_ + 1, kMaxBackoff);
    outcome.probe = probe_due_;
  }
  return outcome;
}

void WindowSender::timeout(core::Time now, const WindowParams& params) {
  for (std::uint32_t seq = una_; seq < next_new_; ++seq) {
    if (board_.test(seq, kAcked) || board_.test(seq, kLost)) continue;
    board_.set(seq, kLost, true);
    ++lost_waiting_;
  }
  in_flight_ = 0;
  retx_next_ = una_;
  ssthresh_ = std::max(cwnd_ / 2, 2.0 * static_cast<double>(mss_));
  cwnd_ = static_cast<double>(mss_);
  reduce_end_ = next_new_;
  backoff_ = std::min(backoff_ + 1, kMaxBackoff);
  rto_at_ = now + rto(params);
  reorder_at_ = probe_at_ = core::Time::max();
  probe_due_ = false;
}

}  // namespace fabricsim::net
