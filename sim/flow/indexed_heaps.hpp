#pragma once
#include <cstdint>
#include <vector>

namespace fabricsim::flow {

/// A fixed number of min-heaps of ids keyed by `Key`, smallest first, ties by id so runs are
/// reproducible. An id is in at most one heap at a time and knows its slot there, so a
/// re-keyed or moved id costs O(log n) instead of leaving a stale entry behind.
template <typename Key>
class IndexedHeaps {
 public:
  explicit IndexedHeaps(std::size_t heaps = 1) : heaps_(heaps) {}

  /// Inserts `id` into `heap`, or re-keys it there.
  void set(std::uint32_t id, Key key, std::size_t heap = 0) {
    if (id >= slot_.size()) slot_.resize(id + 1, kAbsent);
    Heap& h = heaps_[heap];
    const Entry entry{key, id};
    std::size_t slot = slot_[id];
    if (slot == kAbsent) {
      slot = h.size();
      h.push_back(entry);
      sift_up(h, slot, entry);
    } else if (entry < h[slot]) {
      sift_up(h, slot, entry);
    } else {
      sift_down(h, slot, entry);
    }
  }
  /// Takes `id` out of `heap` (no-op if it is in none).
  void erase(std::uint32_t id, std::size_t heap = 0) {
    if (id >= slot_.size() || slot_[id] == kAbsent) return;
    Heap& h = heaps_[heap];
    const std::size_t slot = slot_[id];
    slot_[id] = kAbsent;
    const Entry last = h.back();
    h.pop_back();
    if (slot == h.size()) return;
    if (last < h[slot]) {
      sift_up(h, slot, last);
    } else {
      sift_down(h, slot, last);
    }
  }
  bool empty(std::size_t heap = 0) const { return heaps_[heap].empty(); }
  std::uint32_t top(std::size_t heap = 0) const { return heaps_[heap].front().id; }
  Key top_key(std::size_t heap = 0) const { return heaps_[heap].front().key; }
  Key key(std::uint32_t id, std::size_t heap = 0) const { return heaps_[heap][slot_[id]].key; }

 private:
  static constexpr std::uint32_t kAbsent = 0xffffffffu;
  struct Entry {
    Key key;
    std::uint32_t id;
    bool operator<(const Entry& o) const { return key < o.key || (key == o.key && id < o.id); }
  };
  using Heap = std::vector<Entry>;
  void place(Heap& h, std::size_t slot, Entry entry) {
    h[slot] = entry;
    slot_[entry.id] = static_cast<std::uint32_t>(slot);
  }
  void sift_up(Heap& h, std::size_t slot, Entry entry) {
    while (slot > 0) {
      const std::size_t parent = (slot - 1) / 2;
      if (!(entry < h[parent])) break;
      place(h, slot, h[parent]);
      slot = parent;
    }
    place(h, slot, entry);
  }
  void sift_down(Heap& h, std::size_t slot, Entry entry) {
    const std::size_t n = h.size();
    for (;;) {
      std::size_t child = 2 * slot + 1;
      if (child >= n) break;
      if (child + 1 < n && h[child + 1] < h[child]) ++child;
      if (!(h[child] < entry)) break;
      place(h, slot, h[child]);
      slot = child;
    }
    place(h, slot, entry);
  }

  std::vector<Heap> heaps_;
  std::vector<std::uint32_t> slot_;  // id -> index in its heap, kAbsent when in none
};

}  // namespace fabricsim::flow
