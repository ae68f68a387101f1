#pragma once
#include <cstdint>
#include <vector>

#include "core/event_queue.hpp"

namespace fabricsim::net {

/// Told when one of its timers expires.
class TimerListener {
 public:
  virtual void on_timer(std::uint32_t id, core::Time now) = 0;

 protected:
  ~TimerListener() = default;
};

/// Many timers (one per flow, say) behind a single event in the queue: the deadlines live
/// in a min-heap of their own, so tens of thousands of armed timers do not deepen the event
/// heap every packet event goes through. An earlier deadline schedules a new event and
/// retires the old one (which then wakes up and does nothing).
class TimerSet : public core::Handler {
 public:
  TimerSet(core::EventQueue& queue, TimerListener& listener) : queue_(queue), listener_(listener) {}

  /// Calls listener.on_timer(id, deadline) at `deadline` (>= queue.now()). An id may be armed
  /// more than once; each arming fires once.
  void arm(std::uint32_t id, core::Time deadline);
  std::size_t armed() const { return heap_.size(); }

  void on_event(std::uint32_t generation, core::Time now) override;

 private:
  struct Entry {
    core::Time deadline;
    std::uint32_t id;
    /// Heap order: the earliest deadline first, ties by id (deterministic).
    bool operator>(const Entry& o) const {
      return deadline > o.deadline || (deadline == o.deadline && id > o.id);
    }
  };
  void schedule_earliest();

  core::EventQueue& queue_;
  TimerListener& listener_;
  std::vector<Entry> heap_;
  core::Time scheduled_ = core::Time::max();  // time of the live event; max when none
  std::uint32_t generation_ = 0;              // tag of the live event
};

}  // namespace fabricsim::net
