#pragma once
#include <cstdint>
#include <vector>

namespace fabricsim::flow {

/// Flows keyed by their predicted completion (ps), earliest first, ties by flow id so runs
/// are reproducible. Each flow knows its heap slot, so a re-keyed flow moves in O(log n)
/// instead of leaving a stale entry behind: a re-solve that changes 10k rates keeps the heap
/// at one entry per active flow.
class CompletionHeap {
 public:
  /// Inserts `flow` or moves it to its new key.
  void set(std::uint32_t flow, std::int64_t finish_ps);
  void erase(std::uint32_t flow);
  bool empty() const { return heap_.empty(); }
  std::uint32_t top() const { return heap_.front().flow; }
  std::int64_t top_key() const { return heap_.front().finish_ps; }

 private:
  struct Entry {
    std::int64_t finish_ps;
    std::uint32_t flow;
    bool operator<(const Entry& o) const {
      return finish_ps < o.finish_ps || (finish_ps == o.finish_ps && flow < o.flow);
    }
  };
  void place(std::size_t slot, Entry entry);
  void sift_up(std::size_t slot, Entry entry);
  void sift_down(std::size_t slot, Entry entry);

  std::vector<Entry> heap_;
  std::vector<std::uint32_t> slot_;  // flow -> index in heap_, kAbsent when not queued
};

}  // namespace fabricsim::flow
