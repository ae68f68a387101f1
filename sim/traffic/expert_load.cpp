#include "traffic/expert_load.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

namespace fabricsim::traffic {
namespace {

constexpr double kTwoPi = 6.283185307179586;

/// A standard normal draw (Box-Muller on two uniforms; u1 in (0, 1] so the log is finite).
double normal(core::Rng& rng) {
  const double u1 = 1.0 - rng.uniform();
  const double u2 = rng.uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
}

/// Popularity of the expert of rank r (0 = most popular for zipf and hot), unnormalised.
std::vector<double> ranked_weights(const LoadSpec& load, std::uint32_t experts, core::Rng& rng) {
  std::vector<double> w(experts, 1.0);
  using Dist = LoadSpec::Dist;
  if (load.dist == Dist::zipf) {
    for (std::uint32_t r = 0; r < experts; ++r) w[r] = std::pow(r + 1.0, -load.s);
  } else if (load.dist == Dist::lognormal) {
    for (double& x : w) x = std::exp(load.sigma * normal(rng));
  } else if (load.dist == Dist::hot) {
    // round(fraction x E) hot experts (at least 1) share `share`; the rest share the remainder.
    const auto hot = std::clamp<std::uint32_t>(
        static_cast<std::uint32_t>(std::lround(load.fraction * experts)), 1, experts);
    const std::uint32_t cold = experts - hot;
    for (std::uint32_t r = 0; r < experts; ++r) {
      w[r] = r < hot ? (cold == 0 ? 1.0 : load.share) / hot : (1.0 - load.share) / cold;
    }
  }
  return w;
}

/// Indices 0..n-1 sorted by decreasing `key`, ties by index (deterministic).
std::vector<std::uint32_t> by_decreasing(std::span<const double> key) {
  std::vector<std::uint32_t> order(key.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return key[a] > key[b]; });
  return order;
}

/// The GPU with the least load among those `allowed`, lowest index on ties.
template <typename Allowed>
std::uint32_t least_loaded(std::span<const double> load, Allowed allowed) {
  std::uint32_t best = kNoReplica;
  for (std::uint32_t g = 0; g < load.size(); ++g) {
    if (allowed(g) && (best == kNoReplica || load[g] < load[best])) best = g;
  }
  return best;
}

/// Dispatch per_gpu: token copies per (src gpu, dst gpu), one per token and GPU holding a
/// kept instance of one of its experts. `kept` ([gpus x experts]): how many of the tokens
/// each source routes to each expert survive capacity (which ones: see layer_traffic).
std::vector<std::int64_t> per_gpu_copies(const TokenExperts& tokens,
                                         std::span<const std::int64_t> kept, std::uint32_t gpus,
                                         const ExpertMap& map) {
  const auto experts = static_cast<std::uint32_t>(map.home.size());
  std::vector<std::int64_t> pairs(std::size_t{gpus} * gpus, 0);
  std::vector<std::int64_t> seen(kept.size(), 0);
  std::vector<std::uint32_t> destinations;
  destinations.reserve(tokens.top_k);
  for (std::size_t t = 0; t < tokens.tokens(); ++t) {
    const std::uint32_t src = tokens.source[t];
    destinations.clear();
    for (std::uint32_t k = 0; k < tokens.top_k; ++k) {
      const std::uint32_t e = tokens.experts[t * tokens.top_k + k];
      const std::size_t pair = std::size_t{src} * experts + e;
      const std::int64_t nth = seen[pair]++;
      if (nth >= kept[pair]) continue;  // dropped over capacity
      const bool to_replica = map.replica[e] != kNoReplica && nth % 2 == 1;
      const std::uint32_t g = to_replica ? map.replica[e] : map.home[e];
      if (std::find(destinations.begin(), destinations.end(), g) == destinations.end())
        destinations.push_back(g);
    }
    for (const std::uint32_t g : destinations) ++pairs[std::size_t{src} * gpus + g];
  }
  return pairs;
}

}  // namespace

std::vector<double> expert_weights(const LoadSpec& load, std::uint32_t experts, bool shuffle,
                                   core::Rng& rng) {
  const std::vector<double> ranked = ranked_weights(load, experts, rng);
  std::vector<std::uint32_t> slot(experts);
  std::iota(slot.begin(), slot.end(), 0u);
  if (shuffle) {
    for (std::uint32_t i = experts; i > 1; --i) {
      std::swap(slot[i - 1], slot[static_cast<std::uint32_t>(rng.below(i))]);
    }
  }
  const double total = std::accumulate(ranked.begin(), ranked.end(), 0.0);
  std::vector<double> w(experts);
  for (std::uint32_t r = 0; r < experts; ++r) w[slot[r]] = ranked[r] / total;
  return w;
}

ExpertMap map_experts(const ExpertPlacement& placement, std::span<const double> expected,
                      std::uint32_t gpus, std::uint32_t replicas) {
  const auto experts = static_cast<std::uint32_t>(expected.size());
  ExpertMap map{std::vector<std::uint32_t>(experts),
                std::vector<std::uint32_t>(experts, kNoReplica)};
  using Kind = ExpertPlacement::Kind;
  if (placement.kind == Kind::round_robin) {
    for (std::uint32_t e = 0; e < experts; ++e) map.home[e] = e % gpus;
  } else if (placement.kind == Kind::contiguous) {
    for (std::uint32_t e = 0; e < experts; ++e) {
      map.home[e] = static_cast<std::uint32_t>(std::uint64_t{e} * gpus / experts);
    }
  } else if (placement.kind == Kind::listed) {
    if (placement.gpus.size() != experts) {
      throw std::invalid_argument("expert_placement lists " +
                                  std::to_string(placement.gpus.size()) + " GPUs for " +
                                  std::to_string(experts) + " experts");
    }
    for (std::uint32_t e = 0; e < experts; ++e) {
      if (placement.gpus[e] >= gpus) {
        throw std::invalid_argument("expert_placement puts expert " + std::to_string(e) +
                                    " on GPU " + std::to_string(placement.gpus[e]) + " of a " +
                                    std::to_string(gpus) + "-GPU group");
      }
      map.home[e] = placement.gpus[e];
    }
  } else {
    // Greedy largest-first, each GPU holding at most ceil(E / G) experts (equal memory).
    const std::uint32_t slots = (experts + gpus - 1) / gpus;
    std::vector<double> load(gpus, 0.0);
    std::vector<std::uint32_t> count(gpus, 0);
    for (const std::uint32_t e : by_decreasing(expected)) {
      const std::uint32_t g = least_loaded(load, [&](std::uint32_t x) { return count[x] < slots; });
      map.home[e] = g;
      load[g] += expected[e];
      ++count[g];
    }
  }
  // Replicas: hottest first, each onto the least-loaded other GPU; the two copies split the load.
  std::vector<double> load(gpus, 0.0);
  for (std::uint32_t e = 0; e < experts; ++e) load[map.home[e]] += expected[e];
  const std::vector<std::uint32_t> hottest = by_decreasing(expected);
  for (std::uint32_t i = 0; i < std::min(replicas, experts); ++i) {
    const std::uint32_t e = hottest[i];
    const std::uint32_t g = least_loaded(load, [&](std::uint32_t x) { return x != map.home[e]; });
    map.replica[e] = g;
    load[map.home[e]] -= expected[e] / 2;
    load[g] += expected[e] / 2;
  }
  return map;
}

ExpertSampler::ExpertSampler(std::span<const double> weights) : cumulative_(weights.size()) {
  std::partial_sum(weights.begin(), weights.end(), cumulative_.begin());
}

std::uint32_t ExpertSampler::draw(core::Rng& rng) const {
  // upper_bound skips zero-weight experts: their cumulative equals the previous one.
  const double u = rng.uniform() * cumulative_.back();
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), u);
  return static_cast<std::uint32_t>(std::min<std::ptrdiff_t>(
      it - cumulative_.begin(), static_cast<std::ptrdiff_t>(cumulative_.size()) - 1));
}

void ExpertSampler::fill(std::uint32_t top_k, core::Rng& rng,
                         std::vector<std::uint32_t>& chosen) const {
  while (chosen.size() < top_k) {
    const std::uint32_t e = draw(rng);
    if (std::find(chosen.begin(), chosen.end(), e) == chosen.end()) chosen.push_back(e);
  }
}

std::int64_t expert_capacity(std::int64_t routed, std::uint32_t experts, double factor,
                             std::uint32_t instances) {
  if (factor <= 0) return std::numeric_limits<std::int64_t>::max();
  const auto per_copy =
      static_cast<std::int64_t>(std::floor(static_cast<double>(routed) / experts * factor));
  return per_copy * instances;
}

std::vector<std::int64_t> routed_counts(const TokenExperts& tokens, std::uint32_t gpus,
                                        std::uint32_t experts) {
  std::vector<std::int64_t> routed(std::size_t{gpus} * experts, 0);
  for (std::size_t t = 0; t < tokens.tokens(); ++t) {
    const std::size_t row = std::size_t{tokens.source[t]} * experts;
    for (std::uint32_t k = 0; k < tokens.top_k; ++k)
      ++routed[row + tokens.experts[t * tokens.top_k + k]];
  }
  return routed;
}

LayerTraffic layer_traffic(std::span<const std::int64_t> routed, std::uint32_t gpus,
                           const ExpertMap& map, double capacity_factor,
                           const TokenExperts* tokens) {
  const auto experts = static_cast<std::uint32_t>(map.home.size());
  LayerTraffic out{};
  out.pair_tokens.assign(static_cast<std::size_t>(gpus) * gpus, 0);
  out.load.tokens.assign(experts, 0);
  out.load.gpu_tokens.assign(gpus, 0);
  for (std::uint32_t s = 0; s < gpus; ++s) {
    for (std::uint32_t e = 0; e < experts; ++e) out.load.tokens[e] += routed[s * experts + e];
  }
  const std::int64_t total =
      std::accumulate(out.load.tokens.begin(), out.load.tokens.end(), std::int64_t{0});
  std::vector<std::int64_t> kept(gpus);
  std::vector<std::int64_t> kept_pairs(tokens != nullptr ? std::size_t{gpus} * experts : 0);
  std::vector<std::uint32_t> order(gpus);
  for (std::uint32_t e = 0; e < experts; ++e) {
    const std::int64_t n = out.load.tokens[e];
    const std::int64_t cap = expert_capacity(total, experts, capacity_factor, map.instances(e));
    for (std::uint32_t s = 0; s < gpus; ++s) kept[s] = routed[s * experts + e];
    if (n > cap) {
      // Keep cap tokens, shared by the sources in proportion to what they sent (largest
      // remainder, lowest source first on ties), so drops do not favour any GPU.
      std::int64_t left = cap;
      for (std::uint32_t s = 0; s < gpus; ++s) {
        kept[s] = routed[s * experts + e] * cap / n;
        left -= kept[s];
      }
      std::iota(order.begin(), order.end(), 0u);
      const auto remainder = [&](std::uint32_t s) { return routed[s * experts + e] * cap % n; };
      std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        return remainder(a) > remainder(b);
      });
      for (std::uint32_t i = 0; left > 0; ++i, --left) ++kept[order[i]];
      out.load.dropped += n - cap;
    }
    // A replicated expert's tokens split evenly, the odd one to the home copy.
    for (std::uint32_t s = 0; s < gpus; ++s) {
      if (tokens != nullptr) kept_pairs[std::size_t{s} * experts + e] = kept[s];
      const std::int64_t to_replica = map.replica[e] == kNoReplica ? 0 : kept[s] / 2;
      const std::int64_t to_home = kept[s] - to_replica;
      out.pair_tokens[static_cast<std::size_t>(s) * gpus + map.home[e]] += to_home;
      out.load.gpu_tokens[map.home[e]] += to_home;
      if (to_replica > 0) {
        out.pair_tokens[static_cast<std::size_t>(s) * gpus + map.replica[e]] += to_replica;
        out.load.gpu_tokens[map.replica[e]] += to_replica;
      }
    }
  }
  if (tokens != nullptr) out.pair_tokens = per_gpu_copies(*tokens, kept_pairs, gpus, map);
  return out;
}

}  // namespace fabricsim::traffic
