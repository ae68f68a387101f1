#include "traffic/workload.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

namespace fabricsim::traffic {
namespace {

/// A uniformly random permutation of 0..n-1 with no fixed point (rejection: ~e tries).
std::vector<std::uint32_t> derangement(std::uint32_t n, core::Rng& rng) {
  std::vector<std::uint32_t> p(n);
  for (;;) {
    std::iota(p.begin(), p.end(), 0u);
    for (std::uint32_t i = n - 1; i > 0; --i) {
      std::swap(p[i], p[static_cast<std::uint32_t>(rng.below(i + 1))]);
    }
    bool fixed_point = false;
    for (std::uint32_t i = 0; i < n && !fixed_point; ++i) fixed_point = p[i] == i;
    if (!fixed_point) return p;
  }
}

void add_permutation(const PermutationSpec& spec, std::span<const std::uint32_t> gpus,
                     std::uint32_t workload, core::Rng& rng, Workload& out) {
  const auto n = static_cast<std::uint32_t>(gpus.size());
  if (n < 2) throw std::invalid_argument("a permutation needs at least 2 hosts");
  Step step{.workload = workload, .kind = "permutation", .delay = spec.start};
  const std::vector<std::uint32_t> dst = derangement(n, rng);
  for (std::uint32_t r = 0; r < n; ++r) step.demands.push_back({gpus[r], gpus[dst[r]], spec.bytes});
  out.add(std::move(step));
}

const Placement& placement_of(const WorkloadSpec& spec) {
  return std::visit([](const auto& s) -> const Placement& { return s.placement; }, spec);
}

}  // namespace

std::uint32_t placed_count(const Placement& p, std::uint32_t hosts) {
  using Kind = Placement::Kind;
  if (p.kind == Kind::listed) return static_cast<std::uint32_t>(p.hosts.size());
  if (p.gpus != 0) return p.gpus;
  if (p.kind == Kind::random || p.first >= hosts) return p.kind == Kind::random ? hosts : 0;
  const std::uint32_t stride = p.kind == Kind::strided ? std::max(p.stride, 1u) : 1;
  return (hosts - p.first + stride - 1) / stride;
}

std::vector<std::uint32_t> place(const Placement& p, std::uint32_t hosts, core::Rng& rng) {
  using Kind = Placement::Kind;
  if (p.kind == Kind::listed) {
    for (const std::uint32_t h : p.hosts) {
      if (h >= hosts)
        throw std::invalid_argument("placement lists host " + std::to_string(h) + " of " +
                                    std::to_string(hosts));
    }
    return p.hosts;
  }
  const std::uint32_t n = placed_count(p, hosts);
  std::vector<std::uint32_t> out(n);
  if (p.kind == Kind::random) {
    if (n > hosts) throw std::invalid_argument("placement asks for more GPUs than hosts");
    std::vector<std::uint32_t> all(hosts);
    std::iota(all.begin(), all.end(), 0u);
    for (std::uint32_t i = 0; i < n; ++i) {
      std::swap(all[i], all[i + static_cast<std::uint32_t>(rng.below(hosts - i))]);
    }
    std::copy_n(all.begin(), n, out.begin());
    return out;
  }
  const std::uint64_t stride = p.kind == Kind::strided ? p.stride : 1;
  if (stride == 0 || p.first + (std::uint64_t{n} - 1) * stride >= hosts) {
    throw std::invalid_argument("placement runs past the last host");
  }
  for (std::uint32_t r = 0; r < n; ++r) out[r] = static_cast<std::uint32_t>(p.first + r * stride);
  return out;
}

std::span<const WorkloadKind> workload_kinds() {
  static constexpr WorkloadKind kKinds[] = {
      {"permutation", "every GPU sends `bytes` to one other GPU (random derangement)"},
      {"all_to_all", "every GPU sends `bytes` to every other GPU of its group"},
      {"all_reduce", "all-reduce of `bytes` per GPU (ring, double binary tree, ...)"},
      {"reduce_scatter", "reduce-scatter of `bytes` per GPU"},
      {"all_gather", "all-gather of `bytes` per GPU"},
      {"moe", "MoE layers: dispatch tokens to experts, compute, combine"},
      {"connection_matrix", "flows imported from an htsim connection matrix file"},
      {"background", "Poisson background flows at a target load"},
  };
  return kKinds;
}

const char* kind_name(const PermutationSpec&) { return "permutation"; }

const char* kind_name(const WorkloadSpec& spec) {
  return std::visit([](const auto& s) { return kind_name(s); }, spec);
}

Workload generate(const std::vector<WorkloadSpec>& specs, const Context& context) {
  Workload out;
  for (std::uint32_t w = 0; w < specs.size(); ++w) {
    core::Rng rng(context.seed, "workload." + std::to_string(w));
    const std::vector<std::uint32_t> gpus = place(placement_of(specs[w]), context.hosts, rng);
    std::visit(
        [&](const auto& spec) {
          using T = std::decay_t<decltype(spec)>;
          if constexpr (std::is_same_v<T, PermutationSpec>)
            add_permutation(spec, gpus, w, rng, out);
          if constexpr (std::is_same_v<T, AllToAllSpec>) add_all_to_all(spec, gpus, w, out);
          if constexpr (std::is_same_v<T, CollectiveSpec>) add_collective(spec, gpus, w, out);
          if constexpr (std::is_same_v<T, MoeSpec>) add_moe(spec, gpus, w, rng, context, out);
          if constexpr (std::is_same_v<T, ConnectionMatrixSpec>) {
            add_connection_matrix(spec, gpus, w, context, out);
          }
          if constexpr (std::is_same_v<T, BackgroundSpec>)
            add_background(spec, gpus, w, rng, context, out);
        },
        specs[w]);
  }
  return out;
}

}  // namespace fabricsim::traffic
