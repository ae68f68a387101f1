#include "core/event_queue.hpp"

#include <cassert>
#include <stdexcept>

namespace fabricsim::core {

void EventQueue::schedule(Time when, Handler& target, std::uint32_t tag) {
  if (when < now_) throw std::logic_error("event scheduled in the past");
  const Entry entry{when, next_seq_++, &target, tag};
  if (root_free_) {
    // The event being dispatched still sits at the root: the new one takes its place and
    // sinks, which saves the pop's sift-down and the push's sift-up.
    root_free_ = false;
    heap_.front() = entry;
    sift_down(0);
    return;
  }
  heap_.push_back(entry);
  sift_up(heap_.size() - 1);
}

bool EventQueue::run_next() {
  if (pending() == 0) return false;
  const Entry top = heap_.front();
  assert(top.when >= now_);
  now_ = top.when;
  ++dispatched_;
  root_free_ = true;
  top.target->on_event(top.tag, now_);
  if (root_free_) {
    root_free_ = false;
    heap_.front() = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(0);
  }
  return true;
}

void EventQueue::sift_up(std::size_t i) {
  const Entry moving = heap_[i];
  while (i > 0) {
    const std::size_t parent = (i - 1) / 4;
    if (!earlier(moving, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = moving;
}

void EventQueue::sift_down(std::size_t i) {
  const Entry moving = heap_[i];
  const std::size_t n = heap_.size();
  for (;;) {
    const std::size_t first = 4 * i + 1;
    if (first >= n) break;
    std::size_t best = first;
    const std::size_t last = first + 4 < n ? first + 4 : n;
    for (std::size_t c = first + 1; c < last; ++c) {
      if (earlier(heap_[c], heap_[best])) best = c;
    }
    if (!earlier(heap_[best], moving)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = moving;
}

}  // namespace fabricsim::core
