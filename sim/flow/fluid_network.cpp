#include "flow/fluid_network.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace fabricsim::flow {
namespace {

std::vector<double> link_capacities(const topo::Fabric& fabric) {
  std::vector<double> capacity;
  capacity.reserve(fabric.links.size());
  for (const topo::Link& link : fabric.links) capacity.push_back(link.rate.bytes_per_ps());
  return capacity;
}

}  // namespace

FluidNetwork::FluidNetwork(core::EventQueue& queue, const topo::Fabric& fabric,
                           const routing::Router& router, core::Time resolve_interval,
                           bool links_change, model::DeliveryListener& listener)
    : queue_(queue),
      fabric_(fabric),
      router_(router),
      listener_(listener),
      links_change_(links_change),
      model_(queue, link_capacities(fabric), *this, resolve_interval),
      link_tx_(fabric.links.size(), 0.0) {
  // The even-spread cache keys by edge pair: hosts of one port each (every edge pair of a
  // multi-port fabric is not one host pair's whole spread).
  if (router.policy().spreads_evenly() && !links_change && fabric.ports == 1) {
    constraint_of_ = even_spread_classes(fabric);
    spread_ = std::make_unique<EvenSpreadCache>(fabric, constraint_of_);
  } else {
    constraint_of_.resize(fabric.links.size());
    std::iota(constraint_of_.begin(), constraint_of_.end(), topo::LinkId{0});
  }
}

std::uint32_t FluidNetwork::start_flow(const routing::FlowKey& key, std::int64_t bytes) {
  const routing::Candidates candidates = router_.candidates(key.src_host, key.dst_host);
  // An even spread takes every candidate at 1/n: no need to list them per flow.
  std::int32_t path_id = candidates.size() == 1 ? static_cast<std::int32_t>(candidates[0]) : -1;
  std::uint32_t id = 0;
  std::int64_t latency = 0;
  if (spread_) {
    latency = start_spread(key, bytes, id);
  } else {
    router_.choose(key, shares_);
    path_id = shares_.size() == 1 ? static_cast<std::int32_t>(shares_[0].path) : -1;
    latency = uses_of_shares(key.src_host, key.dst_host);
    for (const LinkUse& u : uses_) link_tx_[u.link] += static_cast<double>(bytes) * u.fraction;
    id = model_.start_flow(constraints_of_uses(), static_cast<double>(bytes));
  }
  latency_ps_.push_back(latency);
  path_id_.push_back(path_id);
  if (links_change_) {
    keys_.push_back(key);
    flow_uses_.emplace_back(uses_.begin(), uses_.end());
  }
  return id;
}

/// Sets `uses_` to the links of the paths in `shares_` (host links included), each with the
/// flow's fraction on it; returns the route latency (the longest path's).
std::int64_t FluidNetwork::uses_of_shares(std::uint32_t src, std::uint32_t dst) {
  uses_.clear();
  std::int64_t latency = 0;
  // One port: the host links carry the whole flow. Several: each share's port carries it.
  const bool one_port = fabric_.ports == 1;
  const std::size_t pair = one_port ? fabric_.pair_of_ports(src, dst) : 0;
  if (one_port) {
    uses_.push_back({fabric_.host_uplink[src], 1.0});
    uses_.push_back({fabric_.host_downlink[dst], 1.0});
  }
  for (const routing::PathShare& share : shares_) {
    if (!one_port) {
      uses_.push_back({fabric_.uplink(src, share.path), share.fraction});
      uses_.push_back({fabric_.downlink(dst, share.path), share.fraction});
    }
    const topo::PathLinks links =
        one_port ? fabric_.catalog.links(pair, share.path) : fabric_.catalog.links(share.path);
    for (const topo::LinkId l : links) uses_.push_back({l, share.fraction});
    latency = std::max(latency, fabric_.route_latency(src, dst, share.path).ps());
  }
  merge_by_link(uses_);
  return latency;
}

/// The start of a flow spread evenly over all its paths: the per-link fractions and
/// constraints of its edge pair come from the cache (computed on the pair's first flow), the
/// same values uses_of_shares() would compute from the n paths.
std::int64_t FluidNetwork::start_spread(const routing::FlowKey& key, std::int64_t bytes,
                                        std::uint32_t& id) {
  uses_.clear();
  std::int64_t latency = 0;
  if (spread_->uses(key.src_host, key.dst_host, uses_)) {
    latency = spread_->latency_ps(key.src_host, key.dst_host);
  } else {
    // Not cacheable (never on the built-in fabrics): list the paths as any policy does.
    router_.choose(key, shares_);
    latency = uses_of_shares(key.src_host, key.dst_host);
  }
  for (const LinkUse& u : uses_) link_tx_[u.link] += static_cast<double>(bytes) * u.fraction;
  constraint_uses_.clear();
  const std::span<const LinkUse> constraints =
      spread_->constraints(key.src_host, key.dst_host, constraint_uses_)
          ? std::span<const LinkUse>(constraint_uses_)
          : constraints_of_uses();
  id = model_.start_flow(constraints, static_cast<double>(bytes));
  return latency;
}

/// The flow's uses as solver constraints: one per constraint class (equal fractions within).
std::span<const LinkUse> FluidNetwork::constraints_of_uses() {
  constraint_uses_.clear();
  for (const LinkUse& u : uses_) constraint_uses_.push_back({constraint_of_[u.link], u.fraction});
  std::sort(constraint_uses_.begin(), constraint_uses_.end(), by_link);
  const auto last =
      std::unique(constraint_uses_.begin(), constraint_uses_.end(),
                  [](const LinkUse& a, const LinkUse& b) { return a.link == b.link; });
  constraint_uses_.erase(last, constraint_uses_.end());
  return constraint_uses_;
}

void FluidNetwork::set_link(topo::LinkId link, bool up, core::Bitrate rate) {
  model_.set_capacity(link, up ? rate.bytes_per_ps() : 0.0);
  if (capacity_.empty()) {
    for (const topo::Link& l : fabric_.links) capacity_.push_back({0, l.rate.bytes_per_ps(), 0});
  }
  Capacity& c = capacity_[link];
  const std::int64_t now = queue_.now().ps();
  c.before_bytes += c.bytes_per_ps * static_cast<double>(now - c.since_ps);
  c.bytes_per_ps = up ? rate.bytes_per_ps() : 0.0;
  c.since_ps = now;
}

void FluidNetwork::reroute(std::uint32_t flow) {
  const routing::FlowKey& key = keys_[flow];
  // The bytes still to send leave the old links' totals for the new ones'.
  const double left = model_.remaining_bytes(flow);
  for (const LinkUse& u : flow_uses_[flow]) link_tx_[u.link] -= left * u.fraction;
  router_.choose(key, shares_);
  latency_ps_[flow] = uses_of_shares(key.src_host, key.dst_host);
  for (const LinkUse& u : uses_) link_tx_[u.link] += left * u.fraction;
  flow_uses_[flow].assign(uses_.begin(), uses_.end());
  path_id_[flow] = shares_.size() == 1 ? static_cast<std::int32_t>(shares_[0].path) : -1;
  model_.reroute(flow, constraints_of_uses());
}

/// The last byte left the source; it arrives one route latency later.
void FluidNetwork::on_flow_sent(std::uint32_t flow, core::Time now) {
  listener_.on_delivered(flow, now.ps() + latency_ps_[flow]);
}

void FluidNetwork::report(std::int64_t end_ps, metrics::Results& out) {
  // busy_fraction: the bytes carried over those the link could carry at the rates it had
  // (none while down).
  for (topo::LinkId l = 0; l < fabric_.links.size(); ++l) {
    const double capacity_bytes =
        capacity_.empty()
            ? fabric_.links[l].rate.bytes_per_ps() * static_cast<double>(end_ps)
            : capacity_[l].before_bytes +
                  capacity_[l].bytes_per_ps * static_cast<double>(end_ps - capacity_[l].since_ps);
    out.links.push_back(
        {l, std::llround(link_tx_[l]), capacity_bytes > 0 ? link_tx_[l] / capacity_bytes : 0.0});
  }
}

}  // namespace fabricsim::flow
