// Whole flow-model runs routed by the planned policy: a direct all-to-all (one shifted
// permutation per round) leaves exactly the even load on every leaf-spine link, read from the
// results' link table, and its pieces are the subflows of /flows.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "engine/simulation.hpp"
#include "routing/policy.hpp"
#include "support/small_fabric.hpp"
#include "topo/topology.hpp"

namespace fabricsim::engine {
namespace {

using core::Bytes;

// A multiple of every s / gcd(r, s) up to 16: every round's pieces are exactly f / m.
constexpr std::int64_t kF = 720720;

scenario::Scenario all_to_all(std::uint32_t leaves, std::uint32_t spines, std::uint32_t hosts,
                              traffic::Algorithm algorithm) {
  return test_support::small_fabric(
      leaves, spines, hosts, "planned",
      traffic::AllToAllSpec{.bytes = Bytes(kF), .algorithm = algorithm});
}

struct Shape {
  std::uint32_t leaves, spines, hosts;
};

/// Runs the all-to-all on each shape (in one step, or in N - 1 `rounds`) and checks the link
/// table and the subflows.
void check_even_run(traffic::Algorithm algorithm, bool rounds) {
  for (const Shape shape : {Shape{4, 4, 3}, Shape{3, 6, 4}, Shape{5, 3, 2}}) {
    const std::uint32_t n = shape.leaves * shape.hosts;
    SCOPED_TRACE(std::to_string(shape.leaves) + " x " + std::to_string(shape.spines) + ", " +
                 std::to_string(shape.hosts) + " hosts per leaf");
    const scenario::Scenario s = all_to_all(shape.leaves, shape.spines, shape.hosts, algorithm);
    Simulation sim(s);
    const metrics::Results r = sim.run();
    ASSERT_EQ(r.info.status, "complete");
    ASSERT_EQ(r.steps.size(), rounds ? n - 1 : 1);
    const topo::Fabric fabric = topo::build_fabric(s.topology);
    const std::int64_t want = shape.hosts * (n - shape.hosts) * kF / shape.spines;
    std::uint32_t checked = 0;
    for (const metrics::LinkRecord& link : r.links) {
      const topo::NodeKind from = fabric.nodes[fabric.links[link.link_id].src].kind;
      const topo::NodeKind to = fabric.nodes[fabric.links[link.link_id].dst].kind;
      if (from == topo::NodeKind::host || to == topo::NodeKind::host) continue;
      EXPECT_EQ(link.tx_bytes, want) << fabric.nodes[fabric.links[link.link_id].src].name << " -> "
                                     << fabric.nodes[fabric.links[link.link_id].dst].name;
      ++checked;
    }
    EXPECT_EQ(checked, 2 * shape.leaves * shape.spines);
    // Each workload flow's subflows are its pieces: at most s / gcd(r, s) <= s, pinned to one
    // path each (path_id >= 0), adding up to the flow.
    std::map<std::uint32_t, std::int64_t> bytes;
    for (const metrics::FlowRecord& f : r.flows) {
      EXPECT_GE(f.path_id, 0);
      bytes[f.app_flow] += f.bytes;
    }
    for (const metrics::AppFlowRecord& app : r.app_flows) {
      EXPECT_LE(app.subflows, shape.spines);
      EXPECT_EQ(bytes[app.id], app.bytes);
    }
  }
}

TEST(PlannedRun, DirectAllToAllLoadsEveryUplinkAndDownlinkEvenly) {
  // One step of all pairs: r = H (N - H) flows leave and enter each leaf, r f / s bytes on each
  // of its uplinks and downlinks.
  check_even_run(traffic::Algorithm::direct, false);
}

TEST(PlannedRun, PairwiseAllToAllRoundsLoadEveryUplinkAndDownlinkEvenly) {
  // Round k sends host i to i + k: r_k flows leave (and enter) each leaf, r_k f / s on each of
  // its links; over the N - 1 rounds every host sends to the N - H hosts of other leaves, the
  // same H (N - H) f / s bytes on every leaf-spine link.
  check_even_run(traffic::Algorithm::pairwise, true);
}

}  // namespace
}  // namespace fabricsim::engine
