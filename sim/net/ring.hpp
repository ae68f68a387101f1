#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

namespace fabricsim::net {

/// Values at consecutive positions [first(), end()) of a sequence numbered by uint32 (packet
/// numbers, say): a power-of-two ring indexed by position, doubling when a push finds it
/// full. It holds only the span between its oldest and newest values, indexes in O(1) and
/// allocates only while it grows to that span's high-water mark.
template <class T>
class Ring {
 public:
  /// Empties the ring, positions starting at 0, with room for at least `capacity` values.
  void reset(std::uint32_t capacity) {
    std::uint32_t size = 1;
    while (size < capacity) size *= 2;
    slots_.assign(size, T{});
    first_ = 0;
    end_ = 0;
  }
  /// Empties the ring and frees its storage.
  void release() {
    slots_ = {};
    first_ = 0;
    end_ = 0;
  }

  bool empty() const { return first_ == end_; }
  std::uint32_t first() const { return first_; }
  std::uint32_t end() const { return end_; }
  std::size_t capacity() const { return slots_.size(); }

  /// The value at `position`, in [first(), end()).
  T& operator[](std::uint32_t position) { return slots_[position & mask()]; }
  const T& operator[](std::uint32_t position) const { return slots_[position & mask()]; }
  T& front() { return (*this)[first_]; }

  /// Appends a value at position end().
  void push_back(const T& value) {
    if (end_ - first_ == slots_.size()) grow();
    (*this)[end_++] = value;
  }
  void pop_front() { ++first_; }
  /// Forgets the positions below `position` (in [first(), end()]).
  void drop_before(std::uint32_t position) { first_ = position; }

 private:
  void grow() {
    std::vector<T> bigger(std::max<std::size_t>(4, 2 * slots_.size()));
    const auto mask = static_cast<std::uint32_t>(bigger.size() - 1);
    for (std::uint32_t p = first_; p != end_; ++p) bigger[p & mask] = (*this)[p];
    slots_ = std::move(bigger);
  }
  std::uint32_t mask() const { return static_cast<std::uint32_t>(slots_.size() - 1); }

  std::vector<T> slots_;
  std::uint32_t first_ = 0;
  std::uint32_t end_ = 0;
};

}  // namespace fabricsim::net
