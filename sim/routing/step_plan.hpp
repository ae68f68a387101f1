#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "topo/fabric.hpp"

namespace fabricsim::routing {

/// The fraction of a flow's rate carried on one path.
struct PathShare {
  topo::PathId path;
  double fraction;
};

/// A workload flow of a step before any of it is sent: what a step plan sees. `index` tells
/// apart the workload flows between one host pair: the k-th flow from src_host to dst_host of
/// the run so far has index k (0, 1, ...), in the order steps start.
struct StepFlow {
  std::uint32_t src_host;
  std::uint32_t dst_host;
  std::int64_t bytes;
  std::uint32_t index = 0;
};

/// What a policy's plan() makes of a step: each workload flow cut into pieces, the subflows
/// the engine starts, each with its bytes and, when the plan routes it, the paths it is pinned
/// to. Pieces are added in flow order (flow = index into the step's flows) and every flow
/// gets at least one; a flow's pieces add up to its bytes (the engine checks both).
class StepPlan {
 public:
  struct Piece {
    std::uint32_t flow;
    std::int64_t bytes;
    std::uint32_t first_share;  // into shares(), with `shares` of them; 0 shares: unpinned
    std::uint32_t shares;
  };

  void clear() {
    pieces_.clear();
    shares_.clear();
  }
  /// A piece the policy's choose() routes.
  void add(std::uint32_t flow, std::int64_t bytes) {
    add(flow, bytes, std::span<const PathShare>());
  }
  /// A piece pinned to one path.
  void add(std::uint32_t flow, std::int64_t bytes, topo::PathId path) {
    const PathShare whole{path, 1.0};
    add(flow, bytes, std::span<const PathShare>(&whole, 1));
  }
  /// A piece pinned to a spread over paths (fractions sum to 1).
  void add(std::uint32_t flow, std::int64_t bytes, std::span<const PathShare> shares) {
    pieces_.push_back({flow, bytes, static_cast<std::uint32_t>(shares_.size()),
                       static_cast<std::uint32_t>(shares.size())});
    shares_.insert(shares_.end(), shares.begin(), shares.end());
  }
  /// k equal pieces the policy's choose() routes; the first (bytes mod k) are one byte larger.
  void add_even(std::uint32_t flow, std::int64_t bytes, std::uint32_t k) {
    for (std::uint32_t part = 0; part < k; ++part)
      add(flow, bytes / k + (part < bytes % k ? 1 : 0));
  }

  std::span<const Piece> pieces() const { return pieces_; }
  /// The paths `piece` is pinned to; empty when the policy's choose() routes it.
  std::span<const PathShare> shares(const Piece& piece) const {
    return std::span<const PathShare>(shares_).subspan(piece.first_share, piece.shares);
  }

 private:
  std::vector<Piece> pieces_;
  std::vector<PathShare> shares_;
};

}  // namespace fabricsim::routing
