#pragma once
#include "routing/policies.hpp"

namespace fabricsim::routing {

/// Recycled-entropy packet spraying (REPS): a packet goes on a path whose packet came back
/// acknowledged without an ECN mark (oldest first, each reused once), else on a fresh
/// entropy: one of `entropies` drawn from the routing stream, entropy e taking live candidate
/// e mod n. A packet marked or lost gives nothing back, so congested and failed paths fade
/// out. After a loss the flow freezes for kFreeze: it cycles over the paths its ring holds
/// (the last RecycledPaths::kSize that came back clean, a lost one struck off) instead of
/// drawing fresh ones; then it forgets them and draws the next kExplore packets fresh.
/// Each direction of a flow (data, ACKs) runs this on its own feedback. In the fluid limit
/// (flow model: no marks, no losses) every entropy is recycled and the flow keeps the even
/// spread of its first window: an even spread over the live candidates, as spray.
class Reps : public EvenSpread {
 public:
  /// How long a flow cycles over its known-good paths after a loss.
  static constexpr core::Time kFreeze = core::Time::ms(10);
  /// Packets drawn fresh when a freeze ends.
  static constexpr std::uint8_t kExplore = 16;
  /// Most entropies a flow may draw among (the 16 bits of an entropy value).
  static constexpr std::uint32_t kMaxEntropies = 65536;

  explicit Reps(std::uint32_t entropies);
  bool wants_feedback() const override { return true; }
  topo::PathId choose_packet(const PacketContext& context, PacketRouteState& state) const override;
  void on_feedback(const Feedback& feedback, PacketRouteState& state) const override;

 private:
  std::uint32_t entropies_;
};

}  // namespace fabricsim::routing
