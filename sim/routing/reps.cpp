#include "routing/reps.hpp"

#include <stdexcept>
#include <string>

namespace fabricsim::routing {
namespace {

constexpr std::uint32_t kSize = RecycledPaths::kSize;

/// Ring slot of the k-th oldest held path.
std::uint32_t slot(const RecycledPaths& r, std::uint32_t k) {
  return (r.next + kSize - r.held + k) % kSize;
}

bool frozen(const RecycledPaths& r) { return r.frozen_until >= core::Time{}; }

/// Ends a freeze whose time is up: the ring is forgotten and the next packets explore.
void thaw(RecycledPaths& r, core::Time now) {
  if (!frozen(r) || now < r.frozen_until) return;
  r = RecycledPaths{};
  r.explore = Reps::kExplore;
}

void recycle(RecycledPaths& r, topo::PathId path) {
  r.paths[r.next] = path;
  r.next = static_cast<std::uint8_t>((r.next + 1) % kSize);
  if (r.held < kSize) ++r.held;
  if (r.unused < kSize) ++r.unused;
}

/// Strikes `path` off the ring, keeping the others in order.
void forget(RecycledPaths& r, topo::PathId path) {
  std::array<topo::PathId, kSize> kept{};
  std::uint32_t n = 0;
  std::uint32_t unused = 0;
  for (std::uint32_t k = 0; k < r.held; ++k) {
    const topo::PathId p = r.paths[slot(r, k)];
    if (p == path) continue;
    kept[n++] = p;
    if (k + r.unused >= r.held) ++unused;  // among the newest `unused`
  }
  r.paths = kept;
  r.held = static_cast<std::uint8_t>(n);
  r.unused = static_cast<std::uint8_t>(unused);
  r.next = static_cast<std::uint8_t>(n % kSize);
}

}  // namespace

Reps::Reps(std::uint32_t entropies) : entropies_(entropies) {
  if (entropies == 0 || entropies > kMaxEntropies) {
    throw std::invalid_argument("reps: entropies must be 1 .. " + std::to_string(kMaxEntropies) +
                                ", got " + std::to_string(entropies));
  }
}

topo::PathId Reps::choose_packet(const PacketContext& context, PacketRouteState& state) const {
  RecycledPaths& r = state.recycled;
  const Candidates& c = context.candidates;
  thaw(r, context.now);
  if (r.explore > 0) {
    --r.explore;
  } else if (frozen(r)) {
    // The held paths in turn, skipping any routing no longer offers.
    for (std::uint32_t tries = 0; tries < r.held; ++tries) {
      const std::uint32_t k = r.cursor % r.held;
      r.cursor = static_cast<std::uint8_t>((k + 1) % r.held);
      const topo::PathId p = r.paths[slot(r, k)];
      if (c.contains(p)) return p;
    }
  } else {
    while (r.unused > 0) {
      const topo::PathId p = r.paths[slot(r, r.held - r.unused)];  // the oldest unused
      --r.unused;
      if (c.contains(p)) return p;
    }
  }
  const std::uint64_t entropy = context.rng.below(entropies_);
  return c[entropy % c.size()];
}

void Reps::on_feedback(const Feedback& feedback, PacketRouteState& state) const {
  RecycledPaths& r = state.recycled;
  thaw(r, feedback.now);
  switch (feedback.kind) {
    case Feedback::Kind::acked:
      recycle(r, feedback.path);
      break;
    case Feedback::Kind::acked_ecn:
      break;
    case Feedback::Kind::lost:
      forget(r, feedback.path);
      if (!frozen(r) && r.explore == 0) r.frozen_until = feedback.now + kFreeze;
      break;
  }
}

}  // namespace fabricsim::routing
