#include "engine/resource_estimate.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <variant>

#include "core/limits.hpp"
#include "core/unit_parse.hpp"
#include "io/routing_trace_reader.hpp"
#include "net/link_sampler.hpp"
#include "routing/policy.hpp"
#include "topo/leaf_spine.hpp"
#include "traffic/workload.hpp"

namespace fabricsim::engine {
namespace {

using core::saturating_add;
using core::saturating_mul;

// Bytes of state, from the peak RSS of runs on this code (bench/scenarios/a2a-*.yaml at
// several group sizes): flow model 367 B per flow with one subflow and 268 B per extra
// subflow; packet model 813 B per 16-packet flow. The constants round those up (the packet
// ones assume every window is out at once), so the estimate is an upper bound.
constexpr std::uint64_t kBytesPerFlow = 128;           // demand, /app_flows row, HDF5 copies
constexpr std::uint64_t kBytesPerFluidSubflow = 288;   // /flows row, route, solver uses
constexpr std::uint64_t kBytesPerPacketSubflow = 512;  // /flows row, sender, receiver
constexpr std::uint64_t kBytesPerPacket = 64;          // a pooled packet record
constexpr std::uint64_t kBytesBase = 32ull << 20;      // the program, HDF5 and yaml-cpp

/// What one workload adds: flows, bytes sent and time it spends outside transfers.
struct WorkloadFigures {
  std::uint64_t flows = 0;
  double bytes = 0;
  double start_s = 0;
  double busy_s = 0;              // compute, and the span background flows arrive over
  std::uint64_t extra_bytes = 0;  // state of its own: MoE token routes
};

double seconds(core::Time t) { return t.seconds(); }

/// The figures of each workload kind (a visitor over traffic::WorkloadSpec), from its spec
/// and the topology's host count and rate alone.
struct FiguresOf {
  std::uint32_t hosts;
  core::Bitrate host_rate;

  std::uint32_t gpus(const traffic::Placement& p) const { return traffic::placed_count(p, hosts); }

  WorkloadFigures operator()(const traffic::PermutationSpec& w) const {
    const std::uint64_t n = gpus(w.placement);
    return {n, static_cast<double>(n) * static_cast<double>(w.bytes.count()), seconds(w.start), 0};
  }
  WorkloadFigures operator()(const traffic::AllToAllSpec& w) const {
    const std::uint64_t g = gpus(w.placement);
    const std::uint64_t group = w.group_size == 0 ? g : w.group_size;
    const std::uint64_t pairs = g * (group - 1);
    return {saturating_mul(pairs, w.chunks),
            static_cast<double>(pairs) * static_cast<double>(w.bytes.count()), seconds(w.start), 0};
  }
  WorkloadFigures operator()(const traffic::CollectiveSpec& w) const {
    const std::uint32_t g = gpus(w.placement);
    // Every algorithm moves at most twice the buffer out of each GPU per iteration.
    const double bytes = 2.0 * static_cast<double>(w.bytes.count()) * g * w.iterations;
    return {traffic::collective_flows(w, g), bytes, seconds(w.start),
            static_cast<double>(w.iterations) * seconds(w.compute)};
  }
  WorkloadFigures operator()(const traffic::MoeSpec& w) const {
    const std::uint64_t g = gpus(w.placement);
    const std::uint64_t passes =
        saturating_mul(std::uint64_t{w.layers} * w.iterations, w.backward ? 2 : 1);
    const std::uint32_t widest =
        std::max({w.bytes_per_element, w.dispatch_bytes_per_element, w.combine_bytes_per_element});
    // Each GPU dispatches and combines every local token to top_k experts per pass.
    const double per_pass = 2.0 * static_cast<double>(g) * w.tokens_per_gpu * w.top_k *
                            static_cast<double>(w.hidden) * widest;
    // The busiest GPU could compute every token of the group.
    const double compute = w.flops_per_token > 0 ? static_cast<double>(g) * w.tokens_per_gpu *
                                                       w.top_k * w.flops_per_token / w.gpu_flops
                                                 : 0;
    // A GPU sends only to GPUs that host an expert (replicas included), and without a trace
    // to at most tokens_per_gpu x top_k of them.
    const bool replicate = w.balancer.kind == traffic::BalancerSpec::Kind::replicate;
    std::uint64_t peers = std::min<std::uint64_t>(
        g - 1, std::uint64_t{w.experts} + (replicate ? w.balancer.replicas : 0));
    if (w.routing_trace.empty()) peers = std::min(peers, std::uint64_t{w.tokens_per_gpu} * w.top_k);
    // Each token slot keeps its source and expert ids, and the per-GPU and per-pair counts
    // built from them, while a layer is routed: 16 bytes a slot (moe-4096 measured).
    const std::uint64_t routes = saturating_mul(g * w.tokens_per_gpu, std::uint64_t{w.top_k} * 16);
    return {saturating_mul(g * peers * 2, passes), per_pass * static_cast<double>(passes),
            seconds(w.start), compute * static_cast<double>(passes), routes};
  }
  WorkloadFigures operator()(const traffic::ConnectionMatrixSpec& w) const {
    return {w.connections, w.total_bytes, seconds(w.start + w.last_start), 0};
  }
  WorkloadFigures operator()(const traffic::BackgroundSpec& w) const {
    const double expected = traffic::expected_background_flows(w, gpus(w.placement), host_rate);
    const auto flows =
        static_cast<std::uint64_t>(std::min(std::ceil(expected), static_cast<double>(w.max_flows)));
    return {flows, static_cast<double>(flows) * w.sizes.mean_bytes(), seconds(w.start),
            seconds(w.duration)};
  }
};

/// The most subflows the policy makes of one flow: split's k, or for auto (s / gcd(r, s))
/// its worst case over the flows r leaving a leaf, which is s itself; replay's trace's most
/// pieces, or its fallback's.
std::uint32_t most_subflows(const scenario::Scenario& s) {
  const bool replay = s.routing.policy == "replay";
  routing::PolicyParams params = scenario::policy_params(s);
  if (replay) params.name = s.routing.fallback;
  const std::uint32_t traced = replay ? io::read_decision_trace(s.routing.trace).most_pieces() : 1;
  if (params.name.empty()) return traced;
  const std::unique_ptr<routing::Policy> policy = routing::make_policy(params);
  const topo::TopologySize size = topo::size_of(s.topology);
  return std::max(traced, policy->most_subflows(size.edge_uplinks, std::max(size.pair_paths, 1u)));
}

/// Packets one subflow may have out before its first ACK: its initial window, by default one
/// bandwidth-delay product of the longest route (four links there and back).
std::uint64_t window_packets(const scenario::Scenario& s) {
  const topo::TopologySize t = topo::size_of(s.topology);
  const std::int64_t mtu = std::max<std::int64_t>(s.transport.mtu.count(), 1);
  if (s.transport.initial_window.count() > 0) {
    return static_cast<std::uint64_t>((s.transport.initial_window.count() + mtu - 1) / mtu);
  }
  const double rtt_s = 2.0 * t.longest_route.seconds();
  const double bdp = static_cast<double>(t.host_link.rate.bps()) / 8 * rtt_s;
  // Clamped before the cast: 1 Pbps over 10^6 s links is ~10^21 bytes.
  return static_cast<std::uint64_t>(std::min(std::ceil(bdp / static_cast<double>(mtu)), 1e18)) + 1;
}

/// "12.3 GiB", or "45.6 MiB" below 1 GiB.
std::string size_text(std::uint64_t bytes) {
  const bool gib = bytes >= (1ull << 30);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s",
                static_cast<double>(bytes) / (gib ? 1ull << 30 : 1ull << 20), gib ? "GiB" : "MiB");
  return buf;
}

/// The memory limit of this process's cgroup (v2), or UINT64_MAX when there is none.
std::uint64_t cgroup_limit() {
  std::ifstream in("/sys/fs/cgroup/memory.max");
  std::string text;
  if (!(in >> text) || text == "max") return std::numeric_limits<std::uint64_t>::max();
  try {
    return std::stoull(text);
  } catch (const std::exception&) {
    return std::numeric_limits<std::uint64_t>::max();
  }
}

}  // namespace

ResourceEstimate estimate_resources(const scenario::Scenario& s) {
  ResourceEstimate e;
  const topo::TopologySize size = topo::size_of(s.topology);
  const auto hosts = static_cast<std::uint32_t>(size.hosts);
  const FiguresOf figures_of{hosts, size.host_link.rate};
  double bytes = 0, latest_start = 0, busy = 0;
  std::uint64_t extra = 0;
  for (const traffic::WorkloadSpec& spec : s.workloads) {
    const WorkloadFigures f = std::visit(figures_of, spec);
    e.flows = saturating_add(e.flows, f.flows);
    bytes += f.bytes;
    latest_start = std::max(latest_start, f.start_s);
    busy += f.busy_s;
    extra = saturating_add(extra, f.extra_bytes);
  }
  e.subflows_per_flow = most_subflows(s);
  e.subflows = saturating_mul(e.flows, e.subflows_per_flow);
  e.paths = size.paths;
  const bool packet = s.model == "packet";
  if (packet) {
    // Every first window at once, but never more packets than all the bytes make.
    const double payload = static_cast<double>(
        std::max<std::int64_t>(s.transport.mtu.count() - s.transport.header.count(), 1));
    const double all_packets = std::ceil(bytes / payload) + static_cast<double>(e.subflows);
    const std::uint64_t windows = saturating_mul(e.subflows, window_packets(s));
    e.packets_in_flight = all_packets < static_cast<double>(windows)
                              ? static_cast<std::uint64_t>(all_packets)
                              : windows;
  }
  e.state_bytes = saturating_add(
      saturating_add(
          saturating_mul(e.flows, kBytesPerFlow),
          saturating_mul(e.subflows, packet ? kBytesPerPacketSubflow : kBytesPerFluidSubflow)),
      saturating_add(saturating_add(saturating_mul(e.packets_in_flight, kBytesPerPacket),
                                    topo::catalog_bytes(size)),
                     saturating_add(kBytesBase, extra)));
  // Max-min keeps some link saturated while flows are left, so all bytes through the slowest
  // link bound the transfer time from above.
  const std::int64_t slowest = size.slowest.bps();
  // Each flow may wait one route latency behind the one before it.
  const double route_s = size.longest_route.seconds();
  e.horizon_seconds = latest_start + busy + static_cast<double>(e.flows) * route_s +
                      bytes * 8 / static_cast<double>(std::max<std::int64_t>(slowest, 1));
  // Packet model: the link series, one sample of every link per interval up to its cap.
  if (packet && s.output.sample_interval.ps() > 0) {
    const auto links = static_cast<double>(size.links);
    const double samples = e.horizon_seconds / s.output.sample_interval.seconds() + 1;
    const double cells =
        std::min(links * samples, static_cast<double>(net::LinkSampler::kMaxCells));
    e.state_bytes = saturating_add(e.state_bytes, static_cast<std::uint64_t>(cells) * 16);
  }
  return e;
}

std::uint64_t default_memory_limit() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page = sysconf(_SC_PAGE_SIZE);
  const std::uint64_t physical =
      pages > 0 && page > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page)
                            : std::uint64_t{4} << 30;
  return std::min(physical, cgroup_limit()) / 10 * 8;
}

void check_resources(const ResourceEstimate& e, std::uint64_t memory_limit,
                     const std::string& limit_source) {
  const std::string figures = core::format_count(e.flows) + " flows, " +
                              core::format_count(e.subflows) + " subflows (up to " +
                              std::to_string(e.subflows_per_flow) + " per flow), " +
                              core::format_count(e.packets_in_flight) + " packets in flight, " +
                              core::format_count(e.paths) + " paths";
  if (e.subflows > kMaxSubflowsTotal) {
    throw ResourceError("the scenario needs " + figures + ": more than the limit of " +
                        core::format_count(kMaxSubflowsTotal) +
                        " subflows in all (fewer flows, or fewer routing.subflows)");
  }
  if (e.state_bytes > memory_limit) {
    throw ResourceError("the scenario needs about " + size_text(e.state_bytes) + " of memory (" +
                        figures + "), more than the limit of " + size_text(memory_limit) + " (" +
                        limit_source + "; --max-memory sets it)");
  }
  if (!(e.horizon_seconds <= core::kMaxSimulatedTime.seconds())) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3g s", e.horizon_seconds);
    throw ResourceError("the scenario may run to " + std::string(buf) +
                        " of simulated time (latest start + compute + a route latency per flow + "
                        "every byte at the slowest link), more than the clock's limit of " +
                        core::format_time(core::kMaxSimulatedTime) +
                        "; shorten start times, sizes or compute, or raise link rates");
  }
}

std::string format_estimate(const ResourceEstimate& e, std::uint64_t memory_limit) {
  char horizon[32];
  std::snprintf(horizon, sizeof horizon, "%.3g s", e.horizon_seconds);
  return "# resource estimate: " + core::format_count(e.flows) + " flows, " +
         core::format_count(e.subflows) + " subflows (up to " +
         std::to_string(e.subflows_per_flow) + " per flow), " +
         core::format_count(e.packets_in_flight) + " packets in flight, " +
         core::format_count(e.paths) + " paths, about " + size_text(e.state_bytes) +
         " of state (limit " + size_text(memory_limit) + "), simulated time at most " + horizon +
         "\n";
}

}  // namespace fabricsim::engine
