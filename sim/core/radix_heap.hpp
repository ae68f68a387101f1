#pragma once
#include <array>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace fabricsim::core {

/// A monotone priority queue of records keyed by an unsigned 64-bit time (`Entry::when`),
/// handing them out one time at a time, each time's records in the order they were pushed.
/// It is a radix heap with 6-bit digits: a record sits at level L, bucket d when its key
/// first differs from the last time handed out (`last()`) in digit L and has d there; level
/// 0's buckets each hold a single time. Taking the earliest time reads the lowest occupied
/// level's lowest bucket; above level 0 that bucket is spread over the levels below around
/// its earliest key. A record moves down at least one level each time it moves, so at most
/// once per digit of its distance from the clock (events a microsecond ahead, 2^20 ps: at
/// most 3 moves), always by sequential reads and appends.
///
/// Records of one time always share a bucket (a bucket is a function of the key and
/// last()), are spread in order and are pushed after every older one, so each time's
/// records come out in push order. Keys may not go below last() (checked by the caller).
///
/// A bucket is a list of chunks of kChunk records; chunks come from one free list, last
/// freed first. As time advances the records move through ever other buckets, so buckets of
/// their own that kept their high-water capacity would hold many times the records pending;
/// chunks hold the records pending plus at most one part-filled chunk per bucket, and no
/// chunk is allocated once the heap has grown to its working size.
template <class Entry>
class RadixHeap {
 public:
  static constexpr int kDigitBits = 6;
  static constexpr int kFan = 1 << kDigitBits;
  static constexpr int kLevels = (64 + kDigitBits - 1) / kDigitBits;
  static constexpr std::uint32_t kChunk = 32;

  /// Adds a record; e.when >= last().
  void push(const Entry& e) {
    const auto [level, digit] = place(e.when);
    append(levels_[level], digit, e);
    ++size_;
  }
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  /// The last time handed out (0 before any).
  std::uint64_t last() const { return last_; }
  /// Records the chunks could hold (in use or free).
  std::size_t capacity() const { return chunks_.size() * kChunk; }

  /// A lower bound of the earliest key, without moving anything (exact when it sits at level
  /// 0). The heap must not be empty.
  std::uint64_t earliest_bound() const {
    const int level = lowest_level();
    const auto digit = static_cast<std::uint64_t>(__builtin_ctzll(levels_[level].occupied));
    const int shift = (level + 1) * kDigitBits;  // the digits above `level` are last()'s
    const std::uint64_t above = shift >= 64 ? 0 : last_ >> shift << shift;
    return above | digit << (level * kDigitBits);
  }

  /// Moves every record of the earliest time to the end of `out`, in push order, and
  /// returns that time (which becomes last()). The heap must not be empty.
  std::uint64_t pop_earliest(std::vector<Entry>& out) {
    int level = lowest_level();
    while (level > 0) {
      // Spread the lowest bucket of the lowest level around its earliest key: every record
      // lands below `level` (they all agree with that key on the digits from `level` up);
      // the other buckets keep their places.
      Level& from = levels_[level];
      const int digit = __builtin_ctzll(from.occupied);
      const Bucket bucket = take(from, digit);
      std::uint64_t earliest = ~std::uint64_t{0};
      for (std::uint32_t c = bucket.head; c != kNoChunk; c = chunks_[c].next) {
        const Chunk& chunk = chunks_[c];
        for (std::uint32_t i = 0; i < chunk.count; ++i) {
          earliest = chunk.entries[i].when < earliest ? chunk.entries[i].when : earliest;
        }
      }
      last_ = earliest;
      for (std::uint32_t c = bucket.head; c != kNoChunk;) {
        // By index: an append may grow chunks_. The chunk is freed once read, so the next
        // appends reuse it while it is in the cache.
        for (std::uint32_t i = 0; i < chunks_[c].count; ++i) {
          const Entry e = chunks_[c].entries[i];
          const auto [to, d] = place(e.when);
          append(levels_[to], d, e);
        }
        const std::uint32_t next = chunks_[c].next;
        release(c);
        c = next;
      }
      level = lowest_level();
    }
    Level& zero = levels_[0];
    const int digit = __builtin_ctzll(zero.occupied);
    const Bucket bucket = take(zero, digit);
    last_ = (last_ & ~std::uint64_t{kFan - 1}) | static_cast<std::uint64_t>(digit);
    for (std::uint32_t c = bucket.head; c != kNoChunk;) {
      const Chunk& chunk = chunks_[c];
      out.insert(out.end(), chunk.entries.begin(), chunk.entries.begin() + chunk.count);
      size_ -= chunk.count;
      const std::uint32_t next = chunk.next;
      release(c);
      c = next;
    }
    return last_;
  }

 private:
  static constexpr std::uint32_t kNoChunk = 0xffffffffu;
  struct Chunk {
    std::array<Entry, kChunk> entries;
    std::uint32_t count = 0;
    std::uint32_t next = kNoChunk;
  };
  struct Bucket {
    std::uint32_t head = kNoChunk;
    std::uint32_t tail = kNoChunk;
  };
  struct Level {
    std::uint64_t occupied = 0;  // bit d: bucket d is not empty
    std::array<Bucket, kFan> buckets;
  };
  struct Place {
    int level;
    int digit;
  };

  Place place(std::uint64_t when) const {
    const std::uint64_t differ = when ^ last_;
    const int level = differ == 0 ? 0 : (63 - __builtin_clzll(differ)) / kDigitBits;
    return {level, static_cast<int>((when >> (level * kDigitBits)) & (kFan - 1))};
  }
  int lowest_level() const {
    int level = 0;
    while (levels_[level].occupied == 0) ++level;
    return level;
  }
  void append(Level& level, int digit, const Entry& e) {
    Bucket& bucket = level.buckets[digit];
    if (bucket.tail == kNoChunk || chunks_[bucket.tail].count == kChunk) {
      const std::uint32_t c = acquire();
      if (bucket.tail == kNoChunk) {
        bucket.head = c;
        level.occupied |= std::uint64_t{1} << digit;
      } else {
        chunks_[bucket.tail].next = c;
      }
      bucket.tail = c;
    }
    Chunk& chunk = chunks_[bucket.tail];
    chunk.entries[chunk.count++] = e;
  }
  /// Empties bucket `digit` of `level` and returns its chunks, to be read and released.
  Bucket take(Level& level, int digit) {
    const Bucket bucket = level.buckets[digit];
    level.buckets[digit] = {};
    level.occupied &= ~(std::uint64_t{1} << digit);
    return bucket;
  }
  std::uint32_t acquire() {
    if (free_ != kNoChunk) {
      const std::uint32_t c = free_;
      free_ = chunks_[c].next;
      chunks_[c].count = 0;
      chunks_[c].next = kNoChunk;
      return c;
    }
    if (chunks_.size() >= kNoChunk) throw std::length_error("radix heap: too many records");
    chunks_.emplace_back();
    return static_cast<std::uint32_t>(chunks_.size() - 1);
  }
  void release(std::uint32_t c) {
    chunks_[c].next = free_;
    free_ = c;
  }

  std::array<Level, kLevels> levels_;
  std::vector<Chunk> chunks_;
  std::uint32_t free_ = kNoChunk;  // first free chunk
  std::uint64_t last_ = 0;
  std::size_t size_ = 0;
};

}  // namespace fabricsim::core
