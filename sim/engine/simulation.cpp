#include "engine/simulation.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <numeric>

#include "core/event_queue.hpp"
#include "core/rng.hpp"
#include "engine/even_spread.hpp"
#include "engine/link_sampler.hpp"
#include "engine/step_bound.hpp"
#include "flow/flow_model.hpp"
#include "io/moe_trace_reader.hpp"
#include "net/packet_model.hpp"
#include "routing/router.hpp"
#include "scenario/link_events.hpp"
#include "topo/topology.hpp"
#include "traffic/workload.hpp"

namespace fabricsim::engine {
namespace {

constexpr std::uint32_t kRelease = 0;   // event tag = 2 * step + kind
constexpr std::uint32_t kComplete = 1;
constexpr std::uint32_t kRoceV2Port = 4791;
constexpr std::uint64_t kProgressEvery = 64;  // events between progress callbacks

std::vector<double> link_capacities(const topo::Fabric& fabric) {
  std::vector<double> capacity;
  capacity.reserve(fabric.links.size());
  for (const topo::Link& link : fabric.links) capacity.push_back(link.rate.bytes_per_ps());
  return capacity;
}

/// Maps each link to the first link of its constraint class. When every flow spreads evenly
/// over all its paths, links with the same rate that carry the same share of every edge
/// pair's flows (a leaf's uplinks on a leaf-spine) always carry the same load: one max-min
/// constraint serves them all, so a sprayed flow has 4 solver uses instead of 2 + 2s.
std::vector<topo::LinkId> even_spread_classes(const topo::Fabric& fabric) {
  // signature(l) = sum over edge pairs of (paths of the pair through l) x hash(pair).
  std::vector<std::uint64_t> signature(fabric.links.size(), 0);
  for (std::uint32_t pair = 0; pair + 1 < fabric.pair_offset.size(); ++pair) {
    for (topo::PathId p = fabric.pair_offset[pair]; p < fabric.pair_offset[pair + 1]; ++p) {
      for (const topo::LinkId l : fabric.path(p)) signature[l] += core::mix64(pair);
    }
  }
  std::map<std::pair<std::uint64_t, std::int64_t>, topo::LinkId> first;
  std::vector<topo::LinkId> rep(fabric.links.size());
  for (topo::LinkId l = 0; l < fabric.links.size(); ++l) {
    rep[l] = signature[l] == 0 ? l : first.try_emplace({signature[l], fabric.links[l].rate.bps()}, l).first->second;
  }
  return rep;
}

/// Progress state of one workload step.
struct StepState {
  std::uint32_t deps_left = 0;
  std::uint64_t flows_left = 0;
  std::int64_t start_ps = -1;
  std::int64_t end_ps = -1;      // last byte of the step delivered
  std::vector<std::uint32_t> dependents;
};

}  // namespace

class Simulation::Impl : public core::Handler, public flow::FlowListener, public net::PacketListener {
  /// Scenario `events:`: tag 2i changes the links of event i, tag 2i + 1 is routing learning
  /// of it (routing.failure_detection later).
  struct LinkEvents final : core::Handler {
    Impl& sim;
    explicit LinkEvents(Impl& s) : sim(s) {}
    void on_event(std::uint32_t tag, core::Time now) override {
      const scenario::LinkEvent& e = sim.link_events_[tag / 2];
      if (tag % 2 == 0) {
        sim.change_links(e, now);
      } else {
        sim.reroute_around(e);
      }
    }
  };

 public:
  explicit Impl(const scenario::Scenario& scenario)
      : scenario_(scenario),
        fabric_(topo::build_fabric(scenario.topology)),
        workload_(traffic::generate(scenario.workloads, traffic_context())),
        policy_(routing::make_policy({.name = scenario.routing.policy,
                                      .subflows = scenario.routing.subflows,
                                      .salt = core::mix64(scenario.seed ^
                                                          core::hash_name("routing.salt")),
                                      .flowlet_gap = scenario.routing.flowlet_gap})),
        router_(fabric_, *policy_),
        link_events_(scenario::resolve_events(fabric_, scenario)),
        steps_(workload_.steps.size()),
        link_tx_(fabric_.links.size(), 0.0),
        flows_from_edge_(fabric_.edge_count(), 0) {
    for (const topo::Link& link : fabric_.links) link_state_.push_back({true, link.rate});
    if (scenario.model == "packet") {
      const net::PacketParams params{.transport = scenario.transport,
                                     .switches = scenario.switches,
                                     .seed = scenario.seed};
      packets_ = std::make_unique<net::PacketModel>(queue_, fabric_, router_, params, *this);
      if (scenario.output.sample_interval.ps() > 0) {
        sampler_ = std::make_unique<LinkSampler>(
            queue_, [this] { return packets_->links(); }, scenario.output.sample_interval,
            [this] { return steps_left_ > 0; });
      }
    } else {
      fluid_ = std::make_unique<flow::FlowModel>(queue_, link_capacities(fabric_), *this,
                                                 scenario.flow.resolve_interval);
    }
    // Failures break the symmetry the even-spread shortcuts rely on.
    if (policy_->spreads_evenly() && link_events_.empty()) {
      constraint_of_ = even_spread_classes(fabric_);
      if (fluid_) spread_ = std::make_unique<EvenSpreadCache>(fabric_, constraint_of_);
    } else {
      constraint_of_.resize(fabric_.links.size());
      std::iota(constraint_of_.begin(), constraint_of_.end(), topo::LinkId{0});
    }
    for (std::uint32_t e = 0; e < fabric_.edge_count(); ++e) uplinks_.push_back(fabric_.uplink_count(e));
    for (std::uint32_t s = 0; s < workload_.steps.size(); ++s) {
      const traffic::Step& step = workload_.steps[s];
      steps_[s].deps_left = static_cast<std::uint32_t>(step.deps.size());
      for (const std::uint32_t d : step.deps) steps_[d].dependents.push_back(s);
      app_flows_total_ += step.demands.size();
      for (const traffic::Demand& d : step.demands) bytes_total_ += d.bytes.count();
    }
    steps_left_ = steps_.size();
  }

  const topo::Fabric& fabric() const { return fabric_; }

  /// What the traffic generators need: host count and rate, seed, and trace files.
  traffic::Context traffic_context() {
    return {.hosts = fabric_.host_count(),
            .host_rate = topo::size_of(scenario_.topology).host_link.rate,
            .seed = scenario_.seed,
            .moe_trace = [this](const std::string& path) -> const traffic::MoeTrace& {
              auto it = traces_.find(path);
              if (it == traces_.end()) it = traces_.emplace(path, io::read_moe_trace(path)).first;
              return it->second;
            }};
  }

  metrics::Results run(const std::function<void(const Progress&)>& on_progress) {
    const auto wall_start = std::chrono::steady_clock::now();
    if (sampler_) sampler_->start();  // first, so the sample at 0 sees the idle fabric
    // Before the steps, so a change at time t applies before flows that start at t.
    for (std::uint32_t i = 0; i < link_events_.size(); ++i) queue_.schedule(link_events_[i].at, link_handler_, 2 * i);
    for (std::uint32_t s = 0; s < steps_.size(); ++s) {
      if (steps_[s].deps_left == 0) {
        queue_.schedule(workload_.steps[s].delay, *this, 2 * s + kRelease);
      }
    }
    while (queue_.run_next()) {
      if (on_progress && queue_.dispatched() % kProgressEvery == 0) {
        on_progress({queue_.now(), app_flows_done_, app_flows_total_, queue_.dispatched(),
                     bytes_done_, bytes_total_});
      }
    }
    const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - wall_start;
    return collect(wall.count());
  }

  void on_event(std::uint32_t tag, core::Time now) override {
    const std::uint32_t s = tag / 2;
    if (tag % 2 == kRelease) {
      release(s, now);
    } else {
      complete(s, now);
    }
  }

  /// Flow model: the last byte left the source; it arrives one route latency later.
  void on_flow_sent(std::uint32_t flow, core::Time now) override {
    finish(flow, now.ps() + flow_latency_ps_[flow]);
  }

  /// Packet model: the last packet arrived at the destination.
  void on_flow_delivered(std::uint32_t flow, core::Time now) override { finish(flow, now.ps()); }

 private:
  void finish(std::uint32_t flow, std::int64_t end_ps) {
    metrics::FlowRecord& record = flows_[flow];
    record.end_ps = end_ps;
    StepState& step = steps_[record.step_id];
    step.end_ps = std::max(step.end_ps, record.end_ps);
    bytes_done_ += record.bytes;
    // Running max over the subflows so far; collect() clears it while some are left.
    metrics::AppFlowRecord& app = app_flows_[record.app_flow];
    app.end_ps = std::max(app.end_ps, end_ps);
    if (--subflows_left_[record.app_flow] == 0) ++app_flows_done_;
    if (--step.flows_left == 0) {
      queue_.schedule(core::Time::ps(step.end_ps), *this, 2 * record.step_id + kComplete);
    }
  }

  void release(std::uint32_t s, core::Time now) {
    const traffic::Step& step = workload_.steps[s];
    steps_[s].start_ps = now.ps();
    // r of the splitting rule: this step's flows leaving each leaf for another leaf.
    std::fill(flows_from_edge_.begin(), flows_from_edge_.end(), 0u);
    for (const traffic::Demand& d : step.demands) {
      if (fabric_.host_edge[d.src] != fabric_.host_edge[d.dst]) ++flows_from_edge_[fabric_.host_edge[d.src]];
    }
    for (const traffic::Demand& d : step.demands) {
      const std::uint32_t edge = fabric_.host_edge[d.src];
      const std::uint32_t k = edge == fabric_.host_edge[d.dst]
                                  ? 1
                                  : policy_->subflows({flows_from_edge_[edge], uplinks_[edge]});
      const auto app_flow = static_cast<std::uint32_t>(subflows_left_.size());
      subflows_left_.push_back(k);
      app_flows_.push_back({.id = app_flow,
                            .src = d.src,
                            .dst = d.dst,
                            .bytes = d.bytes.count(),
                            .start_ps = now.ps(),
                            .end_ps = -1,
                            .subflows = k,
                            .step_id = s});
      for (std::uint32_t i = 0; i < k; ++i) {
        // Equal subflows; the first (bytes mod k) carry one byte more.
        const std::int64_t bytes = d.bytes.count() / k + (i < d.bytes.count() % k ? 1 : 0);
        start_flow(s, d, app_flow, i, bytes, now);
      }
      steps_[s].flows_left += k;
    }
    steps_[s].end_ps = now.ps() + step.compute.ps();
    if (steps_[s].flows_left == 0) queue_.schedule(core::Time::ps(steps_[s].end_ps), *this, 2 * s + kComplete);
  }

  void start_flow(std::uint32_t s, const traffic::Demand& d, std::uint32_t app_flow,
                  std::uint32_t subflow, std::int64_t bytes, core::Time now) {
    const routing::FlowTuple tuple{d.src, d.dst, app_flow, kRoceV2Port + subflow};
    const std::span<const topo::PathId> candidates = router_.candidates(d.src, d.dst);
    // An even spread takes every candidate at 1/n: no need to list them per flow.
    std::int32_t path_id = candidates.size() == 1 ? static_cast<std::int32_t>(candidates[0]) : -1;
    if (!policy_->spreads_evenly() || (fluid_ && !spread_)) {
      router_.choose(tuple, shares_);
      path_id = shares_.size() == 1 ? static_cast<std::int32_t>(shares_[0].path) : -1;
    }
    std::uint32_t id = 0;
    std::int64_t latency = 0;  // the packet model delivers after propagation itself
    if (packets_) {
      id = packets_->start_flow(d.src, d.dst, core::Bytes(bytes), tuple);
    } else if (spread_) {
      latency = start_spread(d, tuple, bytes, id);
    } else {
      latency = start_fluid(d, bytes, id);
    }
    flows_.push_back({.id = id,
                      .src = d.src,
                      .dst = d.dst,
                      .bytes = bytes,
                      .start_ps = now.ps(),
                      .end_ps = -1,
                      .step_id = s,
                      .app_flow = app_flow,
                      .path_id = path_id});
    flow_latency_ps_.push_back(latency);
    if (!link_events_.empty()) {
      tuples_.push_back(tuple);
      if (fluid_) flow_uses_.emplace_back(uses_.begin(), uses_.end());
    }
  }

  /// Event: the links change now (both models), and routing learns of it once the
  /// detection delay has passed (at once when it is 0).
  void change_links(const scenario::LinkEvent& e, core::Time now) {
    for (const topo::LinkId l : e.links) {
      LinkState& state = link_state_[l];
      if (e.action == scenario::EventSpec::Action::rate) {
        state.rate = e.rate;
      } else {
        state.up = e.action == scenario::EventSpec::Action::up;
      }
      if (fluid_) {
        fluid_->set_capacity(l, state.up ? state.rate.bytes_per_ps() : 0.0);
      } else {
        packets_->set_link(l, state.up, state.rate);
      }
      link_event_records_.push_back({now.ps(), l, scenario::to_string(e.action), state.up ? state.rate.bps() : 0});
    }
    if (e.action == scenario::EventSpec::Action::rate) return;
    const core::Time delay = scenario_.routing.failure_detection;
    if (delay.ps() == 0) {
      reroute_around(e);
    } else {
      queue_.schedule(now + delay, link_handler_, 2 * static_cast<std::uint32_t>(&e - link_events_.data()) + 1);
    }
  }

  /// Routing learns of the event's links: every unfinished flow between hosts whose
  /// candidates changed is routed again (a per-packet policy needs nothing: its next packets
  /// see the new candidates).
  void reroute_around(const scenario::LinkEvent& e) {
    if (!router_.believe(e.links, e.action == scenario::EventSpec::Action::up)) return;
    for (metrics::FlowRecord& record : flows_) {
      if (record.end_ps >= 0 || !router_.changed(record.src, record.dst)) continue;
      const std::uint32_t f = static_cast<std::uint32_t>(&record - flows_.data());
      if (packets_) {
        packets_->repath(record.id);
        if (policy_->per_packet()) continue;
        router_.choose(tuples_[f], shares_);
      } else {
        // The bytes still to send leave the old links' totals for the new ones'.
        const double left = fluid_->remaining_bytes(record.id);
        for (const flow::LinkUse& u : flow_uses_[f]) link_tx_[u.link] -= left * u.fraction;
        router_.choose(tuples_[f], shares_);
        flow_latency_ps_[f] = uses_of_shares(record.src, record.dst);
        for (const flow::LinkUse& u : uses_) link_tx_[u.link] += left * u.fraction;
        flow_uses_[f].assign(uses_.begin(), uses_.end());
        fluid_->reroute(record.id, constraints_of_uses());
      }
      record.path_id = shares_.size() == 1 ? static_cast<std::int32_t>(shares_[0].path) : -1;
    }
  }

  /// Starts the flow in the fluid model on the paths in `shares_`: sets `id`, counts its
  /// bytes on every link it crosses, and returns its route latency (the longest path's).
  std::int64_t start_fluid(const traffic::Demand& d, std::int64_t bytes, std::uint32_t& id) {
    const std::int64_t latency = uses_of_shares(d.src, d.dst);
    for (const flow::LinkUse& u : uses_) link_tx_[u.link] += static_cast<double>(bytes) * u.fraction;
    id = fluid_->start_flow(constraints_of_uses(), static_cast<double>(bytes));
    return latency;
  }

  /// Sets `uses_` to the links of the paths in `shares_` (host links included), each with
  /// the flow's fraction on it; returns the route latency (the longest path's).
  std::int64_t uses_of_shares(std::uint32_t src, std::uint32_t dst) {
    uses_.clear();
    uses_.push_back({fabric_.host_uplink[src], 1.0});
    uses_.push_back({fabric_.host_downlink[dst], 1.0});
    std::int64_t latency = 0;
    for (const routing::PathShare& share : shares_) {
      for (const topo::LinkId l : fabric_.path(share.path)) uses_.push_back({l, share.fraction});
      latency = std::max(latency, fabric_.route_latency(src, dst, share.path).ps());
    }
    merge_uses();
    return latency;
  }

  /// start_fluid() for a flow spread evenly over all its paths: the per-link fractions and
  /// constraints of its edge pair come from the cache (computed on the pair's first flow),
  /// the same values start_fluid() would compute from the n paths.
  std::int64_t start_spread(const traffic::Demand& d, const routing::FlowTuple& tuple, std::int64_t bytes,
                            std::uint32_t& id) {
    uses_.clear();
    if (!spread_->uses(d.src, d.dst, uses_)) {
      // Not cacheable (never on the built-in fabrics): list the paths as any policy does.
      router_.choose(tuple, shares_);
      return start_fluid(d, bytes, id);
    }
    for (const flow::LinkUse& u : uses_) link_tx_[u.link] += static_cast<double>(bytes) * u.fraction;
    constraint_uses_.clear();
    const std::span<const flow::LinkUse> constraints =
        spread_->constraints(d.src, d.dst, constraint_uses_) ? std::span<const flow::LinkUse>(constraint_uses_)
                                                             : constraints_of_uses();
    id = fluid_->start_flow(constraints, static_cast<double>(bytes));
    return spread_->latency_ps(d.src, d.dst);
  }

  /// Sums the fractions of a link that several chosen paths share (parallel links).
  void merge_uses() {
    std::sort(uses_.begin(), uses_.end(),
              [](const flow::LinkUse& a, const flow::LinkUse& b) { return a.link < b.link; });
    std::size_t out = 0;
    for (std::size_t i = 0; i < uses_.size(); ++i) {
      if (out > 0 && uses_[out - 1].link == uses_[i].link) {
        uses_[out - 1].fraction += uses_[i].fraction;
      } else {
        uses_[out++] = uses_[i];
      }
    }
    uses_.resize(out);
  }

  /// The flow's uses as solver constraints: one per constraint class (equal fractions within).
  std::span<const flow::LinkUse> constraints_of_uses() {
    constraint_uses_.clear();
    for (const flow::LinkUse& u : uses_) constraint_uses_.push_back({constraint_of_[u.link], u.fraction});
    std::sort(constraint_uses_.begin(), constraint_uses_.end(),
              [](const flow::LinkUse& a, const flow::LinkUse& b) { return a.link < b.link; });
    const auto last = std::unique(constraint_uses_.begin(), constraint_uses_.end(),
                                  [](const flow::LinkUse& a, const flow::LinkUse& b) { return a.link == b.link; });
    constraint_uses_.erase(last, constraint_uses_.end());
    return constraint_uses_;
  }

  void complete(std::uint32_t s, core::Time now) {
    --steps_left_;
    for (const std::uint32_t next : steps_[s].dependents) {
      if (--steps_[next].deps_left == 0) {
        queue_.schedule(now + workload_.steps[next].delay, *this, 2 * next + kRelease);
      }
    }
  }

  metrics::Results collect(double wall_seconds) {
    metrics::Results out;
    std::int64_t end_ps = 0;
    bool complete = true;
    StepBounds bounds(fabric_);
    for (std::uint32_t s = 0; s < steps_.size(); ++s) {
      const traffic::Step& step = workload_.steps[s];
      const StepBound bound = bounds(step);
      out.steps.push_back({s, step.workload, step.kind, step.layer, step.iteration,
                           steps_[s].start_ps, steps_[s].flows_left == 0 ? steps_[s].end_ps : -1,
                           bound.duration.ps(), to_string(bound.by), bound.node});
      complete = complete && out.steps.back().end_ps >= 0;
      end_ps = std::max(end_ps, steps_[s].end_ps);
    }
    const std::span<const net::LinkStats> packet_links =
        packets_ ? packets_->links() : std::span<const net::LinkStats>{};
    for (topo::LinkId l = 0; l < fabric_.links.size(); ++l) {
      if (packets_) {
        // Wire bytes (headers included) and the time the serializer was busy.
        const net::LinkStats& stats = packet_links[l];
        out.links.push_back({.link_id = l,
                             .tx_bytes = stats.tx_bytes,
                             .busy_fraction = end_ps > 0 ? static_cast<double>(stats.busy_ps) /
                                                               static_cast<double>(end_ps)
                                                         : 0.0,
                             .max_queue_bytes = stats.max_queue_bytes,
                             .drops = stats.drops,
                             .dropped_bytes = stats.dropped_bytes,
                             .ecn_marks = stats.ecn_marks});
        continue;
      }
      const double capacity_bytes = fabric_.links[l].rate.bytes_per_ps() * static_cast<double>(end_ps);
      out.links.push_back({l, std::llround(link_tx_[l]), end_ps > 0 ? link_tx_[l] / capacity_bytes : 0.0});
    }
    for (const traffic::ExpertLoad& load : workload_.expert_loads) {
      out.expert_tokens.push_back(
          {load.workload, load.layer, load.iteration, load.tokens, load.gpu_tokens, load.dropped});
    }
    out.link_events = std::move(link_event_records_);
    out.flows = std::move(flows_);
    out.app_flows = std::move(app_flows_);
    for (metrics::AppFlowRecord& app : out.app_flows) {
      if (subflows_left_[app.id] > 0) app.end_ps = -1;
    }
    if (packets_) {
      for (metrics::FlowRecord& record : out.flows) {
        const net::FlowStats& stats = packets_->flow(record.id);
        record.packets = stats.sent_packets;
        record.retransmits = stats.retransmits;
        record.reordered_packets = stats.out_of_order;
        record.max_reorder = stats.max_reorder;
        record.probes = stats.probes;
        record.timeouts = stats.timeouts;
      }
    }
    std::string warnings;
    if (sampler_) {
      out.link_series = sampler_->take(end_ps);
      if (!sampler_->warning().empty()) warnings += sampler_->warning() + "\n";
    }
    std::string overrides;
    for (const std::string& o : scenario_.overrides) overrides += o + "\n";
    out.info = {.name = scenario_.name,
                .scenario_yaml = scenario::to_yaml(scenario_),
                .overrides = overrides,
                .seed = scenario_.seed,
                .model = scenario_.model,
                .status = complete ? "complete" : "incomplete",
                .sim_end_ps = end_ps,
                .events = queue_.dispatched() - (sampler_ ? sampler_->events() : 0),
                .wall_seconds = wall_seconds,
                .warnings = warnings};
    return out;
  }

  scenario::Scenario scenario_;
  topo::Fabric fabric_;
  std::map<std::string, traffic::MoeTrace> traces_;  // by path, loaded on first use
  traffic::Workload workload_;
  std::unique_ptr<routing::Policy> policy_;
  routing::Router router_;
  std::vector<scenario::LinkEvent> link_events_;
  LinkEvents link_handler_{*this};
  struct LinkState {
    bool up;
    core::Bitrate rate;  // kept while down, for when it comes back
  };
  std::vector<LinkState> link_state_;  // per link
  std::vector<metrics::LinkEventRecord> link_event_records_;
  std::vector<routing::FlowTuple> tuples_;             // per (sub)flow, when links change
  std::vector<std::vector<flow::LinkUse>> flow_uses_;  // per (sub)flow, flow model, when links change
  core::EventQueue queue_;
  std::unique_ptr<flow::FlowModel> fluid_;     // model: flow
  std::unique_ptr<net::PacketModel> packets_;  // model: packet
  std::unique_ptr<LinkSampler> sampler_;       // model: packet, sample_interval > 0
  std::vector<StepState> steps_;
  std::vector<metrics::FlowRecord> flows_;
  std::vector<metrics::AppFlowRecord> app_flows_;
  std::vector<std::int64_t> flow_latency_ps_;
  std::vector<std::uint32_t> subflows_left_;  // per application flow
  std::vector<double> link_tx_;               // bytes, per link
  std::vector<std::uint32_t> flows_from_edge_;
  std::vector<std::uint32_t> uplinks_;  // s of the splitting rule, per edge switch
  std::vector<routing::PathShare> shares_;
  std::vector<flow::LinkUse> uses_;
  std::vector<topo::LinkId> constraint_of_;  // link -> first link of its constraint class
  std::unique_ptr<EvenSpreadCache> spread_;  // model: flow, a policy that spreads evenly
  std::vector<flow::LinkUse> constraint_uses_;
  std::uint64_t app_flows_total_ = 0;
  std::uint64_t app_flows_done_ = 0;
  std::int64_t bytes_total_ = 0;  // of every demand in the workload
  std::int64_t bytes_done_ = 0;   // of the (sub)flows fully delivered
  std::size_t steps_left_ = 0;  // steps not yet complete
};

Simulation::Simulation(const scenario::Scenario& scenario)
    : impl_(std::make_unique<Impl>(scenario)) {}
Simulation::~Simulation() = default;
const topo::Fabric& Simulation::fabric() const { return impl_->fabric(); }
metrics::Results Simulation::run(const std::function<void(const Progress&)>& on_progress) {
  return impl_->run(on_progress);
}

}  // namespace fabricsim::engine
