#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/units.hpp"

namespace fabricsim::net {

/// Per-packet state of one flow's sender: three flags per packet of the flow (acked, lost,
/// resent), and the latest send time of each packet from the lowest unacknowledged one to the
/// highest sent, in a power-of-two ring that doubles when that span outgrows it. One
/// allocation holds both, so a packet's flags and send time are close in memory, and nothing
/// is allocated once the ring has grown to the span's high-water mark.
class Scoreboard {
 public:
  enum Flag : std::uint32_t { kAcked = 0, kLost = 1, kResent = 2 };

  /// All flags clear for `packets` packets; room for at least `slots` send times.
  void reset(std::uint32_t packets, std::uint32_t slots) {
    flag_words_ = kFlags * ((packets + 63) / 64);
    std::uint32_t ring = 1;
    while (ring < slots) ring *= 2;
    words_.assign(std::size_t{flag_words_} + ring, 0);
    mask_ = ring - 1;
  }
  /// Frees the storage.
  void release() {
    words_ = {};
    flag_words_ = 0;
    mask_ = 0;
  }

  bool test(std::uint32_t seq, Flag flag) const {
    return ((words_[kFlags * (seq / 64) + flag] >> (seq % 64)) & 1U) != 0;
  }
  void set(std::uint32_t seq, Flag flag, bool on) {
    std::uint64_t& word = words_[kFlags * (seq / 64) + flag];
    const std::uint64_t bit = std::uint64_t{1} << (seq % 64);
    word = on ? (word | bit) : (word & ~bit);
  }

  /// Send time of packet `seq`, one of those timed.
  core::Time sent(std::uint32_t seq) const {
    return core::Time::ps(static_cast<std::int64_t>(words_[slot(seq, mask_)]));
  }
  void set_sent(std::uint32_t seq, core::Time at) {
    words_[slot(seq, mask_)] = static_cast<std::uint64_t>(at.ps());
  }
  /// Times packet `seq`, the next never sent, while packets [first, seq) are timed too (the
  /// caller's lowest unacknowledged packet and up: the ring forgets those below).
  void push_sent(std::uint32_t first, std::uint32_t seq, core::Time at) {
    if (seq - first > mask_) grow(first, seq);
    set_sent(seq, at);
  }

 private:
  static constexpr std::uint32_t kFlags = 3;

  /// Index of packet `seq`'s send time in a ring of mask + 1 slots.
  std::size_t slot(std::uint32_t seq, std::uint32_t mask) const {
    return flag_words_ + (seq & mask);
  }
  void grow(std::uint32_t first, std::uint32_t end) {
    const std::uint32_t mask = 2 * mask_ + 1;
    std::vector<std::uint64_t> bigger(std::size_t{flag_words_} + mask + 1);
    std::copy_n(words_.begin(), flag_words_, bigger.begin());
    for (std::uint32_t seq = first; seq != end; ++seq)
      bigger[slot(seq, mask)] = words_[slot(seq, mask_)];
    words_ = std::move(bigger);
    mask_ = mask;
  }

  std::vector<std::uint64_t> words_;  // the flag words (3 per 64 packets), then the ring
  std::uint32_t flag_words_ = 0;
  std::uint32_t mask_ = 0;  // the ring has mask_ + 1 slots
};

}  // namespace fabricsim::net
