#pragma once
#include <span>

#include "traffic/step.hpp"

namespace fabricsim::traffic {

/// Every GPU sends `bytes` to every other GPU of its group (group_size 0: the whole job).
struct AllToAllSpec {
  core::Bytes bytes{1 << 20};
  core::Time start{};
  std::uint32_t group_size = 0;
  Placement placement;

  bool operator==(const AllToAllSpec&) const = default;
};

/// A collective over the job's GPUs (all-reduce, reduce-scatter, all-gather) with real
/// per-step flows. Filled in by the collectives work.
struct CollectiveSpec {
  enum class Op { all_reduce, reduce_scatter, all_gather } op = Op::all_reduce;
  core::Bytes bytes{1 << 20};
  core::Time start{};
  Placement placement;

  bool operator==(const CollectiveSpec&) const = default;
};

const char* kind_name(const AllToAllSpec& spec);
const char* kind_name(const CollectiveSpec& spec);

/// Appends the steps of one job; `gpus` are its hosts in rank order.
void add_all_to_all(const AllToAllSpec& spec, std::span<const std::uint32_t> gpus,
                    std::uint32_t workload, Workload& out);
void add_collective(const CollectiveSpec& spec, std::span<const std::uint32_t> gpus,
                    std::uint32_t workload, Workload& out);

}  // namespace fabricsim::traffic
