#include "flow/completion_heap.hpp"

namespace fabricsim::flow {
namespace {
constexpr std::uint32_t kAbsent = 0xffffffffu;
}  // namespace

void CompletionHeap::set(std::uint32_t flow, std::int64_t finish_ps) {
  if (flow >= slot_.size()) slot_.resize(flow + 1, kAbsent);
  const Entry entry{finish_ps, flow};
  std::size_t slot = slot_[flow];
  if (slot == kAbsent) {
    slot = heap_.size();
    heap_.push_back(entry);
    sift_up(slot, entry);
  } else if (entry < heap_[slot]) {
    sift_up(slot, entry);
  } else {
    sift_down(slot, entry);
  }
}

void CompletionHeap::erase(std::uint32_t flow) {
  const std::size_t slot = slot_[flow];
  slot_[flow] = kAbsent;
  const Entry last = heap_.back();
  heap_.pop_back();
  if (slot == heap_.size()) return;
  if (last < heap_[slot]) {
    sift_up(slot, last);
  } else {
    sift_down(slot, last);
  }
}

void CompletionHeap::place(std::size_t slot, Entry entry) {
  heap_[slot] = entry;
  slot_[entry.flow] = static_cast<std::uint32_t>(slot);
}

void CompletionHeap::sift_up(std::size_t slot, Entry entry) {
  while (slot > 0) {
    const std::size_t parent = (slot - 1) / 2;
    if (!(entry < heap_[parent])) break;
    place(slot, heap_[parent]);
    slot = parent;
  }
  place(slot, entry);
}

void CompletionHeap::sift_down(std::size_t slot, Entry entry) {
  const std::size_t n = heap_.size();
  for (;;) {
    std::size_t child = 2 * slot + 1;
    if (child >= n) break;
    if (child + 1 < n && heap_[child + 1] < heap_[child]) ++child;
    if (!(heap_[child] < entry)) break;
    place(slot, heap_[child]);
    slot = child;
  }
  place(slot, entry);
}

}  // namespace fabricsim::flow
