#include "support/paths.hpp"
#include "topo/topology.hpp"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace fabricsim::topo {
namespace {

using namespace core::literals;

LeafSpineSpec small_spec(std::uint32_t leaves, std::uint32_t spines, std::uint32_t hosts_per_leaf,
                         std::uint32_t links_per_pair = 1) {
  LeafSpineSpec spec;
  spec.leaves = leaves;
  spec.spines = spines;
  spec.hosts_per_leaf = hosts_per_leaf;
  spec.links_per_pair = links_per_pair;
  spec.host_link = {core::Bitrate::gbps(100), 1_us};
  spec.fabric_link = {core::Bitrate::gbps(100), 1_us};
  return spec;
}

std::uint32_t pair_count(const Fabric& f, std::uint32_t a, std::uint32_t b) {
  const std::size_t pair = std::size_t{a} * f.edge_count() + b;
  return f.catalog.range(pair).count;
}

TEST(LeafSpine, NodeAndLinkCounts) {
  // 4 leaves x 4 hosts = 16 hosts; 16 + 4 + 2 = 22 nodes; each cable is two links:
  // 2 x 16 host cables + 2 x (4 x 2 x 1) fabric cables = 48 directed links.
  const Fabric f = build_leaf_spine(small_spec(4, 2, 4));
  EXPECT_EQ(f.host_count(), 16u);
  EXPECT_EQ(f.edge_count(), 4u);
  EXPECT_EQ(f.nodes.size(), 22u);
  EXPECT_EQ(f.links.size(), 48u);
  // With 3 parallel cables per pair: 32 + 2 x 4 x 2 x 3 = 80.
  EXPECT_EQ(build_leaf_spine(small_spec(4, 2, 4, 3)).links.size(), 80u);
}

TEST(LeafSpine, NamesAndKinds) {
  const Fabric f = build_leaf_spine(small_spec(3, 2, 2));
  std::multiset<std::string> kinds;
  std::set<std::string> names;
  for (const Node& n : f.nodes) {
    kinds.insert(to_string(n.kind));
    names.insert(n.name);
  }
  EXPECT_EQ(kinds.count("host"), 6u);
  EXPECT_EQ(kinds.count("leaf"), 3u);
  EXPECT_EQ(kinds.count("spine"), 2u);
  for (const char* name : {"host0", "host5", "leaf0", "leaf2", "spine0", "spine1"}) {
    EXPECT_TRUE(names.count(name)) << name;
  }
  EXPECT_EQ(names.size(), f.nodes.size());  // names are unique
}

TEST(LeafSpine, HostsAreNumberedLeafMajor) {
  const Fabric f = build_leaf_spine(small_spec(4, 2, 3));
  for (std::uint32_t h = 0; h < f.host_count(); ++h) {
    const std::uint32_t leaf = h / 3;
    EXPECT_EQ(f.host_edge[h], leaf);
    EXPECT_EQ(f.nodes[f.host_node[h]].name, "host" + std::to_string(h));
    EXPECT_EQ(f.nodes[f.edge_node[leaf]].name, "leaf" + std::to_string(leaf));
    const Link& up = f.links[f.host_uplink[h]];
    const Link& down = f.links[f.host_downlink[h]];
    EXPECT_EQ(up.src, f.host_node[h]);
    EXPECT_EQ(up.dst, f.edge_node[leaf]);
    EXPECT_EQ(down.src, f.edge_node[leaf]);
    EXPECT_EQ(down.dst, f.host_node[h]);
  }
}

TEST(LeafSpine, ParallelLinksMultiplyPaths) {
  // Between two distinct leaves: pick a spine (s ways), an up cable (p) and a down cable (p).
  for (const auto& [spines, per_pair] :
       {std::pair{2u, 1u}, std::pair{4u, 1u}, std::pair{4u, 3u}, std::pair{3u, 2u}}) {
    const Fabric f = build_leaf_spine(small_spec(3, spines, 2, per_pair));
    for (std::uint32_t a = 0; a < 3; ++a) {
      for (std::uint32_t b = 0; b < 3; ++b) {
        EXPECT_EQ(pair_count(f, a, b), a == b ? 1u : spines * per_pair * per_pair)
            << "s=" << spines << " p=" << per_pair << " pair " << a << "," << b;
      }
    }
  }
}

TEST(LeafSpine, SameLeafHasOneEmptyPath) {
  const Fabric f = build_leaf_spine(small_spec(2, 4, 4));
  const PathRange r = f.paths_between_hosts(0, 3);  // both on leaf 0
  EXPECT_EQ(r.count, 1u);
  EXPECT_TRUE(f.path(r.first).empty());
}

TEST(LeafSpine, EveryPathIsAContiguousChainBetweenItsLeaves) {
  const Fabric f = build_leaf_spine(small_spec(4, 3, 2, 2));
  ASSERT_EQ(f.catalog.pair_count(), 4u * 4u);
  for (std::uint32_t a = 0; a < 4; ++a) {
    for (std::uint32_t b = 0; b < 4; ++b) {
      if (a == b) continue;
      std::set<std::vector<LinkId>> distinct;
      const std::size_t pair = std::size_t{a} * 4 + b;
      const PathRange range = f.catalog.range(pair);
      for (PathId p = range.first; p < range.first + range.count; ++p) {
        const auto links = f.path(p);
        ASSERT_EQ(links.size(), 2u);  // leaf -> spine -> leaf
        EXPECT_EQ(f.links[links.front()].src, f.edge_node[a]);
        EXPECT_EQ(f.links[links.back()].dst, f.edge_node[b]);
        for (std::size_t i = 1; i < links.size(); ++i) {
          EXPECT_EQ(f.links[links[i - 1]].dst, f.links[links[i]].src);
        }
        EXPECT_EQ(f.nodes[f.links[links[0]].dst].kind, NodeKind::spine);
        distinct.emplace(links.begin(), links.end());
      }
      EXPECT_EQ(distinct.size(), 3u * 2u * 2u);  // no path listed twice
    }
  }
}

TEST(LeafSpine, HostPairsUseTheirLeavesPaths) {
  const Fabric f = build_leaf_spine(small_spec(3, 2, 2));
  // host 1 is on leaf 0, host 4 on leaf 2: the candidates are pair (0, 2)'s.
  const PathRange r = f.paths_between_hosts(1, 4);
  EXPECT_EQ(r.first, f.catalog.range(0 * 3 + 2).first);
  EXPECT_EQ(r.count, 2u);
  for (PathId p = r.first; p < r.first + r.count; ++p) {
    EXPECT_EQ(f.links[f.path(p).front()].src, f.edge_node[0]);
    EXPECT_EQ(f.links[f.path(p).back()].dst, f.edge_node[2]);
  }
}

TEST(LeafSpine, BuildIsDeterministic) {
  const Fabric a = build_leaf_spine(small_spec(4, 3, 2, 2));
  const Fabric b = build_leaf_spine(small_spec(4, 3, 2, 2));
  EXPECT_EQ(test_support::all_paths(a), test_support::all_paths(b));
  EXPECT_EQ(test_support::pair_firsts(a), test_support::pair_firsts(b));
}

TEST(LeafSpine, RouteLatencySumsLinkLatencies) {
  LeafSpineSpec spec = small_spec(2, 2, 2);
  spec.host_link.latency = 500_ns;
  spec.fabric_link.latency = 1_us;
  const Fabric f = build_leaf_spine(spec);
  // Across leaves: host up (500 ns) + leaf->spine (1 us) + spine->leaf (1 us) + down (500 ns).
  const PathRange across = f.paths_between_hosts(0, 2);
  EXPECT_EQ(f.route_latency(0, 2, across.first), 3_us);
  // Within a leaf: host up + host down = 1 us.
  const PathRange local = f.paths_between_hosts(0, 1);
  EXPECT_EQ(f.route_latency(0, 1, local.first), 1_us);
}

TEST(LeafSpine, UplinkCountIsSpinesTimesParallelLinks) {
  const Fabric f = build_leaf_spine(small_spec(3, 4, 2, 3));
  for (std::uint32_t e = 0; e < f.edge_count(); ++e) EXPECT_EQ(f.uplink_count(e), 12u);
  EXPECT_EQ(build_leaf_spine(small_spec(16, 16, 1)).uplink_count(5), 16u);
  // A lone leaf has no path to another edge, hence no uplinks in use.
  EXPECT_EQ(build_leaf_spine(small_spec(1, 4, 4)).uplink_count(0), 0u);
}

TEST(LeafSpine, Oversubscription) {
  // 4 hosts x 100G down / (2 spines x 1 x 100G) up = 2:1.
  EXPECT_DOUBLE_EQ(oversubscription(small_spec(4, 2, 4)), 2.0);
  // 16 x 400G / (16 x 400G) = 1:1.
  EXPECT_DOUBLE_EQ(oversubscription(LeafSpineSpec{}), 1.0);
  // Parallel links and faster uplinks count: 8 x 100G / (2 x 2 x 200G) = 1.0.
  LeafSpineSpec mixed = small_spec(2, 2, 8, 2);
  mixed.fabric_link.rate = core::Bitrate::gbps(200);
  EXPECT_DOUBLE_EQ(oversubscription(mixed), 1.0);
}

TEST(LeafSpine, DescribeThePaperFabric) {
  // 16 x 16 x 16 at 400G: 256 hosts, 32 switches, 2 x (256 + 256) = 1024 links, 16 paths
  // between any two leaves, 1:1, bisection = 128 hosts x 400G = 8 leaves x 16 x 400G = 51.2T.
  const LeafSpineSpec spec;
  const FabricStats s = describe(spec, build_leaf_spine(spec));
  EXPECT_EQ(s.hosts, 256u);
  EXPECT_EQ(s.switches, 32u);
  EXPECT_EQ(s.links, 1024u);
  EXPECT_EQ(s.min_paths, 16u);
  EXPECT_EQ(s.max_paths, 16u);
  EXPECT_DOUBLE_EQ(s.oversubscription, 1.0);
  EXPECT_EQ(s.bisection, core::Bitrate(51'200'000'000'000));
}

TEST(LeafSpine, BisectionOfAnOversubscribedFabricIsTheSpineCut) {
  // 4 leaves x 4 hosts at 100G, 2 spines: hosts could send 8 x 100G = 800G, but the two
  // leaves of one half have only 2 x 2 x 100G = 400G of uplinks.
  const LeafSpineSpec spec = small_spec(4, 2, 4);
  const FabricStats s = describe(spec, build_leaf_spine(spec));
  EXPECT_EQ(s.bisection, core::Bitrate::gbps(400));
  EXPECT_DOUBLE_EQ(s.oversubscription, 2.0);
}

TEST(LeafSpine, BadSpecsThrowWithAClearMessage) {
  auto message_of = [](const LeafSpineSpec& spec) -> std::string {
    try {
      build_leaf_spine(spec);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "<no exception>";
  };
  LeafSpineSpec spec = small_spec(4, 2, 4);
  spec.leaves = 0;
  EXPECT_NE(message_of(spec).find("leaves"), std::string::npos) << message_of(spec);
  spec = small_spec(4, 0, 4);
  EXPECT_NE(message_of(spec).find("spines"), std::string::npos) << message_of(spec);
  spec = small_spec(4, 2, 0);
  EXPECT_NE(message_of(spec).find("hosts_per_leaf"), std::string::npos) << message_of(spec);
  spec = small_spec(4, 2, 4, 0);
  EXPECT_NE(message_of(spec).find("links_per_pair"), std::string::npos) << message_of(spec);
  spec = small_spec(4, 2, 4);
  spec.fabric_link.rate = core::Bitrate(0);
  EXPECT_NE(message_of(spec).find("fabric_link.rate"), std::string::npos) << message_of(spec);
  spec = small_spec(4, 2, 4);
  spec.host_link.latency = core::Time::ns(-1);
  EXPECT_NE(message_of(spec).find("host_link.latency"), std::string::npos) << message_of(spec);
}

TEST(LeafSpine, OversizedSpecsThrowInsteadOfExhaustingMemory) {
  // 65,537 hosts: one over the limit.
  EXPECT_THROW(build_leaf_spine(small_spec(1, 1, 65'537)), std::invalid_argument);
  // 8192 leaves x 64 spines: ~4.3 G paths, past the 32-bit path ids.
  EXPECT_THROW(build_leaf_spine(small_spec(8192, 64, 1)), std::invalid_argument);
  // 16,384 leaves: a (leaves + spines) x leaves catalog of over 1 GiB.
  EXPECT_THROW(build_leaf_spine(small_spec(16'384, 1, 1)), std::invalid_argument);
  // Huge counts whose products overflow 64 bits must still be rejected, not wrap.
  EXPECT_THROW(build_leaf_spine(small_spec(1, 4'000'000'000u, 1, 4'000'000'000u)),
               std::invalid_argument);
  EXPECT_THROW(build_leaf_spine(small_spec(60'000, 4'000'000'000u, 1, 4'000'000'000u)),
               std::invalid_argument);
}

TEST(LeafSpine, ThousandHostFabricStoresEveryPath) {
  // 32 x 32 x 32: 1024 hosts, 32 x 31 x 32 + 32 = 31,776 paths (its build time is in
  // bench/topology.sh).
  const Fabric f = build_leaf_spine(small_spec(32, 32, 32));
  EXPECT_EQ(f.host_count(), 1024u);
  EXPECT_EQ(f.path_count(), 31'776u);
}

}  // namespace
}  // namespace fabricsim::topo
