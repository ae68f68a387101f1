#include "core/event_queue.hpp"

#include <cassert>
#include <stdexcept>
#include <string>

namespace fabricsim::core {

void EventQueue::schedule(Time when, Handler& target, std::uint32_t tag) {
  if (when < now_) throw std::logic_error("event scheduled in the past");
  const Entry entry{static_cast<std::uint64_t>(when.ps()), &target, tag};
  if (entry.when < near_end_) {
    insert_near(entry);
  } else {
    far_.push(entry);  // near_end_ - 1 is the heap's last time: entry.when is not below it
  }
}

void EventQueue::set_lookahead(int events) {
  if (events < 0 || events > kMaxLookahead) {
    throw std::invalid_argument("event queue: lookahead must be 0 to " +
                                std::to_string(kMaxLookahead));
  }
  lookahead_ = static_cast<std::size_t>(events);
}

void EventQueue::insert_near(const Entry& entry) {
  // Usually near the end: the buffer holds a few events, and a new one is rarely due
  // before all of them.
  std::size_t at = near_.size();
  while (at > head_ && near_[at - 1].when > entry.when) --at;
  near_.insert(near_.begin() + static_cast<std::ptrdiff_t>(at), entry);
}

void EventQueue::refill() {
  if (head_ == near_.size()) {
    near_.clear();
    head_ = 0;
  } else if (head_ >= 64 && 2 * head_ >= near_.size()) {
    near_.erase(near_.begin(), near_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
  const auto now = static_cast<std::uint64_t>(now_.ps());
  const std::uint64_t horizon = now + (now - recent_[dispatched_ % kRecent]);
  while (near_.size() - head_ <= lookahead_ && !far_.empty()) {
    if (head_ != near_.size() && far_.earliest_bound() > horizon) break;
    near_end_ = far_.pop_earliest(near_) + 1;
  }
}

bool EventQueue::run_next() {
  if (near_.size() - head_ <= lookahead_) refill();
  if (head_ == near_.size()) return false;
  // A copy: the handler may insert into near_ and move its storage.
  const Entry top = near_[head_++];
  assert(top.when >= static_cast<std::uint64_t>(now_.ps()));
  // The events after it, nearest last: each handler hears of its event at every distance.
  const std::size_t known = near_.size() - head_;
  for (std::size_t ahead = known < lookahead_ ? known : lookahead_; ahead > 0; --ahead) {
    const Entry& next = near_[head_ + ahead - 1];
    next.target->prefetch(next.tag, static_cast<int>(ahead));
  }
  now_ = Time::ps(static_cast<std::int64_t>(top.when));
  recent_[dispatched_ % kRecent] = top.when;
  ++dispatched_;
  top.target->on_event(top.tag, now_);
  return true;
}

}  // namespace fabricsim::core
