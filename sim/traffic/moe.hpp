#pragma once
#include <span>

#include "traffic/step.hpp"

namespace fabricsim::traffic {

/// Per-expert popularity: uniform, or Zipf with p_i proportional to 1/(i+1)^s.
struct SkewSpec {
  enum class Dist { uniform, zipf } dist = Dist::uniform;
  double s = 1.0;

  bool operator==(const SkewSpec&) const = default;
};

/// One MoE layer's dispatch then combine over the job's GPUs (its expert-parallel group).
/// Expert e sits on GPU e mod gpus; each token picks top_k distinct experts.
struct MoeSpec {
  std::uint32_t experts = 64;
  std::uint32_t top_k = 2;
  std::uint32_t tokens_per_gpu = 4096;
  std::uint32_t hidden = 4096;
  std::uint32_t bytes_per_element = 2;
  SkewSpec skew;
  core::Time start{};
  Placement placement;

  bool operator==(const MoeSpec&) const = default;
};

const char* kind_name(const MoeSpec& spec);

/// Appends the steps and expert loads of one MoE job; `gpus` are its hosts in rank order.
void add_moe(const MoeSpec& spec, std::span<const std::uint32_t> gpus, std::uint32_t workload,
             core::Rng& rng, const Context& context, Workload& out);

}  // namespace fabricsim::traffic
