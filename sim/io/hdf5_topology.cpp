#include "io/hdf5_topology.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "io/hdf5_columns.hpp"
#include "io/hdf5_writer.hpp"

namespace fabricsim::io {
namespace {

void write_nodes(hid_t topology, const topo::Fabric& fabric) {
  const Handle g = create_group(topology, "nodes");
  std::vector<std::string> kinds, names;
  for (const auto& n : fabric.nodes) {
    kinds.emplace_back(topo::to_string(n.kind));
    names.push_back(n.name);
  }
  write_column(g.get(), "id", row_ids(fabric.nodes.size()), "id");
  write_column(g.get(), "kind", kinds, "text");
  write_column(g.get(), "name", names, "text");
}

void write_links(hid_t topology, const topo::Fabric& fabric) {
  const Handle g = create_group(topology, "links");
  std::vector<std::uint32_t> src, dst;
  std::vector<std::int64_t> rate, latency;
  for (const auto& l : fabric.links) {
    src.push_back(l.src);
    dst.push_back(l.dst);
    rate.push_back(l.rate.bps());
    latency.push_back(l.latency.ps());
  }
  write_column(g.get(), "id", row_ids(fabric.links.size()), "id");
  write_column(g.get(), "name", link_names(fabric), "text");
  write_column(g.get(), "src", src, "id");
  write_column(g.get(), "dst", dst, "id");
  write_column(g.get(), "rate_bps", rate, "bps");
  write_column(g.get(), "latency_ps", latency, "ps");
}

// One row per host port (one per host on most fabrics): host index, port, node id, the node
// id of the port's edge switch, and its two links.
void write_hosts(hid_t topology, const topo::Fabric& fabric) {
  const Handle g = create_group(topology, "hosts");
  std::vector<std::uint32_t> id, port, node, edge;
  for (std::uint32_t h = 0; h < fabric.host_count(); ++h) {
    for (std::uint32_t i = 0; i < fabric.ports; ++i) {
      id.push_back(h);
      port.push_back(i);
      node.push_back(fabric.host_node[h]);
      edge.push_back(fabric.edge_node[fabric.host_edge[fabric.port(h, i)]]);
    }
  }
  write_column(g.get(), "id", id, "id");
  write_column(g.get(), "port", port, "index");
  write_column(g.get(), "node", node, "id");
  write_column(g.get(), "edge", edge, "id");
  write_column(g.get(), "uplink", fabric.host_uplink, "id");
  write_column(g.get(), "downlink", fabric.host_downlink, "id");
}

// One row per node a path crosses, in order: hop 0 is the source edge switch (link -1), hop
// h > 0 the node link h-1 of the path arrives at. A path within one edge switch is one row.
// Every path when the catalog has at most kListedPaths; otherwise the paths in `used`.
void write_paths(hid_t topology, const topo::Fabric& fabric, std::vector<topo::PathId> used) {
  const Handle g = create_group(topology, "paths");
  std::vector<std::uint32_t> path_id, hop, node;
  std::vector<std::int32_t> link;
  const topo::PathCatalog& catalog = fabric.catalog;
  const auto write = [&](std::size_t pair, topo::PathId p) {
    path_id.push_back(p);
    hop.push_back(0);
    node.push_back(fabric.edge_node[pair / fabric.edge_count()]);
    link.push_back(-1);
    std::uint32_t h = 0;
    for (const topo::LinkId l : catalog.links(pair, p)) {
      path_id.push_back(p);
      hop.push_back(++h);
      node.push_back(fabric.links[l].dst);
      link.push_back(static_cast<std::int32_t>(l));
    }
  };
  if (catalog.path_count() <= kListedPaths) {
    for (std::size_t pair = 0; pair < catalog.pair_count(); ++pair) {
      const topo::PathRange range = catalog.range(pair);
      for (topo::PathId p = range.first; p < range.first + range.count; ++p) write(pair, p);
    }
  } else {
    std::sort(used.begin(), used.end());
    used.erase(std::unique(used.begin(), used.end()), used.end());
    for (const topo::PathId p : used) write(catalog.pair_of(p), p);
  }
  write_column(g.get(), "path_id", path_id, "id");
  write_column(g.get(), "hop", hop, "index");
  write_column(g.get(), "node", node, "id");
  write_column(g.get(), "link", link, "id");
}

}  // namespace

std::vector<std::string> link_names(const topo::Fabric& fabric) {
  // Parallel cables between the same two nodes are told apart by a [k] suffix, k = 0, 1, ...
  std::map<std::pair<topo::NodeId, topo::NodeId>, std::uint32_t> count, seen;
  for (const topo::Link& l : fabric.links) ++count[{l.src, l.dst}];
  std::vector<std::string> names;
  names.reserve(fabric.links.size());
  for (const topo::Link& l : fabric.links) {
    std::string name = fabric.nodes[l.src].name + "->" + fabric.nodes[l.dst].name;
    if (count[{l.src, l.dst}] > 1) name += "[" + std::to_string(seen[{l.src, l.dst}]++) + "]";
    names.push_back(std::move(name));
  }
  return names;
}

void write_topology(hid_t file, const topo::Fabric& fabric, std::vector<topo::PathId> used_paths) {
  const Handle topology = create_group(file, "topology");
  write_nodes(topology.get(), fabric);
  write_links(topology.get(), fabric);
  write_hosts(topology.get(), fabric);
  write_paths(topology.get(), fabric, std::move(used_paths));
}

}  // namespace fabricsim::io
