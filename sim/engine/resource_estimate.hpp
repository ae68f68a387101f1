#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

#include "scenario/scenario.hpp"

namespace fabricsim::engine {

/// What a scenario will need, worked out from its specs before anything is generated: upper
/// bounds on the flows, subflows and packets in flight, the bytes of state they take in the
/// chosen model, and the simulated time the run can reach. Counts saturate at UINT64_MAX.
struct ResourceEstimate {
  std::uint64_t flows = 0;              // application flows over all workloads
  std::uint32_t subflows_per_flow = 1;  // the routing policy's most subflows per flow (split's k)
  std::uint64_t subflows = 0;           // flows x subflows_per_flow
  std::uint64_t packets_in_flight = 0;  // packet model: every subflow's first window at once
  std::uint64_t paths = 0;              // equal-cost paths the fabric stores
  std::uint64_t state_bytes = 0;        // memory of the above, in bytes
  double horizon_seconds = 0;  // latest start + compute + a route latency a flow + all bytes
                               // at the slowest link
};

/// The estimate for `scenario` (validated, so its workloads fit its topology).
ResourceEstimate estimate_resources(const scenario::Scenario& scenario);

/// Total subflows any run may have: flow ids are 32-bit, and past this the state alone
/// (~200 bytes a subflow) outgrows most machines.
inline constexpr std::uint64_t kMaxSubflowsTotal = 100'000'000;

/// The memory a run may plan to use when --max-memory is not given: 80% of the physical
/// memory, or of the cgroup's limit when that is smaller.
std::uint64_t default_memory_limit();

/// A scenario whose estimate exceeds a limit: exit 2, with the figures.
class ResourceError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Throws ResourceError when `estimate` passes `memory_limit` bytes, kMaxSubflowsTotal or
/// the clock's range (core::kMaxSimulatedTime). `limit_source` says where the limit came
/// from ("--max-memory 8GiB", "80% of this machine's 23.4 GiB").
void check_resources(const ResourceEstimate& estimate, std::uint64_t memory_limit,
                     const std::string& limit_source);

/// The estimate as `validate` prints it, one "# " comment line (YAML readers skip it).
std::string format_estimate(const ResourceEstimate& estimate, std::uint64_t memory_limit);

}  // namespace fabricsim::engine
