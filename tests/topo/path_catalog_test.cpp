#include "topo/path_catalog.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <vector>

#include "topo/fabric_builder.hpp"
#include "topo/topology.hpp"

namespace fabricsim::topo {
namespace {

using Path = std::vector<LinkId>;

/// Reference: every shortest switch-only path from edge a to edge b, found by a BFS of hop
/// distances to b and a depth-first walk over out-links in link-id order, written for this
/// test from the fabric's links alone.
std::vector<Path> reference_paths(const Fabric& f, std::uint32_t a, std::uint32_t b) {
  const auto switch_node = [&](NodeId n) { return f.nodes[n].kind != NodeKind::host; };
  std::vector<std::uint32_t> dist(f.nodes.size(), UINT32_MAX);
  std::deque<NodeId> queue{f.edge_node[b]};
  dist[f.edge_node[b]] = 0;
  while (!queue.empty()) {
    const NodeId at = queue.front();
    queue.pop_front();
    for (const Link& l : f.links) {
      if (l.dst != at || !switch_node(l.src) || dist[l.src] != UINT32_MAX) continue;
      dist[l.src] = dist[at] + 1;
      queue.push_back(l.src);
    }
  }
  std::vector<Path> out;
  if (dist[f.edge_node[a]] == UINT32_MAX) return out;
  Path prefix;
  const auto walk = [&](const auto& self, NodeId at) -> void {
    if (dist[at] == 0) {
      out.push_back(prefix);
      return;
    }
    for (LinkId l = 0; l < f.links.size(); ++l) {
      const Link& link = f.links[l];
      if (link.src != at || !switch_node(link.dst) || dist[link.dst] + 1 != dist[at]) continue;
      prefix.push_back(l);
      self(self, link.dst);
      prefix.pop_back();
    }
  };
  walk(walk, f.edge_node[a]);
  return out;
}

/// Checks the catalog of `f` against the reference: every pair's paths, in order; the next
/// link at every switch of every path; and crosses() for every pair and link.
void expect_catalog_matches_reference(const Fabric& f) {
  const PathCatalog& c = f.catalog;
  const std::uint32_t edges = f.edge_count();
  ASSERT_EQ(c.pair_count(), std::size_t{edges} * edges);
  PathId next_id = 0;
  for (std::uint32_t a = 0; a < edges; ++a) {
    for (std::uint32_t b = 0; b < edges; ++b) {
      SCOPED_TRACE("pair " + std::to_string(a) + " -> " + std::to_string(b));
      const std::size_t pair = std::size_t{a} * edges + b;
      const std::vector<Path> want = reference_paths(f, a, b);
      const PathRange range = c.range(pair);
      ASSERT_EQ(range.first, next_id);
      ASSERT_EQ(range.count, want.size());
      next_id += range.count;
      std::vector<std::uint8_t> on_some_path(f.links.size(), 0);
      for (std::uint32_t i = 0; i < range.count; ++i) {
        const PathId p = range.first + i;
        const PathLinks got = c.links(p);
        ASSERT_EQ(Path(got.begin(), got.end()), want[i]) << "path " << p;
        ASSERT_EQ(c.pair_of(p), pair);
        NodeId at = f.edge_node[a];
        for (const LinkId l : want[i]) {
          EXPECT_EQ(c.next_link(pair, p, at), l) << "path " << p << " at " << f.nodes[at].name;
          on_some_path[l] = 1;
          at = f.links[l].dst;
        }
      }
      for (LinkId l = 0; l < f.links.size(); ++l) {
        EXPECT_EQ(c.crosses(pair, l, f.links[l].src), on_some_path[l] != 0) << "link " << l;
      }
    }
  }
  EXPECT_EQ(c.path_count(), next_id);
}

TEST(PathCatalog, LeafSpineWithParallelCablesMatchesTheReferenceSearch) {
  LeafSpineSpec spec;
  spec.leaves = 4;
  spec.spines = 3;
  spec.hosts_per_leaf = 2;
  spec.links_per_pair = 2;
  expect_catalog_matches_reference(build_fabric(spec));
}

TEST(PathCatalog, FatTreeWithParallelCablesMatchesTheReferenceSearch) {
  FatTreeSpec spec;
  spec.k = 4;
  spec.tor_agg_links = 2;
  spec.agg_core_links = 2;
  expect_catalog_matches_reference(build_fabric(spec));
}

TEST(PathCatalog, UnevenBranchesDecodeByCountingAndMatchTheReference) {
  // leaf0 reaches spineA over two cables and spineB over one; spineA reaches leaf1 over two
  // cables, spineB over one. From leaf0 to leaf1 the three next hops lead to 2, 2 and 1 paths:
  // no division gives the branch, so the catalog counts.
  FabricBuilder b;
  const NodeId h0 = b.add_node(NodeKind::host, "h0"), h1 = b.add_node(NodeKind::host, "h1");
  const NodeId leaf0 = b.add_node(NodeKind::leaf, "leaf0", true);
  const NodeId leaf1 = b.add_node(NodeKind::leaf, "leaf1", true);
  const NodeId spine_a = b.add_node(NodeKind::spine, "spineA");
  const NodeId spine_b = b.add_node(NodeKind::spine, "spineB");
  const LinkSpec cable;
  b.attach_host(h0, leaf0, cable);
  b.attach_host(h1, leaf1, cable);
  b.add_cable(leaf0, spine_a, cable);
  b.add_cable(leaf0, spine_a, cable);
  b.add_cable(leaf0, spine_b, cable);
  b.add_cable(spine_a, leaf1, cable);
  b.add_cable(spine_a, leaf1, cable);
  b.add_cable(spine_b, leaf1, cable);
  const Fabric f = b.finish();
  EXPECT_EQ(f.catalog.range(0 * 2 + 1).count, 2u * 2u + 1u);
  EXPECT_EQ(f.catalog.range(1 * 2 + 0).count, 5u);
  expect_catalog_matches_reference(f);
}

TEST(PathCatalog, MemoryIsAnEntryPerSwitchAndEdgeNotAPathList) {
  // k = 16: 128 ToRs, 320 switches, 990,336 paths, yet the catalog is 320 x 128 entries, the
  // next-hop sets and 128^2 pair offsets, under 1 MiB.
  FatTreeSpec spec;
  spec.k = 16;
  const Fabric f = build_fabric(spec);
  EXPECT_EQ(f.path_count(), 990'336u);
  const std::size_t entries = 320u * 128u * sizeof(PathCatalog::Entry);
  EXPECT_GE(f.catalog.memory_bytes(), entries + 128u * 128u * sizeof(std::uint32_t));
  EXPECT_LT(f.catalog.memory_bytes(), std::size_t{1} << 20);
}

TEST(PathCatalog, ReplacingANextHopKeepsThePrefixAndTakesThatHop) {
  // Every path of a k = 4 fat-tree with parallel cables, every switch it crosses, every next
  // hop there: the new path is the old one up to the switch, then leaves by that hop.
  FatTreeSpec spec;
  spec.k = 4;
  spec.tor_agg_links = 2;
  const Fabric f = build_fabric(spec);
  const PathCatalog& c = f.catalog;
  ASSERT_TRUE(c.divisible());
  for (std::size_t pair = 0; pair < c.pair_count(); ++pair) {
    const PathRange range = c.range(pair);
    const auto b = static_cast<std::uint32_t>(pair % f.edge_count());
    for (PathId p = range.first; p < range.first + range.count; ++p) {
      const PathLinks links = c.links(p);
      NodeId at = f.edge_node[pair / f.edge_count()];
      for (std::size_t i = 0; i < links.size(); ++i) {
        const std::span<const LinkId> hops = c.next_hops(at, b);
        for (std::uint32_t j = 0; j < hops.size(); ++j) {
          const PathId q = c.with_next_hop(pair, p, at, j);
          ASSERT_EQ(c.pair_of(q), pair);
          const PathLinks changed = c.links(q);
          ASSERT_EQ(changed.size(), links.size());
          for (std::size_t k = 0; k < i; ++k) ASSERT_EQ(changed[k], links[k]);
          ASSERT_EQ(changed[i], hops[j]);
        }
        at = f.links[links[i]].dst;
      }
    }
  }
}

}  // namespace
}  // namespace fabricsim::topo
