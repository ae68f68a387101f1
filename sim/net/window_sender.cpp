#include "net/window_sender.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fabricsim::net {
namespace {

constexpr std::uint32_t kAcked = 0;
constexpr std::uint32_t kLost = 1;
constexpr std::uint32_t kMaxBackoff = 6;

}  // namespace

void WindowSender::start(std::uint32_t packets, std::int64_t bytes, std::int64_t mss,
                         double initial_window) {
  bits_.assign(2 * ((std::size_t{packets} + 63) / 64), 0);
  packets_ = packets;
  bytes_ = bytes;
  mss_ = mss;
  cwnd_ = std::max(initial_window, static_cast<double>(mss));
  ssthresh_ = std::numeric_limits<double>::infinity();
}

bool WindowSender::test(std::uint32_t seq, std::uint32_t which) const {
  return ((bits_[2 * (seq / 64) + which] >> (seq % 64)) & 1U) != 0;
}

void WindowSender::set(std::uint32_t seq, std::uint32_t which, bool on) {
  std::uint64_t& word = bits_[2 * (seq / 64) + which];
  const std::uint64_t bit = std::uint64_t{1} << (seq % 64);
  word = on ? (word | bit) : (word & ~bit);
}

std::int64_t WindowSender::payload(std::uint32_t seq) const {
  return std::min(mss_, bytes_ - std::int64_t{seq} * mss_);
}

bool WindowSender::can_send() const {
  if (lost_waiting_ == 0 && next_new_ == packets_) return false;
  return in_flight_ == 0 || static_cast<double>(in_flight_ + mss_) <= cwnd_;
}

core::Time WindowSender::rto(const WindowParams& params) const {
  const core::Time estimate = srtt_ + core::Time::ps(4 * rttvar_.ps());
  return core::Time::ps(std::max(params.min_rto, estimate).ps() << backoff_);
}

std::uint32_t WindowSender::take(core::Time now, const WindowParams& params, bool& retransmit) {
  std::uint32_t seq = 0;
  retransmit = lost_waiting_ > 0;
  if (retransmit) {
    while (!test(retx_next_, kLost)) ++retx_next_;
    seq = retx_next_++;
    set(seq, kLost, false);
    --lost_waiting_;
    if (seq == rtt_seq_) rtt_seq_ = kNone;  // Karn: never time a retransmitted packet
  } else {
    seq = next_new_++;
    if (rtt_seq_ == kNone) {
      rtt_seq_ = seq;
      rtt_sent_ = now;
    }
  }
  in_flight_ += payload(seq);
  if (deadline_ == core::Time::max()) deadline_ = now + rto(params);
  return seq;
}

AckOutcome WindowSender::on_ack(std::uint32_t seq, bool ecn_echo, core::Time now,
                                const WindowParams& params) {
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
  if (seq == rtt_seq_) {
    // RFC 6298 smoothing.
    const core::Time sample = now - rtt_sent_;
    if (srtt_ == core::Time{}) {
      srtt_ = sample;
      rttvar_ = core::Time::ps(sample.ps() / 2);
    } else {
      const std::int64_t error = std::abs(srtt_.ps() - sample.ps());
      rttvar_ = core::Time::ps((3 * rttvar_.ps() + error) / 4);
      srtt_ = core::Time::ps((7 * srtt_.ps() + sample.ps()) / 8);
    }
    rtt_seq_ = kNone;
  }
  const std::uint32_t una_before = una_;
  while (una_ < packets_ && test(una_, kAcked)) ++una_;

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
  detect_losses(params);

  if (done()) {
    deadline_ = core::Time::max();
    bits_ = {};
  } else if (una_ > una_before) {
    backoff_ = 0;
    deadline_ = now + rto(params);
  }
  return {.newly_acked = true, .done = done()};
}

void WindowSender::detect_losses(const WindowParams& params) {
  bool lost_any = false;
  while (loss_scan_ < next_new_ && loss_scan_ + params.reorder_threshold + 1 < high_acked_) {
    const std::uint32_t seq = loss_scan_++;
    if (test(seq, kAcked) || test(seq, kLost)) continue;
    set(seq, kLost, true);
    ++lost_waiting_;
    in_flight_ -= payload(seq);
    retx_next_ = std::min(retx_next_, seq);
    lost_any = true;
  }
  if (lost_any && una_ >= reduce_end_) {
    reduce(0.5);
    reduce_end_ = next_new_;
  }
}

void WindowSender::reduce(double factor) {
  cwnd_ = std::max(static_cast<double>(mss_), cwnd_ * factor);
  ssthresh_ = cwnd_;
}

void WindowSender::on_timeout(core::Time now, const WindowParams& params) {
  if (done()) return;
  for (std::uint32_t seq = una_; seq < next_new_; ++seq) {
    if (test(seq, kAcked) || test(seq, kLost)) continue;
    set(seq, kLost, true);
    ++lost_waiting_;
  }
  in_flight_ = 0;
  retx_next_ = una_;
  rtt_seq_ = kNone;
  ssthresh_ = std::max(cwnd_ / 2, 2.0 * static_cast<double>(mss_));
  cwnd_ = static_cast<double>(mss_);
  reduce_end_ = next_new_;
  backoff_ = std::min(backoff_ + 1, kMaxBackoff);
  deadline_ = now + rto(params);
}

}  // namespace fabricsim::net
