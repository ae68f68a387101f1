#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "core/units.hpp"

namespace fabricsim::traffic {

/// Every host sends `bytes` to one other host, chosen by a random derangement.
struct PermutationSpec {
  core::Bytes bytes{1 << 20};
  core::Time start{};
};

/// Every host sends `bytes` to every other host of its group (group_size 0: all hosts).
struct AllToAllSpec {
  core::Bytes bytes{1 << 20};
  core::Time start{};
  std::uint32_t group_size = 0;
};

/// Per-expert popularity: uniform, or Zipf with p_i proportional to 1/(i+1)^s.
struct SkewSpec {
  enum class Dist { uniform, zipf } dist = Dist::uniform;
  double s = 1.0;
};

/// One MoE layer's dispatch then combine over an expert-parallel group (0: all hosts).
/// Expert e sits on GPU e mod gpus; each token picks top_k distinct experts.
struct MoeSpec {
  std::uint32_t experts = 64;
  std::uint32_t top_k = 2;
  std::uint32_t tokens_per_gpu = 4096;
  std::uint32_t hidden = 4096;
  std::uint32_t bytes_per_element = 2;
  std::uint32_t gpus = 0;
  SkewSpec skew;
  core::Time start{};
};

using WorkloadSpec = std::variant<PermutationSpec, AllToAllSpec, MoeSpec>;

/// A row of the workload table `fabricsim list` prints; index = WorkloadSpec alternative.
struct WorkloadKind {
  const char* name;
  const char* help;
};
std::span<const WorkloadKind> workload_kinds();
const char* kind_name(const WorkloadSpec& spec);

/// One application-level transfer.
struct Demand {
  std::uint32_t src;
  std::uint32_t dst;
  core::Bytes bytes;
};

/// A set of flows released together once every dependency has finished, plus `delay`
/// (compute time); a step without dependencies is released at `delay` from time zero.
struct Step {
  std::uint32_t workload = 0;
  std::string kind;  // "permutation", "all_to_all", "dispatch", "combine"
  std::int32_t layer = -1;
  std::int32_t iteration = 0;
  std::vector<std::uint32_t> deps;
  core::Time delay{};
  std::vector<Demand> demands;
};

/// Tokens each expert received in one MoE layer of one workload.
struct ExpertLoad {
  std::uint32_t workload;
  std::int32_t layer;
  std::int32_t iteration;
  std::vector<std::int64_t> tokens;  // per expert
};

/// The whole traffic of a scenario: a DAG of steps (dependencies point to earlier steps).
struct Workload {
  std::vector<Step> steps;
  std::vector<ExpertLoad> expert_loads;
};

/// Generates the steps of every workload on `hosts` hosts; workload i draws from the
/// random stream "workload.i" of `seed`.
Workload generate(const std::vector<WorkloadSpec>& specs, std::uint32_t hosts,
                  std::uint64_t seed);

}  // namespace fabricsim::traffic
