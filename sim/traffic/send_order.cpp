#include "traffic/send_order.hpp"

namespace fabricsim::traffic {

const char* send_order_name(SendOrder order) {
  return order == SendOrder::staggered ? "staggered" : "synchronized";
}

std::span<const SendOrder> send_orders() {
  static constexpr SendOrder kOrders[] = {SendOrder::staggered, SendOrder::synchronized};
  return kOrders;
}

std::uint32_t send_peer(SendOrder order, std::uint32_t rank, std::uint32_t turn, std::uint32_t n) {
  if (order == SendOrder::staggered) return (rank + turn) % n;
  // Index order without itself: turns below its own index reach peers 0 .. rank-1.
  return turn - 1 < rank ? turn - 1 : turn;
}

std::vector<std::pair<std::uint32_t, std::uint32_t>> all_pairs(SendOrder order, std::uint32_t ranks,
                                                               std::uint32_t group) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> out;
  out.reserve(std::size_t{ranks} * (group - 1));
  const auto pair = [&](std::uint32_t i, std::uint32_t turn) {
    const std::uint32_t base = i - i % group;
    out.emplace_back(i, base + send_peer(order, i % group, turn, group));
  };
  if (order == SendOrder::staggered) {
    for (std::uint32_t turn = 1; turn < group; ++turn) {
      for (std::uint32_t i = 0; i < ranks; ++i) pair(i, turn);
    }
  } else {
    for (std::uint32_t i = 0; i < ranks; ++i) {
      for (std::uint32_t turn = 1; turn < group; ++turn) pair(i, turn);
    }
  }
  return out;
}

}  // namespace fabricsim::traffic
