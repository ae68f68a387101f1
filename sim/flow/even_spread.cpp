#include "flow/even_spread.hpp"

#include <algorithm>
#include <map>

#include "core/rng.hpp"

namespace fabricsim::flow {
namespace {

constexpr std::uint8_t kEmpty = 0;
constexpr std::uint8_t kCached = 1;
constexpr std::uint8_t kUncacheable = 2;
constexpr std::uint32_t kIdLimit = std::uint32_t{1} << 24;  // ids packed in 24 bits
constexpr std::size_t kMaxFractions = 256;                  // indices packed in 8 bits

/// Merges `extra` (sorted, at most two) into the sorted `out` from `from` on. False when an
/// id of `extra` is already there (then the caller's own merge rule decides).
bool merge_in(std::vector<LinkUse>& out, std::size_t from, LinkUse a, LinkUse b) {
  if (b.link < a.link) std::swap(a, b);
  if (a.link == b.link) return false;
  for (const LinkUse& u : {a, b}) {
    const auto at =
        std::lower_bound(out.begin() + static_cast<std::ptrdiff_t>(from), out.end(), u, by_link);
    if (at != out.end() && at->link == u.link) return false;
    out.insert(at, u);
  }
  return true;
}

}  // namespace

void merge_by_link(std::vector<LinkUse>& uses) {
  std::sort(uses.begin(), uses.end(), by_link);
  std::size_t out = 0;
  for (std::size_t i = 0; i < uses.size(); ++i) {
    if (out > 0 && uses[out - 1].link == uses[i].link) {
      uses[out - 1].fraction += uses[i].fraction;
    } else {
      uses[out++] = uses[i];
    }
  }
  uses.resize(out);
}

std::vector<topo::LinkId> even_spread_classes(const topo::Fabric& fabric) {
  // signature(l) = sum over edge pairs of (paths of the pair through l) x hash(pair).
  std::vector<std::uint64_t> signature(fabric.links.size(), 0);
  for (std::size_t pair = 0; pair < fabric.catalog.pair_count(); ++pair) {
    const topo::PathRange range = fabric.catalog.range(pair);
    for (topo::PathId p = range.first; p < range.first + range.count; ++p) {
      for (const topo::LinkId l : fabric.catalog.links(pair, p)) signature[l] += core::mix64(pair);
    }
  }
  std::map<std::pair<std::uint64_t, std::int64_t>, topo::LinkId> first;
  std::vector<topo::LinkId> rep(fabric.links.size());
  for (topo::LinkId l = 0; l < fabric.links.size(); ++l) {
    rep[l] = signature[l] == 0
                 ? l
                 : first.try_emplace({signature[l], fabric.links[l].rate.bps()}, l).first->second;
  }
  return rep;
}

EvenSpreadCache::EvenSpreadCache(const topo::Fabric& fabric,
                                 const std::vector<topo::LinkId>& constraint_of)
    : fabric_(fabric),
      constraint_of_(constraint_of),
      pairs_(std::size_t{fabric.edge_count()} * fabric.edge_count()) {}

const EvenSpreadCache::Pair& EvenSpreadCache::pair(std::uint32_t src_host, std::uint32_t dst_host) {
  const std::size_t index = fabric_.pair_of_ports(src_host, dst_host);
  Pair& p = pairs_[index];
  if (p.state == kEmpty) fill(index, p);
  return p;
}

void EvenSpreadCache::fill(std::size_t index, Pair& p) {
  const topo::PathRange range = fabric_.catalog.range(index);
  const topo::PathId first = range.first, count = range.count;
  // What the per-flow merge computed: 1/n on every link of every path, sorted by link, the
  // shares of a link added one by one (all equal, so their order does not matter).
  scratch_.clear();
  std::int64_t longest = 0;
  const double share = count > 0 ? 1.0 / count : 0.0;
  for (topo::PathId path = first; path < first + count; ++path) {
    std::int64_t latency = 0;
    for (const topo::LinkId l : fabric_.catalog.links(index, path)) {
      scratch_.push_back({l, share});
      latency += fabric_.links[l].latency.ps();
    }
    longest = std::max(longest, latency);
  }
  merge_by_link(scratch_);
  p.path_latency_ps = longest;

  p.fractions_first = static_cast<std::uint32_t>(fractions_.size());
  const auto index_of = [&](double fraction) -> std::int64_t {
    const auto begin = fractions_.begin() + p.fractions_first;
    const auto at = std::find(begin, fractions_.end(), fraction);
    if (at != fractions_.end()) return at - begin;
    if (fractions_.size() - p.fractions_first == kMaxFractions) return -1;
    fractions_.push_back(fraction);
    return static_cast<std::int64_t>(fractions_.size() - 1 - p.fractions_first);
  };
  const std::size_t packed_start = packed_.size();
  const auto give_up = [&] {
    packed_.resize(packed_start);
    fractions_.resize(p.fractions_first);
    p.state = kUncacheable;
  };
  p.uses_first = static_cast<std::uint32_t>(packed_.size());
  for (const LinkUse& u : scratch_) {
    const std::int64_t f = index_of(u.fraction);
    if (f < 0 || u.link >= kIdLimit) return give_up();
    packed_.push_back(u.link << 8 | static_cast<std::uint32_t>(f));
  }
  p.uses_count = static_cast<std::uint32_t>(scratch_.size());

  // The same uses as constraint classes, one per class, as long as each class carries one
  // fraction (then which use of the class is kept makes no difference).
  for (LinkUse& u : scratch_) u.link = constraint_of_[u.link];
  std::sort(scratch_.begin(), scratch_.end(), by_link);
  p.classes_ok = true;
  p.classes_first = static_cast<std::uint32_t>(packed_.size());
  for (std::size_t i = 0; i < scratch_.size(); ++i) {
    if (i > 0 && scratch_[i].link == scratch_[i - 1].link) {
      p.classes_ok = p.classes_ok && scratch_[i].fraction == scratch_[i - 1].fraction;
      continue;
    }
    const std::int64_t f = index_of(scratch_[i].fraction);
    if (f < 0 || scratch_[i].link >= kIdLimit) return give_up();
    packed_.push_back(scratch_[i].link << 8 | static_cast<std::uint32_t>(f));
  }
  p.classes_count = static_cast<std::uint32_t>(packed_.size() - p.classes_first);
  p.state = kCached;
  ++pairs_cached_;
}

LinkUse EvenSpreadCache::unpack(const Pair& p, std::uint32_t packed) const {
  return {packed >> 8, fractions_[p.fractions_first + (packed & 0xff)]};
}

bool EvenSpreadCache::uses(std::uint32_t src_host, std::uint32_t dst_host,
                           std::vector<LinkUse>& out) {
  const Pair& p = pair(src_host, dst_host);
  if (p.state != kCached) return false;
  const std::size_t from = out.size();
  for (std::uint32_t i = 0; i < p.uses_count; ++i)
    out.push_back(unpack(p, packed_[p.uses_first + i]));
  if (!merge_in(out, from, {fabric_.host_uplink[src_host], 1.0},
                {fabric_.host_downlink[dst_host], 1.0})) {
    out.resize(from);
    return false;
  }
  return true;
}

bool EvenSpreadCache::constraints(std::uint32_t src_host, std::uint32_t dst_host,
                                  std::vector<LinkUse>& out) {
  const Pair& p = pair(src_host, dst_host);
  if (p.state != kCached || !p.classes_ok) return false;
  const std::size_t from = out.size();
  for (std::uint32_t i = 0; i < p.classes_count; ++i)
    out.push_back(unpack(p, packed_[p.classes_first + i]));
  if (!merge_in(out, from, {constraint_of_[fabric_.host_uplink[src_host]], 1.0},
                {constraint_of_[fabric_.host_downlink[dst_host]], 1.0})) {
    out.resize(from);
    return false;
  }
  return true;
}

std::int64_t EvenSpreadCache::latency_ps(std::uint32_t src_host, std::uint32_t dst_host) {
  const topo::PathRange range = fabric_.paths_between_hosts(src_host, dst_host);
  if (range.count == 0) return 0;  // no path
  const Pair& p = pair(src_host, dst_host);
  const std::int64_t hosts = (fabric_.links[fabric_.host_uplink[src_host]].latency +
                              fabric_.links[fabric_.host_downlink[dst_host]].latency)
                                 .ps();
  if (p.state == kCached) return hosts + p.path_latency_ps;
  std::int64_t longest = 0;
  for (topo::PathId path = range.first; path < range.first + range.count; ++path) {
    longest = std::max(longest, fabric_.route_latency(src_host, dst_host, path).ps());
  }
  return longest;
}

std::size_t EvenSpreadCache::bytes() const {
  return pairs_.size() * sizeof(Pair) + packed_.capacity() * sizeof(std::uint32_t) +
         fractions_.capacity() * sizeof(double);
}

}  // namespace fabricsim::flow
