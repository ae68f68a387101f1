#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

namespace fabricsim::net {

/// A FIFO in a power-of-two ring that doubles when a push finds it full: O(1) push and pop,
/// and no allocation once it has grown to its high-water mark.
template <class T>
class Ring {
 public:
  bool empty() const { return first_ == end_; }
  std::uint32_t size() const { return end_ - first_; }
  const T& front() const { return slots_[first_ & mask()]; }

  void push_back(const T& value) {
    if (size() == slots_.size()) grow();
    slots_[end_++ & mask()] = value;
  }
  void pop_front() { ++first_; }

 private:
  std::uint32_t mask() const { return static_cast<std::uint32_t>(slots_.size() - 1); }
  void grow() {
    std::vector<T> bigger(std::max<std::size_t>(4, 2 * slots_.size()));
    const auto mask = static_cast<std::uint32_t>(bigger.size() - 1);
    for (std::uint32_t p = first_; p != end_; ++p) bigger[p & mask] = slots_[p & this->mask()];
    slots_ = std::move(bigger);
  }

  std::vector<T> slots_;
  std::uint32_t first_ = 0;  // positions count up and wrap; the slot is position & mask
  std::uint32_t end_ = 0;
};

}  // namespace fabricsim::net
