#pragma once
#include <cstdint>
#include <vector>

#include "core/units.hpp"

namespace fabricsim::core {

/// Something the event queue can wake. `tag` lets one object own several timers.
class Handler {
 public:
  virtual void on_event(std::uint32_t tag, Time now) = 0;

 protected:
  ~Handler() = default;
};

/// Future-event set: a 4-ary min-heap of plain records; never allocates per event once the
/// heap has grown to its working size. Equal times run in insertion order, so a seed
/// reproduces a run bit for bit.
class EventQueue {
 public:
  /// Schedules `target.on_event(tag, when)`; `when` must not be in the past.
  void schedule(Time when, Handler& target, std::uint32_t tag = 0);
  /// Pops the earliest event, advances the clock to it and dispatches it. False when empty.
  bool run_next();
  Time now() const { return now_; }
  bool empty() const { return pending() == 0; }
  std::size_t pending() const { return heap_.size() - (root_free_ ? 1 : 0); }
  std::uint64_t dispatched() const { return dispatched_; }

 private:
  struct Entry {
    Time when;
    std::uint64_t seq;
    Handler* target;
    std::uint32_t tag;
  };
  static bool earlier(const Entry& a, const Entry& b) {
    return a.when < b.when || (a.when == b.when && a.seq < b.seq);
  }
  void sift_up(std::size_t i);
  void sift_down(std::size_t i);

  std::vector<Entry> heap_;
  std::uint64_t next_seq_ = 0;
  std::uint64_t dispatched_ = 0;
  Time now_{};
  bool root_free_ = false;  // during dispatch: the root holds the event being dispatched
};

}  // namespace fabricsim::core
