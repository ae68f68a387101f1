// The exact construction of the planned policy (docs/routing.md, section planned): equal flows
// whose edge-to-edge multigraph is r-regular, on s colours (the candidates' common path
// indices: the spines of a leaf-spine), split as Theorem 1 says and assigned by an edge
// colouring so that every uplink and every downlink carries r * f / s bytes.
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <utility>

#include "routing/planned_step.hpp"

namespace fabricsim::routing::planned {
namespace {

constexpr std::uint32_t kNone = 0xffffffffu;

/// One perfect matching of a decomposition (match[row] = column) and how many times it is
/// taken.
struct Term {
  std::vector<std::uint32_t> match;
  std::uint32_t count;
};

/// Splits an n x n matrix whose rows and columns all sum to r (a regular bipartite multigraph:
/// w[i * n + j] edges from row i to column j) into perfect matchings with multiplicities
/// summing to r (Konig; Birkhoff-von Neumann on the integer matrix). A matching survives from
/// one term to the next but for the edges the term used up, which are re-augmented.
std::vector<Term> decompose(std::vector<std::uint32_t> w, std::uint32_t n, std::uint32_t r) {
  std::vector<std::uint32_t> row_at(n, kNone);  // column -> its matched row
  std::vector<std::uint32_t> col_at(n, kNone);  // row -> its matched column
  std::vector<std::uint8_t> seen(n);
  // Kuhn's augmenting path from row i over the columns it has edges to.
  const auto augment = [&](const auto& self, std::uint32_t i) -> bool {
    for (std::uint32_t j = 0; j < n; ++j) {
      if (w[std::size_t{i} * n + j] == 0 || seen[j] != 0) continue;
      seen[j] = 1;
      if (row_at[j] == kNone || self(self, row_at[j])) {
        row_at[j] = i;
        col_at[i] = j;
        return true;
      }
    }
    return false;
  };
  std::vector<Term> terms;
  for (std::uint32_t left = n > 0 ? r : 0; left > 0;) {
    for (std::uint32_t i = 0; i < n; ++i) {
      if (col_at[i] != kNone) continue;
      std::fill(seen.begin(), seen.end(), 0);
      augment(augment, i);  // a regular multigraph always has a perfect matching (Hall)
    }
    std::uint32_t count = UINT32_MAX;
    for (std::uint32_t i = 0; i < n; ++i)
      count = std::min(count, w[std::size_t{i} * n + col_at[i]]);
    terms.push_back({col_at, count});
    for (std::uint32_t i = 0; i < n; ++i) {
      std::uint32_t& edges = w[std::size_t{i} * n + col_at[i]];
      edges -= count;
      if (edges == 0) {
        row_at[col_at[i]] = kNone;
        col_at[i] = kNone;
      }
    }
    left -= count;
  }
  return terms;
}

/// The commodities sharing one colour set: the flows the construction plans together.
struct ColourClass {
  std::vector<std::uint32_t> commodities;
};

/// A flow of a class and the commodity it belongs to.
struct Member {
  std::uint32_t commodity;
  std::uint32_t flow;
};

/// Plans one class; false when it is not equal flows on a regular multigraph, or when its
/// split would exceed a flow's piece cap. `inexact` counts, per link, the pieces that are a
/// byte off f / m.
bool plan_class(const ColourClass& cls, std::span<const Commodity> commodities,
                std::span<const StepFlow> flows, const topo::Fabric& fabric, std::vector<Cut>& cuts,
                std::vector<double>& inexact) {
  const Commodity& first = commodities[cls.commodities.front()];
  const std::int64_t f = flows[first.flows.front()].bytes;
  const auto s = static_cast<std::uint32_t>(first.colours.size());
  const std::uint32_t edges = fabric.edge_count();
  std::vector<std::uint32_t> out_degree(edges, 0), in_degree(edges, 0);
  const core::Bitrate rate = fabric.links[fabric.path(first.paths.front()).front()].rate;
  for (const std::uint32_t k : cls.commodities) {
    const Commodity& c = commodities[k];
    for (const std::uint32_t i : c.flows) {
      if (flows[i].bytes != f) return false;
    }
    out_degree[c.src_edge] += static_cast<std::uint32_t>(c.flows.size());
    in_degree[c.dst_edge] += static_cast<std::uint32_t>(c.flows.size());
    for (const topo::PathId p : c.paths) {
      for (const topo::LinkId l : fabric.path(p)) {
        if (fabric.links[l].rate != rate) return false;
      }
    }
  }
  // r-regular: every edge switch that sends (receives) sends (receives) r flows.
  const std::uint32_t r = *std::max_element(out_degree.begin(), out_degree.end());
  std::vector<std::uint32_t> row_of(edges, kNone), col_of(edges, kNone);
  std::uint32_t rows = 0, cols = 0;
  for (std::uint32_t e = 0; e < edges; ++e) {
    if ((out_degree[e] != 0 && out_degree[e] != r) || (in_degree[e] != 0 && in_degree[e] != r))
      return false;
    if (out_degree[e] != 0) row_of[e] = rows++;
    if (in_degree[e] != 0) col_of[e] = cols++;
  }
  const std::uint32_t m = s / std::gcd(r, s);
  if (f < m) return false;
  for (const std::uint32_t k : cls.commodities) {
    if (commodities[k].max_pieces < m) return false;
  }

  // The multigraph, its flows per (row, column) cell, and its matchings.
  const std::uint32_t n = rows;  // == cols: r * rows == r * cols flows
  std::vector<std::uint32_t> w(std::size_t{n} * n, 0);
  std::vector<std::vector<Member>> cell(std::size_t{n} * n);
  for (const std::uint32_t k : cls.commodities) {
    const Commodity& c = commodities[k];
    const std::size_t at = std::size_t{row_of[c.src_edge]} * n + col_of[c.dst_edge];
    w[at] += static_cast<std::uint32_t>(c.flows.size());
    for (const std::uint32_t i : c.flows) cell[at].push_back({k, i});
  }
  std::vector<std::size_t> taken(cell.size(), 0);
  const std::uint32_t whole = (r / s) * s;  // matchings that go whole, q = r div s per colour
  std::uint32_t matching = 0;
  const auto piece = [&](const Member& member, std::uint32_t colour, std::int64_t bytes) {
    const topo::PathId path = commodities[member.commodity].paths[colour];
    cuts.push_back({member.flow, path, bytes});
    if (bytes * m == f || bytes == f) return;
    for (const topo::LinkId l : fabric.path(path)) inexact[l] += 1;
  };
  for (const Term& term : decompose(std::move(w), n, r)) {
    for (std::uint32_t t = 0; t < term.count; ++t, ++matching) {
      for (std::uint32_t i = 0; i < n; ++i) {
        const std::size_t at = std::size_t{i} * n + term.match[i];
        const Member member = cell[at][taken[at]++];
        if (matching < whole) {
          piece(member, matching % s, f);
          continue;
        }
        // Remainder matching j: its flows' m pieces take colours j*m .. j*m + m - 1 (mod s),
        // so over the r mod s remainder matchings every colour gets (r mod s) / gcd pieces.
        const std::uint32_t j = matching - whole;
        for (std::uint32_t part = 0; part < m; ++part)
          piece(member, (j * m + part) % s, f / m + (part < f % m ? 1 : 0));
      }
    }
  }
  return true;
}

}  // namespace

bool plan_exact(std::span<const Commodity> commodities, std::span<const StepFlow> flows,
                const topo::Fabric& fabric, std::span<const double> spray, std::vector<Cut>& cuts,
                std::vector<double>& bytes) {
  if (commodities.empty()) return false;
  std::map<std::vector<std::uint32_t>, ColourClass> classes;
  for (std::uint32_t k = 0; k < commodities.size(); ++k)
    classes[commodities[k].colours].commodities.push_back(k);
  std::vector<Cut> planned;
  std::vector<double> inexact(fabric.links.size(), 0.0);
  for (const auto& [colours, cls] : classes) {
    if (!plan_class(cls, commodities, flows, fabric, planned, inexact)) return false;
  }
  // Each link must carry what spraying puts on it (to the byte, but for the pieces a byte off
  // f / m): true on a leaf-spine and a fat-tree, where a path's links up to its top switch
  // depend only on its source and colour and the rest only on its destination and colour.
  std::vector<double> got = cut_bytes(planned, fabric);
  for (topo::LinkId l = 0; l < spray.size(); ++l) {
    if (std::abs(got[l] - spray[l]) > inexact[l] + 1e-9 * std::max(1.0, spray[l])) return false;
  }
  cuts.insert(cuts.end(), planned.begin(), planned.end());
  bytes = std::move(got);
  return true;
}

}  // namespace fabricsim::routing::planned
