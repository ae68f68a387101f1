#pragma once
#include "scenario/scenario.hpp"
#include "scenario/tree.hpp"
#include "topo/limits.hpp"

// Internal to scenario/: the checks that turn a resolved YAML tree into a Scenario.

namespace fabricsim::scenario {

/// Limits checked before anything is built, so an oversized scenario fails with a message
/// instead of exhausting memory.
inline constexpr std::uint64_t kMaxHosts = topo::kMaxHosts;
inline constexpr std::uint64_t kMaxFabricCables = std::uint64_t{1} << 22;  // leaves*spines*links
inline constexpr std::uint64_t kMaxFlowsPerWorkload = 50'000'000;
inline constexpr std::uint64_t kMaxSubflows = 1'024;
inline constexpr std::int64_t kMaxMoeBytesPerGpu = std::int64_t{1} << 50;  // 1 PiB per direction
/// A link's latency: RTT estimators add up several round trips of four links each, so a
/// latency a datacenter never sees (1 s is a fifth of the way around the earth in fibre) is
/// refused rather than allowed near the clock's range.
inline constexpr core::Time kMaxLinkLatency = core::Time::ms(1000);
/// YAML values a document (aliases expanded) and an override may make, and their nesting.
inline constexpr std::uint64_t kMaxYamlValues = 4'000'000;
inline constexpr int kMaxYamlDepth = 64;

/// Validates `root` (the scenario with overrides applied and the topology file merged in,
/// `topology.file` already resolved) and returns the typed Scenario. Throws ScenarioError.
Scenario build_scenario(const Tree& root);

}  // namespace fabricsim::scenario
