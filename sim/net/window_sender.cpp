#include "net/window_sender.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fabricsim::net {
namespace {

constexpr std::uint32_t kAcked = 0;
constexpr std::uint32_t kLost = 1;
constexpr std::uint32_t kResent = 2;  // sent more than once
constexpr std::uint32_t kWords = 3;
constexpr std::uint32_t kMaxBackoff = 6;
constexpr std::uint32_t kInitialRing = 64;  // send-time slots reserved at start, at most

}  // namespace

void WindowSender::start(std::uint32_t packets, std::int64_t bytes, std::int64_t mss,
                         double initial_window) {
  bits_.assign(kWords * ((std::size_t{packets} + 63) / 64), 0);
  sent_.reset(std::min(packets, kInitialRing));
  packets_ = packets;
  bytes_ = bytes;
  mss_ = mss;
  cwnd_ = std::max(initial_window, static_cast<double>(mss));
  ssthresh_ = std::numeric_limits<double>::infinity();
}

bool WindowSender::test(std::uint32_t seq, std::uint32_t which) const {
  return ((bits_[kWords * (seq / 64) + which] >> (seq % 64)) & 1U) != 0;
}

void WindowSender::set(std::uint32_t seq, std::uint32_t which, bool on) {
  std::uint64_t& word = bits_[kWords * (seq / 64) + which];
  const std::uint64_t bit = std::uint64_t{1} << (seq % 64);
  word = on ? (word | bit) : (word & ~bit);
}

std::int64_t WindowSender::payload(std::uint32_t seq) const {
  return std::min(mss_, bytes_ - std::int64_t{seq} * mss_);
}

bool WindowSender::can_send() const {
  if (probe_due_) return true;
  if (lost_waiting_ == 0 && next_new_ == packets_) return false;
  return in_flight_ == 0 || static_cast<double>(in_flight_ + mss_) <= cwnd_;
}

core::Time WindowSender::deadline() const { return std::min({reorder_at_, probe_at_, rto_at_}); }

core::Time WindowSender::rto(const WindowParams& params) const {
  const core::Time estimate = srtt_ + core::Time::ps(4 * rttvar_.ps());
  return core::Time::ps(std::max(params.min_rto, estimate).ps() << backoff_);
}

core::Time WindowSender::reorder_window(const WindowParams& params) const {
  if (params.reorder_window) return *params.reorder_window;
  return std::max(kMinReorderWindow, srtt_ + core::Time::ps(4 * rttvar_.ps()));
}

core::Time WindowSender::probe_timeout() const {
  const core::Time estimate = std::max(
      {kMinProbeTimeout, core::Time::ps(2 * srtt_.ps()), srtt_ + core::Time::ps(4 * rttvar_.ps())});
  return core::Time::ps(estimate.ps() << probes_);
}

std::uint32_t WindowSender::take(core::Time now, const WindowParams& params, bool& retransmit) {
  probe_due_ = false;
  std::uint32_t seq = 0;
  retransmit = true;
  if (lost_waiting_ > 0) {
    while (!test(retx_next_, kLost)) ++retx_next_;
    seq = retx_next_++;
    set(seq, kLost, false);
    --lost_waiting_;
    in_flight_ += payload(seq);
  } else if (next_new_ < packets_) {
    retransmit = false;
    seq = next_new_++;
    sent_.push_back(now);
    in_flight_ += payload(seq);
  } else {
    // Only a probe gets here: a second copy of a packet still counted in flight.
    seq = highest_outstanding();
  }
  if (retransmit) {
    set(seq, kResent, true);
    sent_[seq] = now;
    resends_.push_back({now, seq});
  }
  if (rto_at_ == core::Time::max()) rto_at_ = now + rto(params);
  arm_probe(now, params);
  return seq;
}

std::uint32_t WindowSender::highest_outstanding() const {
  std::uint32_t seq = next_new_;
  while (seq > una_ && (test(seq - 1, kAcked) || test(seq - 1, kLost))) --seq;
  return seq - 1;
}

void WindowSender::arm_probe(core::Time now, const WindowParams& params) {
  const bool armed = params.tail_loss_probe && srtt_ > core::Time{};
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

AckOutcome WindowSender::on_ack(std::uint32_t seq, bool ecn_echo, bool of_retransmission,
                                core::Time now, const WindowParams& params) {
  // A duplicate ACK (of a packet delivered twice) may come after the last one: the
  // scoreboard is gone by then.
  if (done() || test(seq, kAcked)) return {};
  set(seq, kAcked, true);
  ++acked_count_;
  const std::int64_t bytes = payload(seq);
  if (test(seq, kLost)) {
    // Deemed lost but only late: it no longer needs resending.
    set(seq, kLost, false);
    --lost_waiting_;
  } else {
    in_flight_ -= bytes;
  }
  high_acked_ = std::max(high_acked_, seq + 1);
  // The send time of the copy acknowledged is known unless the first copy of a packet sent
  // twice arrived late (its time was overwritten by the resend's).
  const bool resent = test(seq, kResent);
  if (!resent || of_retransmission) {
    const core::Time sent = sent_[seq];
    if (!resent) sample_rtt(now - sent);
    if (sent > rack_sent_) {
      rack_sent_ = sent;
      rack_rtt_ = now - sent;
    }
  }
  const std::uint32_t una_before = una_;
  while (una_ < packets_ && test(una_, kAcked)) ++una_;
  sent_.drop_before(una_);

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
    bits_ = {};
    sent_.release();
    resends_.release();
    return {.newly_acked = true, .done = true};
  }
  detect_losses(now, params);
  if (una_ > una_before) {
    backoff_ = 0;
    rto_at_ = now + rto(params);
  }
  probe_due_ = false;  // this ACK does what a probe not yet sent would have done
  probes_ = 0;
  arm_probe(now, params);
  return {.newly_acked = true, .done = false};
}

void WindowSender::detect_losses(core::Time now, const WindowParams& params) {
  const core::Time window = reorder_window(params);
  // Lost by time: sent before the latest-sent packet acknowledged, and overdue by the window.
  const auto overdue = [&](core::Time sent) {
    return sent < rack_sent_ && now >= sent + rack_rtt_ + window;
  };
  const std::uint32_t lost_before = lost_waiting_;
  reorder_at_ = core::Time::max();
  // Packets sent once: sent in packet order, so the scan stops at the first one not lost.
  first_scan_ = std::max(first_scan_, una_);
  for (; first_scan_ < next_new_; ++first_scan_) {
    const std::uint32_t seq = first_scan_;
    if (test(seq, kAcked) || test(seq, kLost) || test(seq, kResent)) continue;
    const core::Time sent = sent_[seq];
    if (std::uint64_t{seq} + params.reorder_threshold + 1 < high_acked_ || overdue(sent)) {
      mark_lost(seq);
      continue;
    }
    if (sent < rack_sent_) reorder_at_ = sent + rack_rtt_ + window;
    break;
  }
  // Retransmissions, in the order they were sent; a copy superseded by a later one is dropped.
  while (!resends_.empty()) {
    const Resend r = resends_.front();
    if (test(r.seq, kAcked) || test(r.seq, kLost) || sent_[r.seq] != r.sent) {
      resends_.pop_front();
      continue;
    }
    if (overdue(r.sent)) {
      mark_lost(r.seq);
      resends_.pop_front();
      continue;
    }
    if (r.sent < rack_sent_) reorder_at_ = std::min(reorder_at_, r.sent + rack_rtt_ + window);
    break;
  }
  if (lost_waiting_ > lost_before && una_ >= reduce_end_) {
    reduce(0.5);
    reduce_end_ = next_new_;
  }
}

void WindowSender::mark_lost(std::uint32_t seq) {
  set(seq, kLost, true);
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
    if (test(seq, kAcked) || test(seq, kLost)) continue;
    set(seq, kLost, true);
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
