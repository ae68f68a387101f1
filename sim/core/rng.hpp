#pragma once
#include <cstdint>
#include <string_view>

namespace fabricsim::core {

/// SplitMix64 finalizer: a fast, well-mixed 64-bit hash (also the ECMP hash).
constexpr std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// FNV-1a of a name, to derive one stream per component from the scenario seed.
constexpr std::uint64_t hash_name(std::string_view name) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

/// A seeded random stream (xoshiro256**). Draws are defined here, not by the standard
/// library's distributions, so results are identical across compilers and platforms.
class Rng {
 public:
  /// The stream named `component` of a run seeded with `seed`; different names give
  /// independent streams, so adding a component does not shift the others.
  Rng(std::uint64_t seed, std::string_view component);

  std::uint64_t next();
  /// Uniform integer in [0, n), unbiased; n > 0.
  std::uint64_t below(std::uint64_t n);
  /// Uniform double in [0, 1).
  double uniform();

 private:
  std::uint64_t s_[4];
};

}  // namespace fabricsim::core
