#include "routing/ethereal.hpp"

#include <algorithm>
#include <numeric>

#include "core/rng.hpp"
#include "routing/router.hpp"

namespace fabricsim::routing {

void Ethereal::plan(std::span<const StepFlow> flows, const Router& router, StepPlan& out) const {
  const topo::Fabric& fabric = router.fabric();
  // Batches: the flows of one source host toward one destination edge switch (the first edge
  // pair joining the hosts), in step order within a batch.
  const auto batch_of = [&](const StepFlow& f) {
    std::array<std::size_t, topo::kMaxPorts> pairs{};
    fabric.pairs_between_hosts(f.src_host, f.dst_host, pairs);
    return (std::uint64_t{f.src_host} << 32) | (pairs[0] % fabric.edge_count());
  };
  std::vector<std::pair<std::uint64_t, std::uint32_t>> order(flows.size());
  for (std::uint32_t i = 0; i < flows.size(); ++i) order[i] = {batch_of(flows[i]), i};
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  // Per flow: its first round-robin slot and its piece count.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> slots(flows.size());
  for (std::size_t begin = 0; begin < order.size();) {
    std::size_t end = begin;
    while (end < order.size() && order[end].first == order[begin].first) ++end;
    const StepFlow& first = flows[order[begin].second];
    const auto s =
        static_cast<std::uint32_t>(router.candidates(first.src_host, first.dst_host).size());
    const auto n = static_cast<std::uint32_t>(end - begin);
    const std::uint32_t rest = n % s;
    const std::uint32_t pieces = rest == 0 ? 1 : s / std::gcd(rest, s);
    std::uint64_t slot = core::mix64(salt_ ^ core::mix64(order[begin].first)) % s;
    for (std::size_t j = begin; j < end; ++j) {
      const bool whole = j - begin < n - rest;
      slots[order[j].second] = {slot, whole ? 1 : pieces};
      slot += whole ? 1 : pieces;
    }
    begin = end;
  }
  for (std::uint32_t i = 0; i < flows.size(); ++i) {
    const StepFlow& f = flows[i];
    const Candidates c = router.candidates(f.src_host, f.dst_host);
    if (c.size() == 1) {
      out.add(i, f.bytes, c[0]);
      continue;
    }
    const auto [slot, k] = slots[i];
    for (std::uint32_t part = 0; part < k; ++part)
      out.add(i, f.bytes / k + (part < f.bytes % k ? 1 : 0), c[(slot + part) % c.size()]);
  }
}

}  // namespace fabricsim::routing
