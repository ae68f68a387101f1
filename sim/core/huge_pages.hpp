#pragma once
#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <new>

namespace fabricsim::core {

/// A std::allocator for the simulator's large, randomly accessed arrays (packets in flight,
/// ports): blocks of 2 MiB and more are mapped on their own and the kernel is asked to back
/// them with transparent huge pages (madvise), so reading a random element does not also
/// miss the TLB. Where the kernel will not (THP off, no huge page free) they are ordinary
/// pages; nothing else changes. Smaller blocks come from operator new, aligned to a cache
/// line.
template <class T>
class HugePageAllocator {
 public:
  using value_type = T;
  static constexpr std::size_t kHuge = std::size_t{2} << 20;
  /// Smaller blocks start on a cache line too (or T's own alignment if larger).
  static constexpr std::align_val_t kAlign{alignof(T) > 64 ? alignof(T) : 64};

  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // NOLINT: rebinding is implicit

  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kHuge) return static_cast<T*>(::operator new(bytes, kAlign));
    // Mapped with 2 MiB to spare, then trimmed to a 2 MiB-aligned block: huge pages need it.
    const std::size_t mapped = round_up(bytes);
    void* raw =
        mmap(nullptr, mapped + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) throw std::bad_alloc();
    char* const first = static_cast<char*>(raw);
    const std::size_t lead = (kHuge - reinterpret_cast<std::uintptr_t>(first) % kHuge) % kHuge;
    if (lead != 0) munmap(first, lead);
    if (kHuge - lead != 0) munmap(first + lead + mapped, kHuge - lead);
    char* const p = first + lead;
#ifdef MADV_HUGEPAGE
    madvise(p, mapped, MADV_HUGEPAGE);
#endif
    return reinterpret_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kHuge) {
      ::operator delete(p, kAlign);
      return;
    }
    munmap(p, round_up(bytes));
  }

  template <class U>
  bool operator==(const HugePageAllocator<U>&) const {
    return true;
  }

 private:
  static std::size_t round_up(std::size_t bytes) { return (bytes + kHuge - 1) / kHuge * kHuge; }
};

}  // namespace fabricsim::core
