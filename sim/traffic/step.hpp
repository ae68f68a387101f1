#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "core/units.hpp"
#include "traffic/moe_trace.hpp"

namespace fabricsim::traffic {

/// Which hosts a job runs on: rank r of the job is host place(...)[r].
struct Placement {
  enum class Kind { contiguous, strided, random, listed } kind = Kind::contiguous;
  std::uint32_t gpus = 0;            // 0 = every host (contiguous, strided, random)
  std::uint32_t first = 0;           // contiguous, strided: the first host
  std::uint32_t stride = 1;          // strided: hosts first, first + stride, ...
  std::vector<std::uint32_t> hosts;  // listed: the hosts, in rank order

  bool operator==(const Placement&) const = default;
};

/// How many GPUs a placement gives on `hosts` hosts. gpus 0 means every host from `first`
/// on (every `stride`-th when strided; all hosts when random).
std::uint32_t placed_count(const Placement& placement, std::uint32_t hosts);
/// The hosts of a job, in rank order; std::invalid_argument when they do not fit.
std::vector<std::uint32_t> place(const Placement& placement, std::uint32_t hosts, core::Rng& rng);

/// One application-level transfer between two hosts.
struct Demand {
  std::uint32_t src;
  std::uint32_t dst;
  core::Bytes bytes;
};

/// A node of the workload DAG. Released `delay` after its last dependency ends (after time
/// zero when it has none); its flows start then. It ends when its last flow is delivered and
/// at least `compute` after its release, so a step without flows models compute time.
struct Step {
  std::uint32_t workload = 0;
  std::string kind;  // "permutation", "all_to_all", "all_reduce", "dispatch", "compute", ...
  std::int32_t layer = -1;
  std::int32_t iteration = 0;
  std::vector<std::uint32_t> deps;  // indices of earlier steps
  core::Time delay{};
  core::Time compute{};
  std::vector<Demand> demands;
};

/// Tokens per expert and per GPU in one MoE layer of one iteration of one workload.
struct ExpertLoad {
  std::uint32_t workload;
  std::int32_t layer;
  std::int32_t iteration;
  std::vector<std::int64_t> tokens;      // per expert: routed to it (processed + dropped)
  std::vector<std::int64_t> gpu_tokens;  // per GPU of the group: processed there
  std::int64_t dropped = 0;              // over capacity, skipped the expert
};

/// The whole traffic of a scenario: a DAG of steps (dependencies point to earlier steps).
struct Workload {
  std::vector<Step> steps;
  std::vector<ExpertLoad> expert_loads;

  /// Appends a step and returns its index.
  std::uint32_t add(Step step) {
    steps.push_back(std::move(step));
    return static_cast<std::uint32_t>(steps.size() - 1);
  }
};

/// What a generator may need beyond its spec and its hosts.
struct Context {
  std::uint32_t hosts = 0;
  core::Bitrate host_rate;  // background load is a fraction of it
  std::uint64_t seed = 0;
  /// The MoE routing trace stored at a path (loaded once); set by the engine.
  std::function<const MoeTrace&(const std::string& path)> moe_trace;
};

}  // namespace fabricsim::traffic
