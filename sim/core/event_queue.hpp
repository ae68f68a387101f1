#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "core/radix_heap.hpp"
#include "core/units.hpp"

namespace fabricsim::core {

/// Something the event queue can wake. `tag` lets one object own several timers.
class Handler {
 public:
  virtual void on_event(std::uint32_t tag, Time now) = 0;
  /// A hint that event (tag) is `ahead` events away (1 .. the queue's lookahead), called
  /// once for each distance as the event comes closer: a handler whose events read state
  /// scattered in memory can start fetching it (a later distance reads what an earlier one
  /// fetched). It must not change anything the simulation computes; by default it does
  /// nothing.
  virtual void prefetch(std::uint32_t /*tag*/, int /*ahead*/) {}

 protected:
  ~Handler() = default;
};

/// Future-event set over integer picosecond times. Equal times run in insertion order, so a
/// seed reproduces a run bit for bit.
///
/// The next few events sit in order in a short sorted buffer (`near_`: every pending event
/// before `near_end_`); the rest wait in a radix heap (RadixHeap), which hands them over one
/// time at a time. An event scheduled before `near_end_` is inserted into the buffer after
/// every event of its time or earlier (it is the newest), one at or after it goes to the
/// heap, whose times are all later than the buffer's, so the order is exactly (time,
/// insertion). Because the next events are known, the queue can tell their handlers
/// (Handler::prefetch, set_lookahead) before each dispatch. Never allocates per event once its
/// buffers have grown to their working size.
class EventQueue {
 public:
  /// The most events ahead handlers may hear of (Handler::prefetch).
  static constexpr int kMaxLookahead = 5;

  /// Tells handlers of the next `events` events (0 .. kMaxLookahead; 0, the default, tells
  /// none) before each dispatch. Worth it only when their state outgrows the cache: each
  /// hint is a virtual call, and the buffer holds that many events more.
  void set_lookahead(int events);

  /// Schedules `target.on_event(tag, when)`; `when` must not be in the past.
  void schedule(Time when, Handler& target, std::uint32_t tag = 0);
  /// Pops the earliest event, advances the clock to it and dispatches it. False when empty.
  bool run_next();
  Time now() const { return now_; }
  bool empty() const { return pending() == 0; }
  std::size_t pending() const { return near_.size() - head_ + far_.size(); }
  std::uint64_t dispatched() const { return dispatched_; }

 private:
  struct Entry {
    std::uint64_t when;  // picoseconds, >= 0
    Handler* target;
    std::uint32_t tag;
  };
  /// Moves whole times from the heap to the buffer until it holds lookahead_ + 1 events, the
  /// heap is empty, or (unless the buffer is empty) the heap's next time is further ahead
  /// than the span of the last kRecent events: a lone far event (a sampler's, a timer's)
  /// would otherwise stretch the buffer over everything scheduled before it.
  void refill();
  /// Inserts into the buffer, after every entry at or before its time.
  void insert_near(const Entry& entry);

  static constexpr std::size_t kRecent = 16;

  std::vector<Entry> near_;     // [head_, end): the next events, in order
  std::size_t head_ = 0;        // next entry of near_ to run
  std::uint64_t near_end_ = 0;  // every pending event before this time is in near_
  RadixHeap<Entry> far_;        // every pending event at or after near_end_
  std::uint64_t dispatched_ = 0;
  std::size_t lookahead_ = 0;
  std::array<std::uint64_t, kRecent> recent_{};  // times of the last kRecent events, a ring
  Time now_{};
};

}  // namespace fabricsim::core
