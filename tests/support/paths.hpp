#pragma once
#include <vector>

#include "topo/fabric.hpp"

namespace fabricsim::test_support {

/// Every path of the catalog, in path-id order, decoded: what two equal fabrics share.
inline std::vector<std::vector<topo::LinkId>> all_paths(const topo::Fabric& f) {
  std::vector<std::vector<topo::LinkId>> out;
  for (std::size_t pair = 0; pair < f.catalog.pair_count(); ++pair) {
    const topo::PathRange r = f.catalog.range(pair);
    for (topo::PathId p = r.first; p < r.first + r.count; ++p) {
      const topo::PathLinks links = f.catalog.links(pair, p);
      out.emplace_back(links.begin(), links.end());
    }
  }
  return out;
}

/// The first path id of each edge pair, and the total after the last.
inline std::vector<topo::PathId> pair_firsts(const topo::Fabric& f) {
  std::vector<topo::PathId> out;
  for (std::size_t pair = 0; pair < f.catalog.pair_count(); ++pair)
    out.push_back(f.catalog.range(pair).first);
  out.push_back(static_cast<topo::PathId>(f.path_count()));
  return out;
}

}  // namespace fabricsim::test_support
