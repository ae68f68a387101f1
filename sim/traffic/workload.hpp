#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "core/units.hpp"
#include "traffic/collective.hpp"
#include "traffic/moe.hpp"
#include "traffic/replay.hpp"
#include "traffic/step.hpp"

namespace fabricsim::traffic {

/// Every host sends `bytes` to one other host, chosen by a random derangement.
struct PermutationSpec {
  core::Bytes bytes{1 << 20};
  core::Time start{};
  Placement placement;

  bool operator==(const PermutationSpec&) const = default;
};

using WorkloadSpec = std::variant<PermutationSpec, AllToAllSpec, CollectiveSpec, MoeSpec,
                                  ConnectionMatrixSpec, BackgroundSpec>;

/// A row of the workload table `fabricsim list` prints (the valid `kind` values).
struct WorkloadKind {
  const char* name;
  const char* help;
};
std::span<const WorkloadKind> workload_kinds();
const char* kind_name(const WorkloadSpec& spec);

/// Generates the steps of every workload; workload i is placed on its hosts and draws from
/// the random stream "workload.i" of the context's seed.
Workload generate(const std::vector<WorkloadSpec>& specs, const Context& context);

}  // namespace fabricsim::traffic
