// The k-ary three-tier fat-tree (sim/topo/fat_tree.cpp) through the topology contract:
// node and link counts, node ids and names, equal-cost paths per ToR pair (k^2/4 across pods,
// k/2 within a pod, 1 within a ToR, times a^2 b^2 with parallel cables), bisection and
// per-tier oversubscription from describe(), and the scenario reader's errors for bad
// fat-tree keys (exit 2 from the CLI with file:line and the key).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "support/cli_run.hpp"
#include "topo/limits.hpp"
#include "topo/topology.hpp"

namespace fabricsim::topo {
namespace {

using namespace core::literals;

FatTreeSpec spec_of(std::uint32_t k, std::uint32_t hosts_per_tor = 0,
                    std::uint32_t cores_per_agg = 0, std::uint32_t tor_agg_links = 1,
                    std::uint32_t agg_core_links = 1) {
  FatTreeSpec spec;
  spec.k = k;
  spec.hosts_per_tor = hosts_per_tor;
  spec.cores_per_agg = cores_per_agg;
  spec.tor_agg_links = tor_agg_links;
  spec.agg_core_links = agg_core_links;
  spec.host_link = spec.tor_link = spec.core_link = {core::Bitrate::gbps(100), 1_us};
  return spec;
}

std::uint32_t paths_between(const Fabric& f, std::uint32_t a, std::uint32_t b) {
  const std::size_t pair = std::size_t{a} * f.edge_count() + b;
  return f.catalog.range(pair).count;
}

std::map<std::string, std::uint32_t> kinds(const FabricStats& stats) {
  return {stats.nodes_by_kind.begin(), stats.nodes_by_kind.end()};
}

/// Every ordered pair of ToRs has `same_tor`, `same_pod` or `other_pod` paths by where they are.
void expect_paths_per_pair(const Fabric& f, std::uint32_t k, std::uint32_t same_pod,
                           std::uint32_t other_pod) {
  const std::uint32_t half = k / 2;
  ASSERT_EQ(f.edge_count(), k * half);
  for (std::uint32_t a = 0; a < f.edge_count(); ++a) {
    for (std::uint32_t b = 0; b < f.edge_count(); ++b) {
      const std::uint32_t want = a == b ? 1 : a / half == b / half ? same_pod : other_pod;
      ASSERT_EQ(paths_between(f, a, b), want) << "ToR " << a << " -> ToR " << b;
    }
  }
}

TEST(FatTree, K4NodeAndLinkCounts) {
  // k = 4: 4 pods x 2 ToRs = 8 ToRs, 8 aggregation switches, (k/2)^2 = 4 cores, 8 x 2 = 16
  // hosts: 36 nodes. Cables: 16 host + 8 ToRs x 2 aggs + 8 aggs x 2 cores = 48, so 96 links.
  const TopologySpec spec = spec_of(4);
  const Fabric f = build_fabric(spec);
  EXPECT_EQ(f.host_count(), 16u);
  EXPECT_EQ(f.nodes.size(), 36u);
  EXPECT_EQ(f.links.size(), 96u);
  const FabricStats stats = describe(spec, f);
  EXPECT_EQ(stats.hosts, 16u);
  EXPECT_EQ(stats.switches, 20u);
  EXPECT_EQ(stats.links, 96u);
  const std::map<std::string, std::uint32_t> want{
      {"host", 16}, {"tor", 8}, {"aggregation", 8}, {"core", 4}};
  EXPECT_EQ(kinds(stats), want);
  EXPECT_EQ(size_of(spec).hosts, 16u);
  EXPECT_EQ(size_of(spec).links, 96u);
  // Stored paths: per ToR 1 + 1 x 2 (its pod) + 6 x 4 (other pods) = 27; 8 ToRs: 216.
  EXPECT_EQ(f.path_count(), 216u);
  EXPECT_EQ(size_of(spec).paths, 216u);
}

TEST(FatTree, K8NodeAndLinkCounts) {
  // k = 8: 32 ToRs, 32 aggs, 16 cores, 128 hosts = 208 nodes; cables 128 + 32 x 4 + 32 x 4 =
  // 384, 768 links. Paths per ToR: 1 + 3 x 4 + 28 x 16 = 461; 32 ToRs: 14,752.
  const TopologySpec spec = spec_of(8);
  const Fabric f = build_fabric(spec);
  EXPECT_EQ(f.host_count(), 128u);
  EXPECT_EQ(f.nodes.size(), 208u);
  EXPECT_EQ(f.links.size(), 768u);
  const std::map<std::string, std::uint32_t> want{
      {"host", 128}, {"tor", 32}, {"aggregation", 32}, {"core", 16}};
  EXPECT_EQ(kinds(describe(spec, f)), want);
  EXPECT_EQ(f.path_count(), 14'752u);
  EXPECT_EQ(size_of(spec).paths, 14'752u);
  EXPECT_EQ(size_of(spec).links, 768u);
}

TEST(FatTree, NodeIdsAndNamesAreHostsThenTorsAggsCores) {
  const Fabric f = build_fabric(spec_of(4));
  // Hosts 0..15 (ToR-major), ToRs 16..23, aggregation 24..31, cores 32..35.
  for (std::uint32_t id = 0; id < 36; ++id) {
    const NodeKind want = id < 16   ? NodeKind::host
                          : id < 24 ? NodeKind::tor
                          : id < 32 ? NodeKind::aggregation
                                    : NodeKind::core;
    EXPECT_EQ(f.nodes[id].kind, want) << id;
  }
  EXPECT_EQ(f.nodes[0].name, "host0");
  EXPECT_EQ(f.nodes[15].name, "host15");
  EXPECT_EQ(f.nodes[16].name, "tor0");
  EXPECT_EQ(f.nodes[24].name, "agg0");
  EXPECT_EQ(f.nodes[35].name, "core3");
  for (std::uint32_t h = 0; h < 16; ++h) {
    EXPECT_EQ(f.host_node[h], h);
    EXPECT_EQ(f.host_edge[h], h / 2);    // k/2 = 2 hosts per ToR
    EXPECT_EQ(f.host_uplink[h], 2 * h);  // host cables come first
    EXPECT_EQ(f.links[f.host_uplink[h]].dst, 16 + h / 2);
    EXPECT_EQ(f.links[f.host_downlink[h]].src, 16 + h / 2);
  }
  std::set<std::string> names;
  for (const Node& n : f.nodes) names.insert(n.name);
  EXPECT_EQ(names.size(), f.nodes.size());
}

TEST(FatTree, EqualCostPathsPerTorPairK4AndK8) {
  // Across pods (k/2)^2 = k^2/4, within a pod k/2, within a ToR one (empty) path.
  expect_paths_per_pair(build_fabric(spec_of(4)), 4, 2, 4);
  expect_paths_per_pair(build_fabric(spec_of(8)), 8, 4, 16);
}

TEST(FatTree, ParallelCablesSquareThePaths) {
  // a cables per ToR-agg pair and b per agg-core pair: within a pod (k/2) a^2 (a up, a down),
  // across pods (k/2)^2 a^2 b^2. k = 4, a = 2, b = 3: 2 x 4 = 8 and 4 x 4 x 9 = 144.
  expect_paths_per_pair(build_fabric(spec_of(4, 0, 0, 2, 3)), 4, 8, 144);
  // k = 8, a = b = 2: 4 x 4 = 16 and 16 x 16 = 256.
  const FatTreeSpec k8 = spec_of(8, 0, 0, 2, 2);
  const Fabric f = build_fabric(k8);
  expect_paths_per_pair(f, 8, 16, 256);
  EXPECT_EQ(f.path_count(), size_of(k8).paths);
  EXPECT_EQ(size_of(k8).paths, 32u * (1 + 3 * 16 + 28 * 256));
}

TEST(FatTree, PathsAreDistinctUpDownChains) {
  const Fabric f = build_fabric(spec_of(4, 0, 0, 2, 1));
  const std::uint32_t edges = f.edge_count();
  for (std::uint32_t a = 0; a < edges; ++a) {
    for (std::uint32_t b = 0; b < edges; ++b) {
      const std::size_t pair = std::size_t{a} * edges + b;
      std::set<std::vector<LinkId>> seen;
      const PathRange range = f.catalog.range(pair);
      for (PathId p = range.first; p < range.first + range.count; ++p) {
        const PathLinks links = f.path(p);
        const std::size_t want = a == b ? 0 : a / 2 == b / 2 ? 2 : 4;
        ASSERT_EQ(links.size(), want);
        NodeId at = f.edge_node[a];
        for (std::size_t i = 0; i < links.size(); ++i) {
          const Link& l = f.links[links[i]];
          ASSERT_EQ(l.src, at);
          // Within a pod ToR -> agg -> ToR; across pods ToR -> agg -> core -> agg -> ToR.
          const NodeKind pod[] = {NodeKind::aggregation, NodeKind::tor};
          const NodeKind across[] = {NodeKind::aggregation, NodeKind::core, NodeKind::aggregation,
                                     NodeKind::tor};
          ASSERT_EQ(f.nodes[l.dst].kind, want == 2 ? pod[i] : across[i]);
          at = l.dst;
        }
        EXPECT_EQ(at, f.edge_node[b]);
        EXPECT_TRUE(seen.insert({links.begin(), links.end()}).second) << "duplicate path";
      }
    }
  }
}

TEST(FatTree, UplinksAndLongestRoute) {
  // Split's s is the ToR's distinct first hops: k/2 aggs x a cables.
  const Fabric f = build_fabric(spec_of(8, 0, 0, 2, 1));
  for (std::uint32_t e = 0; e < f.edge_count(); ++e) EXPECT_EQ(f.uplink_count(e), 8u);
  // Host to host across pods: 6 links of 1 us.
  EXPECT_EQ(size_of(spec_of(8)).longest_route, 6_us);
  const PathRange r = f.paths_between_hosts(0, 127);
  EXPECT_EQ(f.route_latency(0, 127, r.first), 6_us);
  EXPECT_EQ(f.route_latency(0, 4, f.paths_between_hosts(0, 4).first), 4_us);  // same pod
  EXPECT_EQ(f.route_latency(0, 1, f.paths_between_hosts(0, 1).first), 2_us);  // same ToR
}

TEST(FatTree, FullBisectionK4AndK8) {
  // Non-blocking: half the hosts' links = half the ToRs' uplinks = half the pods' core links.
  // k = 4 at 100 Gb/s: 8 x 100 = 800 Gb/s; k = 8: 64 x 100 = 6.4 Tb/s.
  for (const auto& [k, bisection] : {std::pair{4u, 800}, std::pair{8u, 6400}}) {
    const TopologySpec spec = spec_of(k);
    const FabricStats stats = describe(spec, build_fabric(spec));
    EXPECT_EQ(stats.bisection, core::Bitrate::gbps(bisection)) << "k = " << k;
    ASSERT_EQ(stats.tiers.size(), 2u);
    EXPECT_EQ(stats.tiers[0].name, "tor");
    EXPECT_EQ(stats.tiers[1].name, "aggregation");
    EXPECT_DOUBLE_EQ(stats.tiers[0].oversubscription, 1.0);
    EXPECT_DOUBLE_EQ(stats.tiers[1].oversubscription, 1.0);
    EXPECT_DOUBLE_EQ(stats.oversubscription, 1.0);
    EXPECT_EQ(stats.min_paths, k / 2);
    EXPECT_EQ(stats.max_paths, k * k / 4);
  }
}

TEST(FatTree, OversubscriptionPerTier) {
  {
    // k = 4, 4 hosts per ToR on 2 uplinks: ToR tier 2:1; the host cut (16 x 100 / 2 = 1.6
    // Tb/s) is no longer the narrowest, the ToR uplinks' (4 ToRs x 2 x 100 = 800 Gb/s) is.
    const TopologySpec spec = spec_of(4, 4);
    const FabricStats stats = describe(spec, build_fabric(spec));
    EXPECT_DOUBLE_EQ(stats.tiers[0].oversubscription, 2.0);
    EXPECT_DOUBLE_EQ(stats.tiers[1].oversubscription, 1.0);
    EXPECT_DOUBLE_EQ(stats.oversubscription, 2.0);
    EXPECT_EQ(stats.bisection, core::Bitrate::gbps(800));
  }
  {
    // k = 4, one core per agg: aggregation tier 2:1 (2 down, 1 up); 2 cores in all; the core
    // cut is 2 pods x 2 aggs x 1 x 100 = 400 Gb/s. Across pods: 2 paths (k/2 x 1).
    const TopologySpec spec = spec_of(4, 0, 1);
    const Fabric f = build_fabric(spec);
    const FabricStats stats = describe(spec, f);
    EXPECT_DOUBLE_EQ(stats.tiers[0].oversubscription, 1.0);
    EXPECT_DOUBLE_EQ(stats.tiers[1].oversubscription, 2.0);
    EXPECT_EQ(stats.bisection, core::Bitrate::gbps(400));
    EXPECT_EQ(kinds(stats).at("core"), 2u);
    expect_paths_per_pair(f, 4, 2, 2);
  }
  {
    // Parallel cables widen a tier: k = 8, 8 hosts per ToR, 2 cables per ToR-agg pair and
    // 1 core per agg with 4 cables: ToR 8 / (4 x 2) = 1:1, aggregation 4 x 2 / (1 x 4) = 2:1.
    const TopologySpec spec = spec_of(8, 8, 1, 2, 4);
    const FabricStats stats = describe(spec, build_fabric(spec));
    EXPECT_DOUBLE_EQ(stats.tiers[0].oversubscription, 1.0);
    EXPECT_DOUBLE_EQ(stats.tiers[1].oversubscription, 2.0);
    // Core cut: 4 pods x 4 aggs x 1 core x 4 cables x 100 = 6.4 Tb/s; hosts 128 x 100 = 12.8.
    EXPECT_EQ(stats.bisection, core::Bitrate::gbps(6400));
  }
}

TEST(FatTree, ThePapers512GpuShape) {
  // k = 8, 16 GPUs per ToR, 4 cores per agg, 4 cables per ToR-agg and agg-core pair, all
  // 400 Gb/s: 512 hosts + 32 + 32 + 16 switches, 512 + 512 + 512 cables; 64 paths within a
  // pod (4 aggs x 4 x 4), 4,096 across (4 x 4 x 4^2 x 4^2); 3,676,192 stored; every tier 1:1;
  // bisection 256 x 400 Gb/s = 102.4 Tb/s.
  FatTreeSpec spec = spec_of(8, 16, 4, 4, 4);
  spec.host_link = spec.tor_link = spec.core_link = {core::Bitrate::gbps(400), 500_ns};
  const Fabric f = build_fabric(spec);
  EXPECT_EQ(f.host_count(), 512u);
  EXPECT_EQ(f.nodes.size(), 592u);
  EXPECT_EQ(f.links.size(), 3072u);
  EXPECT_EQ(f.path_count(), 3'676'192u);
  EXPECT_EQ(paths_between(f, 0, 1), 64u);
  EXPECT_EQ(paths_between(f, 0, 4), 4096u);
  EXPECT_EQ(f.uplink_count(0), 16u);
  const FabricStats stats = describe(spec, f);
  EXPECT_EQ(stats.min_paths, 64u);
  EXPECT_EQ(stats.max_paths, 4096u);
  EXPECT_DOUBLE_EQ(stats.tiers[0].oversubscription, 1.0);
  EXPECT_DOUBLE_EQ(stats.tiers[1].oversubscription, 1.0);
  EXPECT_EQ(stats.bisection, core::Bitrate::gbps(102'400));
}

TEST(FatTree, BadSpecsThrow) {
  for (const std::uint32_t k : {0u, 1u, 3u, 7u}) {
    EXPECT_THROW(build_fabric(spec_of(k)), std::invalid_argument) << "k = " << k;
  }
  EXPECT_THROW(build_fabric(spec_of(4, 0, 0, 0, 1)), std::invalid_argument);
  // k = 64 numbers 4.2 G paths, past the 32-bit path ids: refused before anything is built.
  EXPECT_GT(size_of(spec_of(64)).paths, kMaxPaths);
  EXPECT_THROW(build_fabric(spec_of(64)), std::invalid_argument);
  // k = 32 fits: 512 x (1 + 15 x 16 + 496 x 256) paths, in a catalog of a few MB.
  EXPECT_EQ(size_of(spec_of(32)).paths, 512u * (1 + 15 * 16 + 496 * 256));
  EXPECT_LE(size_of(spec_of(32)).paths, kMaxPaths);
  EXPECT_EQ(size_of(spec_of(16)).paths, 128u * (1 + 7 * 8 + 120 * 64));
}

// ---- the scenario reader, through the CLI: exit 2, file:line and the key ----

namespace fs = std::filesystem;

struct BadCase {
  std::string name;
  std::string topology;  // the topology map's lines, the bad one first
  std::string key;       // the key the message must name
  std::string fragment;  // of the message
};

TEST(FatTreeYaml, BadKeysExitTwoWithFileLineAndKey) {
  const fs::path dir =
      fs::temp_directory_path() / ("fabricsim-fat-tree-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::vector<BadCase> cases = {
      {"odd_k", "  k: 5\n", "topology.k", "must be even, got 5"},
      {"zero_k", "  k: 0\n", "topology.k", "at least 2"},
      {"leaf_spine_key", "  leaves: 4\n  k: 4\n", "topology.leaves",
       "unknown key 'leaves' (valid: file, kind, k, hosts_per_tor, cores_per_agg, tor_agg_links, "
       "agg_core_links, planes, host_link, fabric_link, tor_link, core_link)"},
      {"typo", "  host_per_tor: 4\n  k: 4\n", "topology.host_per_tor",
       "did you mean 'hosts_per_tor'?"},
      {"too_many_paths", "  tor_agg_links: 8\n  k: 32\n", "topology.tor_agg_links",
       "equal-cost paths between ToRs, more than the limit of 2,147,483,648"},
      {"k64", "  k: 64\n", "topology.k",
       "equal-cost paths between ToRs, more than the limit of 2,147,483,648"},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.name);
    const fs::path file = dir / (c.name + ".yaml");
    {
      std::ofstream out(file);
      // Line 1 name, 2 "topology:", 3 kind, 4 the bad key.
      out << "name: " << c.name << "\ntopology:\n  kind: fat_tree\n"
          << c.topology << "workload:\n  - kind: permutation\n";
    }
    for (const char* command : {"validate", "run"}) {
      const std::string out =
          std::string(command) == "run" ? " -o " + (dir / "out.h5").string() : "";
      const test_support::CliOutcome r =
          test_support::run_fabricsim(std::string(command) + " " + file.string() + out);
      EXPECT_EQ(r.exit_code, 2) << command << ": " << r.output;
      EXPECT_NE(r.output.find(file.string() + ":4:"), std::string::npos)
          << command << ": " << r.output;
      EXPECT_NE(r.output.find(": " + c.key + ": "), std::string::npos)
          << command << ": " << r.output;
      EXPECT_NE(r.output.find(c.fragment), std::string::npos) << command << ": " << r.output;
      EXPECT_FALSE(fs::exists(dir / "out.h5"));
    }
  }
  fs::remove_all(dir);
}

TEST(FatTreeYaml, ThePaperFileLoadsAndInfoPrintsIt) {
  const std::string file =
      std::string(FABRICSIM_SOURCE_DIR) + "/tests/scenarios/good/fat_tree_paper.yaml";
  const test_support::CliOutcome r = test_support::run_fabricsim("info " + file);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* line :
       {"topology: fat-tree, k = 8: 8 pods of 4 ToRs and 4 aggregation switches, 16 cores, 16 "
        "hosts per ToR",
        "hosts: 512, switches: 80, directed links: 3072",
        "nodes: 512 host 32 tor 32 aggregation 16 core",
        "equal-cost paths between edge switches: 64..4096 per pair, 3676192 in all (catalog",
        "oversubscription: tor 1.00:1 aggregation 1.00:1", "bisection bandwidth: 102400.0 Gbps"}) {
    EXPECT_NE(r.output.find(line), std::string::npos) << line << "\n" << r.output;
  }
}

}  // namespace
}  // namespace fabricsim::topo
