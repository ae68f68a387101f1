#include "net/timer_set.hpp"

#include <algorithm>
#include <functional>

namespace fabricsim::net {

void TimerSet::arm(std::uint32_t id, core::Time deadline) {
  heap_.push_back({deadline, id});
  std::push_heap(heap_.begin(), heap_.end(), std::greater<>{});
  if (deadline < scheduled_) schedule_earliest();
}

void TimerSet::schedule_earliest() {
  scheduled_ = heap_.front().deadline;
  queue_.schedule(scheduled_, *this, ++generation_);
}

void TimerSet::on_event(std::uint32_t generation, core::Time now) {
  if (generation != generation_) return;  // retired by an earlier deadline
  scheduled_ = core::Time::max();
  while (!heap_.empty() && heap_.front().deadline <= now) {
    std::pop_heap(heap_.begin(), heap_.end(), std::greater<>{});
    const std::uint32_t id = heap_.back().id;
    heap_.pop_back();
    listener_.on_timer(id, now);  // may arm again
  }
  if (!heap_.empty() && heap_.front().deadline < scheduled_) schedule_earliest();
}

}  // namespace fabricsim::net
