// The general planner of the planned policy (docs/routing.md, section planned): a fractional
// min-max link load solve over the commodities' candidates (Frank-Wolfe on a smoothed
// maximum, with a certified lower bound), then a rounding of each commodity's path shares
// into pieces of its flows.
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <numeric>

#include "routing/planned_step.hpp"

namespace fabricsim::routing::planned {
namespace {

/// The fractional problem: column j is path paths[j - first[k]] of commodity k, row e a link
/// some column crosses; A(e, j) is the seconds commodity k's bytes take on link e.
struct Problem {
  Eigen::SparseMatrix<double> a;
  std::vector<std::uint32_t> first;    // per commodity: its first column; one past the end last
  std::vector<topo::LinkId> row_link;  // per row
};

Problem build(std::span<const Commodity> commodities, const topo::Fabric& fabric) {
  Problem pb;
  std::vector<std::uint32_t> row_of(fabric.links.size(), UINT32_MAX);
  std::vector<Eigen::Triplet<double>> entries;
  std::uint32_t column = 0;
  for (const Commodity& c : commodities) {
    pb.first.push_back(column);
    for (const topo::PathId p : c.paths) {
      for (const topo::LinkId l : fabric.path(p)) {
        if (row_of[l] == UINT32_MAX) {
          row_of[l] = static_cast<std::uint32_t>(pb.row_link.size());
          pb.row_link.push_back(l);
        }
        entries.emplace_back(row_of[l], column,
                             static_cast<double>(c.bytes) * seconds_per_byte(fabric, l));
      }
      ++column;
    }
  }
  pb.first.push_back(column);
  pb.a.resize(static_cast<Eigen::Index>(pb.row_link.size()), column);
  pb.a.setFromTriplets(entries.begin(), entries.end());
  return pb;
}

/// exp(beta (u - max u)), normalised to sum 1: the smoothed maximum's gradient.
Eigen::VectorXd softmax(const Eigen::VectorXd& u, double beta) {
  Eigen::VectorXd g = (beta * (u.array() - u.maxCoeff())).exp().matrix();
  return g / g.sum();
}

struct Fractional {
  Eigen::VectorXd x;  // per column: the commodity's share on the path
  double max = 0;
  double lower_bound = 0;
  std::uint32_t iterations = 0;
};

/// Frank-Wolfe on the smoothed maximum (1/beta) log sum exp(beta u) of the link loads u = A x,
/// from the even spread, each step toward the all-or-nothing routing of every commodity on
/// its cheapest path under the gradient's link weights, with an exact line search. Those
/// weights g (>= 0, summing to 1) also bound the optimum from below: any routing has
/// max u >= g . u >= sum over commodities of their cheapest path's cost. It stops when the best
/// iterate's max load is within the tolerance of the best bound.
Fractional solve(const Problem& pb, const PlannerOptions& options) {
  const std::size_t commodities = pb.first.size() - 1;
  Fractional out;
  out.x.resize(pb.a.cols());
  for (std::size_t k = 0; k < commodities; ++k) {
    const std::uint32_t n = pb.first[k + 1] - pb.first[k];
    out.x.segment(pb.first[k], n).setConstant(1.0 / n);
  }
  Eigen::VectorXd u = pb.a * out.x;
  Eigen::VectorXd x = out.x;
  out.max = u.size() > 0 ? u.maxCoeff() : 0.0;
  const double log_rows = std::log(std::max<double>(2.0, static_cast<double>(u.size())));
  Eigen::VectorXd vertex(pb.a.cols());
  while (out.max > 0 && out.iterations < options.max_iterations) {
    ++out.iterations;
    const double beta = 2.0 * log_rows / (options.tolerance * u.maxCoeff());
    const Eigen::VectorXd cost = pb.a.transpose() * softmax(u, beta);
    vertex.setZero();
    double bound = 0;
    for (std::size_t k = 0; k < commodities; ++k) {
      Eigen::Index best = 0;
      bound += cost.segment(pb.first[k], pb.first[k + 1] - pb.first[k]).minCoeff(&best);
      vertex[pb.first[k] + best] = 1.0;
    }
    out.lower_bound = std::max(out.lower_bound, bound);
    if (out.max <= (1.0 + options.tolerance) * out.lower_bound) break;
    const Eigen::VectorXd d = pb.a * vertex - u;
    // The smoothed maximum is convex along u + t d: bisect its slope on [0, 1].
    const auto slope = [&](double t) { return softmax(u + t * d, beta).dot(d); };
    if (slope(0.0) >= 0) break;  // no descent left at this smoothing
    double lo = 0, hi = 1;
    if (slope(1.0) <= 0) {
      lo = 1;
    } else {
      for (int i = 0; i < 40; ++i) ((slope(0.5 * (lo + hi)) < 0) ? lo : hi) = 0.5 * (lo + hi);
    }
    x = (1.0 - lo) * x + lo * vertex;
    u += lo * d;
    if (u.maxCoeff() < out.max) {
      out.max = u.maxCoeff();
      out.x = x;
    }
  }
  return out;
}

/// Integer bytes per path summing to `total`: the floors of `share * total`, the bytes left
/// going to the largest remainders (first path on ties).
std::vector<std::int64_t> integer_targets(const Eigen::Ref<const Eigen::VectorXd>& share,
                                          std::int64_t total) {
  const auto n = static_cast<std::size_t>(share.size());
  std::vector<std::int64_t> bytes(n);
  std::vector<double> rest(n);
  std::int64_t given = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double want =
        std::max(0.0, share[static_cast<Eigen::Index>(i)]) * static_cast<double>(total);
    bytes[i] = std::min(total, static_cast<std::int64_t>(std::floor(want)));
    rest[i] = want - static_cast<double>(bytes[i]);
    given += bytes[i];
  }
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return rest[a] > rest[b]; });
  // Shares sum to 1 up to rounding, so at most n bytes are left (or taken back).
  for (std::size_t i = 0; given != total; i = (i + 1) % n) {
    const std::int64_t step = given < total ? 1 : -1;
    if (step < 0 && bytes[order[i]] == 0) continue;
    bytes[order[i]] += step;
    given += step;
  }
  return bytes;
}

/// The flows of a commodity, largest first (then in step order).
std::vector<std::uint32_t> largest_first(const Commodity& c, std::span<const StepFlow> flows) {
  std::vector<std::uint32_t> order = c.flows;
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return flows[a].bytes > flows[b].bytes;
  });
  return order;
}

/// Lays the commodity's flows (largest first) end to end over its paths' byte intervals
/// (largest first) and cuts each flow at the path boundaries inside it, but never closer than
/// `min_piece` to the flow's last cut or its end; each piece goes to the path it overlaps
/// most (paths are indices into c.paths). False (cuts unchanged) when a flow would get more
/// pieces than its cap.
bool lay_out(const Commodity& c, std::span<const StepFlow> flows,
             std::span<const std::int64_t> targets, std::int64_t min_piece,
             std::vector<Cut>& cuts) {
  std::vector<std::uint32_t> paths;  // with bytes, largest first
  for (std::uint32_t p = 0; p < targets.size(); ++p) {
    if (targets[p] > 0) paths.push_back(p);
  }
  std::stable_sort(paths.begin(), paths.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return targets[a] > targets[b]; });
  std::vector<std::int64_t> edge{0};  // path h covers [edge[h], edge[h + 1])
  for (const std::uint32_t p : paths) edge.push_back(edge.back() + targets[p]);

  std::vector<Cut> out;
  std::int64_t at = 0;
  std::size_t h = 0;  // the path covering `at`
  std::vector<std::int64_t> cut_at;
  for (const std::uint32_t i : largest_first(c, flows)) {
    const std::int64_t end = at + flows[i].bytes;
    if (end == at) continue;
    cut_at.assign(1, at);
    for (std::size_t b = h + 1; b < paths.size() && edge[b] < end; ++b) {
      if (edge[b] - cut_at.back() >= min_piece && end - edge[b] >= min_piece)
        cut_at.push_back(edge[b]);
    }
    cut_at.push_back(end);
    if (cut_at.size() - 1 > c.max_pieces) return false;
    for (std::size_t q = 0; q + 1 < cut_at.size(); ++q) {
      const std::int64_t from = cut_at[q], to = cut_at[q + 1];
      while (edge[h + 1] <= from) ++h;
      std::size_t best = h;
      std::int64_t best_overlap = 0;
      for (std::size_t g = h; g < paths.size() && edge[g] < to; ++g) {
        const std::int64_t overlap = std::min(edge[g + 1], to) - std::max(edge[g], from);
        if (overlap > best_overlap) {
          best = g;
          best_overlap = overlap;
        }
      }
      out.push_back({i, c.paths[paths[best]], to - from});
    }
    at = end;
    while (h + 1 < paths.size() && edge[h + 1] <= at) ++h;
  }
  cuts.insert(cuts.end(), out.begin(), out.end());
  return true;
}

/// The rounding of the commodities laying out could not round within the cap (more paths than
/// pieces a flow may have), all together over the loads `bytes` the others left: each flow,
/// largest first, is cut into `cap` equal pieces (fewer if they would be under `min_piece`),
/// each placed on the candidate where it adds least to the sum of squared link loads (the
/// busiest links cost most, and every tier is balanced, not only the busiest one; ties: the
/// larger fractional share, then the first): Theorem 1's pieces, on paths chosen one at a time.
void place_greedily(std::span<const Commodity> commodities, std::span<const std::size_t> capped,
                    std::span<const StepFlow> flows, const Problem& pb, const Eigen::VectorXd& x,
                    const topo::Fabric& fabric, std::int64_t min_piece, std::vector<double>& bytes,
                    std::vector<Cut>& cuts) {
  struct Item {
    std::uint32_t flow;
    std::size_t commodity;
  };
  std::vector<Item> items;
  std::vector<std::vector<topo::PathLinks>> links(commodities.size());
  for (const std::size_t k : capped) {
    for (const std::uint32_t i : commodities[k].flows) items.push_back({i, k});
    for (const topo::PathId p : commodities[k].paths) links[k].push_back(fabric.path(p));
  }
  std::stable_sort(items.begin(), items.end(), [&](const Item& a, const Item& b) {
    return flows[a.flow].bytes > flows[b.flow].bytes;
  });
  for (const Item& item : items) {
    const Commodity& c = commodities[item.commodity];
    const std::int64_t f = flows[item.flow].bytes;
    const auto n = static_cast<std::int64_t>(
        std::clamp<std::int64_t>(f / std::max<std::int64_t>(min_piece, 1), 1, c.max_pieces));
    const std::size_t first = cuts.size();
    for (std::int64_t part = 0; part < n && f > 0; ++part) {
      const std::int64_t piece = f / n + (part < f % n ? 1 : 0);
      std::size_t best = 0;
      double best_load = 0;
      for (std::size_t p = 0; p < c.paths.size(); ++p) {
        double load = 0;
        for (const topo::LinkId l : links[item.commodity][p]) {
          const double before = bytes[l] * seconds_per_byte(fabric, l);
          const double after =
              (bytes[l] + static_cast<double>(piece)) * seconds_per_byte(fabric, l);
          load += after * after - before * before;
        }
        const double share = x[pb.first[item.commodity] + p];
        if (p == 0 || load < best_load ||
            (load == best_load && share > x[pb.first[item.commodity] + best])) {
          best = p;
          best_load = load;
        }
      }
      for (const topo::LinkId l : links[item.commodity][best])
        bytes[l] += static_cast<double>(piece);
      const auto same = std::find_if(cuts.begin() + static_cast<std::ptrdiff_t>(first), cuts.end(),
                                     [&](const Cut& cut) { return cut.path == c.paths[best]; });
      if (same != cuts.end()) {
        same->bytes += piece;
      } else {
        cuts.push_back({item.flow, c.paths[best], piece});
      }
    }
  }
}

}  // namespace

void plan_balanced(std::span<const Commodity> commodities, std::span<const StepFlow> flows,
                   const topo::Fabric& fabric, const PlannerOptions& options,
                   std::vector<Cut>& cuts, PlanReport& report) {
  const Problem pb = build(commodities, fabric);
  const Fractional frac = solve(pb, options);
  report.fractional_max = frac.max;
  report.lower_bound = frac.lower_bound;
  report.iterations = frac.iterations;

  // Rounding: laid out per commodity, or placed together when the cap binds.
  std::vector<std::size_t> capped;
  for (std::size_t k = 0; k < commodities.size(); ++k) {
    const auto share = frac.x.segment(pb.first[k], pb.first[k + 1] - pb.first[k]);
    if (!lay_out(commodities[k], flows, integer_targets(share, commodities[k].bytes),
                 options.min_piece_bytes, cuts))
      capped.push_back(k);
  }
  if (!capped.empty()) {
    std::vector<double> bytes = cut_bytes(cuts, fabric);
    place_greedily(commodities, capped, flows, pb, frac.x, fabric, options.min_piece_bytes, bytes,
                   cuts);
  }
  report.greedy_commodities = static_cast<std::uint32_t>(capped.size());

  // What the rounding adds to each link: the bytes by which a commodity's pieces on a path
  // exceed its fractional bytes there.
  std::vector<std::uint32_t> commodity_of(flows.size(), 0);
  for (std::uint32_t k = 0; k < commodities.size(); ++k) {
    for (const std::uint32_t i : commodities[k].flows) commodity_of[i] = k;
  }
  Eigen::VectorXd placed = Eigen::VectorXd::Zero(pb.a.cols());
  for (const Cut& cut : cuts) {
    const std::uint32_t k = commodity_of[cut.flow];
    const std::vector<topo::PathId>& paths = commodities[k].paths;
    const auto p = std::find(paths.begin(), paths.end(), cut.path) - paths.begin();
    placed[pb.first[k] + p] += static_cast<double>(cut.bytes);
  }
  std::vector<double> excess(fabric.links.size(), 0.0);
  for (std::uint32_t k = 0; k < commodities.size(); ++k) {
    const Commodity& c = commodities[k];
    for (std::size_t p = 0; p < c.paths.size(); ++p) {
      const Eigen::Index j = pb.first[k] + static_cast<Eigen::Index>(p);
      const double over = placed[j] - frac.x[j] * static_cast<double>(c.bytes);
      if (over <= 0) continue;
      for (const topo::LinkId l : fabric.path(c.paths[p])) excess[l] += over;
    }
  }
  report.rounding_bound = max_load(excess, fabric);
}

}  // namespace fabricsim::routing::planned
