#pragma once
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace fabricsim::traffic {

/// The order in which a rank takes its peers when it sends to several of them: turn k =
/// 1 .. n-1 of rank i goes to peer(i, k). The engine starts a step's flows in the order of
/// its demands and the packet model's NIC serves a host's flows round robin in the order
/// they started, so this is the order packets leave a host (docs/collectives.md).
///   staggered:    peer (i + k) mod n, as collective libraries schedule peers: at every
///                 turn the ranks' peers form a permutation (each rank receives once).
///   synchronized: peers in index order 0, 1, ..., n-1 (itself skipped): at turn k nearly
///                 every rank sends to rank k-1, an incast, kept for studying one.
enum class SendOrder { staggered, synchronized };

/// The YAML name of an order ("staggered").
const char* send_order_name(SendOrder order);
/// Every order, the default first.
std::span<const SendOrder> send_orders();

/// The peer of `rank` (0 .. n-1) at `turn` (1 .. n-1) under `order`.
std::uint32_t send_peer(SendOrder order, std::uint32_t rank, std::uint32_t turn, std::uint32_t n);

/// Every ordered pair (from, to) of distinct ranks within the same group, `ranks` ranks in
/// consecutive groups of `group`, in the order one all-pairs step lists them: staggered turn
/// by turn (turn 1 of every rank, then turn 2, ...); synchronized rank by rank, each with its
/// peers in index order (the order of a plain double loop).
std::vector<std::pair<std::uint32_t, std::uint32_t>> all_pairs(SendOrder order, std::uint32_t ranks,
                                                               std::uint32_t group);

}  // namespace fabricsim::traffic
