#include "engine/simulation.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <unordered_map>

#include "core/event_queue.hpp"
#include "core/rng.hpp"
#include "engine/step_bound.hpp"
#include "flow/fluid_network.hpp"
#include "io/moe_trace_reader.hpp"
#include "io/routing_trace_reader.hpp"
#include "net/packet_network.hpp"
#include "routing/replay.hpp"
#include "routing/router.hpp"
#include "scenario/link_events.hpp"
#include "topo/topology.hpp"
#include "traffic/workload.hpp"

namespace fabricsim::engine {
namespace {

constexpr std::uint32_t kRelease = 0;  // event tag = 2 * step + kind
constexpr std::uint32_t kComplete = 1;
constexpr std::uint64_t kProgressEvery = 64;  // events between progress callbacks

/// Progress state of one workload step.
struct StepState {
  std::uint32_t deps_left = 0;
  std::uint64_t flows_left = 0;
  std::int64_t start_ps = -1;
  std::int64_t end_ps = -1;  // last byte of the step delivered
  std::vector<std::uint32_t> dependents;
};

}  // namespace

/// Schedules the workload's steps and the scenario's link events, cuts workload flows into
/// subflows, hands them to the network model, and collects the results.
class Simulation::Impl : public core::Handler, public model::DeliveryListener {
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
        policy_(make_policy()),
        router_(fabric_, *policy_),
        link_events_(scenario::resolve_events(fabric_, scenario)),
        steps_(workload_.steps.size()) {
    for (const topo::Link& link : fabric_.links) link_state_.push_back({true, link.rate});
    network_ = make_network();
    if (scenario.routing.record == "packets") router_.log_choices(&packet_log_);
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

  /// The scenario's routing policy; for replay, with its trace read and checked against the
  /// fabric and the workload.
  std::unique_ptr<routing::Policy> make_policy() const {
    const scenario::RoutingSpec& spec = scenario_.routing;
    routing::PolicyParams params = scenario::policy_params(scenario_);
    if (!spec.trace.empty()) {
      auto table =
          std::make_shared<routing::ReplayTable>(io::read_decision_trace(spec.trace), fabric_);
      std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> flows_between;
      for (const traffic::Step& step : workload_.steps) {
        for (const traffic::Demand& d : step.demands) ++flows_between[{d.src, d.dst}];
      }
      table->require_flows([&](std::uint32_t src, std::uint32_t dst) {
        const auto it = flows_between.find({src, dst});
        return it == flows_between.end() ? 0u : it->second;
      });
      params.trace = std::move(table);
    }
    std::unique_ptr<routing::Policy> policy = routing::make_policy(params);
    const auto* replay = dynamic_cast<const routing::Replay*>(policy.get());
    if (replay != nullptr && scenario_.model == "packet") replay->check_packet_model();
    return policy;
  }

  /// The model the scenario names, on this fabric and router.
  std::unique_ptr<model::NetworkModel> make_network() {
    if (scenario_.model == "packet") {
      const net::PacketParams params{
          .transport = scenario_.transport, .switches = scenario_.switches, .seed = scenario_.seed};
      return std::make_unique<net::PacketNetwork>(
          queue_, fabric_, router_, params, scenario_.output.sample_interval,
          [this] { return steps_left_ > 0; }, *this);
    }
    return std::make_unique<flow::FluidNetwork>(
        queue_, fabric_, router_, scenario_.flow.resolve_interval, !link_events_.empty(), *this);
  }

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
    // Before the steps, so a change at time t applies before flows that start at t.
    for (std::uint32_t i = 0; i < link_events_.size(); ++i)
      queue_.schedule(link_events_[i].at, link_handler_, 2 * i);
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

  /// The flow's last byte arrived.
  void on_delivered(std::uint32_t flow, std::int64_t end_ps) override { finish(flow, end_ps); }

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
    // The policy plans the step as a whole: the pieces (subflows) each workload flow becomes,
    // and the paths it pins them to.
    step_flows_.clear();
    for (const traffic::Demand& d : step.demands) {
      std::uint32_t& index = pair_flows_[(std::uint64_t{d.src} << 32) | d.dst];
      step_flows_.push_back({d.src, d.dst, d.bytes.count(), index++});
    }
    router_.plan(step_flows_, plan_);
    const auto first_app_flow = static_cast<std::uint32_t>(app_flows_.size());
    router_.pin(first_app_flow, step_flows_, plan_);
    for (std::size_t i = 0; i < step.demands.size(); ++i) {
      const traffic::Demand& d = step.demands[i];
      app_flows_.push_back({.id = static_cast<std::uint32_t>(first_app_flow + i),
                            .src = d.src,
                            .dst = d.dst,
                            .bytes = d.bytes.count(),
                            .start_ps = now.ps(),
                            .end_ps = -1,
                            .subflows = 0,
                            .step_id = s});
      subflows_left_.push_back(0);
    }
    for (const routing::StepPlan::Piece& piece : plan_.pieces()) {
      const std::uint32_t app_flow = first_app_flow + piece.flow;
      const std::uint32_t subflow = app_flows_[app_flow].subflows++;
      ++subflows_left_[app_flow];
      start_flow(s, step.demands[piece.flow], app_flow, subflow, piece.bytes, now);
    }
    steps_[s].flows_left += plan_.pieces().size();
    steps_[s].end_ps = now.ps() + step.compute.ps();
    if (steps_[s].flows_left == 0)
      queue_.schedule(core::Time::ps(steps_[s].end_ps), *this, 2 * s + kComplete);
  }

  void start_flow(std::uint32_t s, const traffic::Demand& d, std::uint32_t app_flow,
                  std::uint32_t subflow, std::int64_t bytes, core::Time now) {
    const routing::FlowKey key{d.src, d.dst, app_flow, subflow};
    const std::uint32_t id = network_->start_flow(key, bytes);
    if (subflow == 0) first_flow_.push_back(id);
    if (scenario_.routing.record != "none") record_decision(key, id, bytes);
    flows_.push_back({.id = id,
                      .src = d.src,
                      .dst = d.dst,
                      .bytes = bytes,
                      .start_ps = now.ps(),
                      .end_ps = -1,
                      .step_id = s,
                      .app_flow = app_flow,
                      .path_id = network_->path_id(id)});
  }

  /// routing.record: the decision the router gives the (sub)flow as it starts (its pins, or
  /// the policy's choice; for a per-packet policy the fluid limit, its packets are logged).
  void record_decision(const routing::FlowKey& key, std::uint32_t id, std::int64_t bytes) {
    router_.choose(key, shares_);
    for (const routing::PathShare& share : shares_) {
      decisions_.push_back({.flow_id = id,
                            .app_flow = key.app_flow,
                            .subflow = key.subflow,
                            .path_id = share.path,
                            .fraction = share.fraction,
                            .bytes = bytes});
    }
  }

  /// The routing record: the decisions, and the logged choices by /flows id and direction.
  metrics::RoutingRecord routing_record() {
    const bool packets = scenario_.routing.record == "packets";
    metrics::RoutingRecord out{.record = scenario_.routing.record,
                               .policy = scenario_.routing.policy,
                               .per_packet = packets && policy_->per_packet(),
                               .per_hop = packets && policy_->per_hop(),
                               .decisions = std::move(decisions_)};
    const auto by_flow = [this](const std::vector<routing::LoggedChoice>& log) {
      std::vector<metrics::RoutingChoice> rows;
      rows.reserve(log.size());
      for (const routing::LoggedChoice& c : log)
        rows.push_back({first_flow_[c.app_flow] + c.subflow, c.reverse, c.value});
      std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
        return std::pair(a.flow_id, a.reverse) < std::pair(b.flow_id, b.reverse);
      });
      return rows;
    };
    out.packets = by_flow(packet_log_.packets);
    out.hops = by_flow(packet_log_.hops);
    return out;
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
      network_->set_link(l, state.up, state.rate);
      link_event_records_.push_back(
          {now.ps(), l, scenario::to_string(e.action), state.up ? state.rate.bps() : 0});
    }
    if (e.action == scenario::EventSpec::Action::rate) return;
    const core::Time delay = scenario_.routing.failure_detection;
    if (delay.ps() == 0) {
      reroute_around(e);
    } else {
      queue_.schedule(now + delay, link_handler_,
                      2 * static_cast<std::uint32_t>(&e - link_events_.data()) + 1);
    }
  }

  /// Routing learns of the event's links: every unfinished flow between hosts whose
  /// candidates changed is routed again (a per-packet policy needs nothing: its next packets
  /// see the new candidates).
  void reroute_around(const scenario::LinkEvent& e) {
    if (!router_.believe(e.links, e.action == scenario::EventSpec::Action::up)) return;
    for (metrics::FlowRecord& record : flows_) {
      if (record.end_ps >= 0 || !router_.changed(record.src, record.dst)) continue;
      network_->reroute(record.id);
      record.path_id = network_->path_id(record.id);
    }
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
    for (const traffic::ExpertLoad& load : workload_.expert_loads) {
      out.expert_tokens.push_back(
          {load.workload, load.layer, load.iteration, load.tokens, load.gpu_tokens, load.dropped});
    }
    out.link_events = std::move(link_event_records_);
    out.routing = routing_record();
    out.flows = std::move(flows_);
    out.app_flows = std::move(app_flows_);
    for (metrics::AppFlowRecord& app : out.app_flows) {
      if (subflows_left_[app.id] > 0) app.end_ps = -1;
    }
    network_->report(end_ps, out);  // links, packet counters, series, warnings
    std::string warnings = std::move(out.info.warnings);
    out.info = {.name = scenario_.name,
                .scenario_yaml = scenario::to_yaml(scenario_),
                .overrides = metrics::overrides_attribute(scenario_.overrides),
                .seed = scenario_.seed,
                .model = scenario_.model,
                .status = complete ? "complete" : "incomplete",
                .sim_end_ps = end_ps,
                .events = queue_.dispatched() - network_->bookkeeping_events(),
                .wall_seconds = wall_seconds,
                .warnings = std::move(warnings)};
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
  core::EventQueue queue_;
  std::unique_ptr<model::NetworkModel> network_;  // the scenario's model
  std::vector<StepState> steps_;
  std::vector<metrics::FlowRecord> flows_;
  std::vector<metrics::AppFlowRecord> app_flows_;
  std::vector<std::uint32_t> subflows_left_;                     // per application flow
  std::vector<routing::StepFlow> step_flows_;                    // scratch: the step being released
  routing::StepPlan plan_;                                       // scratch: its plan
  std::unordered_map<std::uint64_t, std::uint32_t> pair_flows_;  // workload flows per host pair
  std::vector<std::uint32_t> first_flow_;            // per application flow: its first subflow's id
  std::vector<routing::PathShare> shares_;           // scratch: a recorded decision
  std::vector<metrics::RoutingDecision> decisions_;  // routing.record
  routing::PacketLog packet_log_;                    // routing.record: packets
  std::uint64_t app_flows_total_ = 0;
  std::uint64_t app_flows_done_ = 0;
  std::int64_t bytes_total_ = 0;  // of every demand in the workload
  std::int64_t bytes_done_ = 0;   // of the (sub)flows fully delivered
  std::size_t steps_left_ = 0;    // steps not yet complete
};

Simulation::Simulation(const scenario::Scenario& scenario)
    : impl_(std::make_unique<Impl>(scenario)) {}
Simulation::~Simulation() = default;
const topo::Fabric& Simulation::fabric() const { return impl_->fabric(); }
metrics::Results Simulation::run(const std::function<void(const Progress&)>& on_progress) {
  return impl_->run(on_progress);
}

}  // namespace fabricsim::engine
