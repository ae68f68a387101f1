#pragma once
#include <cstdint>
#include <vector>

namespace fabricsim::traffic {

/// An MoE routing trace: for every token, the top-k expert ids it was routed to in every
/// layer (the [tokens, layers, top_k] layout inference engines export), and its source GPU.
struct MoeTrace {
  std::uint32_t experts = 0;
  std::uint32_t layers = 0;
  std::uint32_t top_k = 0;
  std::vector<std::int32_t> source_gpu;  // [tokens]
  std::vector<std::int16_t> expert_ids;  // [tokens x layers x top_k], row-major

  std::size_t tokens() const { return source_gpu.size(); }
  std::int16_t expert(std::size_t token, std::uint32_t layer, std::uint32_t k) const {
    return expert_ids[(token * layers + layer) * top_k + k];
  }
};

}  // namespace fabricsim::traffic
