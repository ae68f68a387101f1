#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "topo/fabric.hpp"

namespace fabricsim::routing {

/// What an ECMP hash sees of a (sub)flow: the 5-tuple with a fixed protocol.
struct FlowTuple {
  std::uint32_t src_host;
  std::uint32_t dst_host;
  std::uint32_t src_port;
  std::uint32_t dst_port;
};

/// The fraction of a flow's rate carried on one path.
struct PathShare {
  topo::PathId path;
  double fraction;
};

/// Inputs of the splitting rule for one flow of a step.
struct SplitContext {
  std::uint32_t flows_from_leaf;  // r: flows of this step leaving the source leaf
  std::uint32_t uplinks;          // s: equal-cost uplinks of the source leaf
};

/// A routing policy chooses among precomputed equal-cost candidates; it never sees the
/// topology or YAML. Policies are stateless after construction, so runs are reproducible.
class Policy {
 public:
  virtual ~Policy() = default;
  /// Into how many equal subflows the application splits a flow (1: no splitting).
  virtual std::uint32_t subflows(const SplitContext& context) const;
  /// True when every flow spreads evenly over all its candidates (lets the flow model merge
  /// links that such flows always load identically into one constraint).
  virtual bool spreads_evenly() const { return false; }
  /// Replaces `out` with the share of the flow on each chosen path; shares sum to 1.
  virtual void choose(const FlowTuple& flow, topo::PathRange candidates,
                      std::vector<PathShare>& out) const = 0;
};

/// Parameters a scenario can give any policy; each policy reads the ones it documents.
struct PolicyParams {
  std::string name = "ecmp";
  std::uint32_t subflows = 0;  // split: 0 = auto (s / gcd(r, s))
  std::uint64_t salt = 0;      // ecmp hash salt, derived from the scenario seed
};

/// One row of the registry table.
struct PolicyInfo {
  std::string_view name;
  std::string_view help;
  std::unique_ptr<Policy> (*make)(const PolicyParams& params);
};

/// Every policy, in the order `fabricsim list` prints them.
std::span<const PolicyInfo> policies();
/// The policy named `params.name`; std::invalid_argument listing the known names if none.
std::unique_ptr<Policy> make_policy(const PolicyParams& params);
/// s / gcd(r, s): the fewest equal subflows that balance r flows over s uplinks.
std::uint32_t balancing_subflows(std::uint32_t r, std::uint32_t s);

}  // namespace fabricsim::routing
