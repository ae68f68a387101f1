#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "core/event_queue.hpp"
#include "flow/indexed_heaps.hpp"
#include "flow/max_min.hpp"

namespace fabricsim::flow {

/// Told when a flow's last byte has left its source (propagation is the caller's to add).
class FlowListener {
 public:
  virtual void on_flow_sent(std::uint32_t flow, core::Time now) = 0;

 protected:
  ~FlowListener() = default;
};

/// Fluid model: active flows share links max-min fairly, re-solved exactly whenever flows
/// start, finish or move, or a link's capacity changes. All changes at one instant share one
/// re-solve, and the model keeps a single live event in the queue (its next completion or
/// pending re-solve).
///
/// Why it is fast: every flow of a group (MaxMinSolver: the flows bottlenecked at one link)
/// runs at the group's level, so the model keeps time per group, not per flow. A group's
/// service is the bytes each of its flows has sent since the group began; a flow ends when
/// the service reaches the mark set when it joined (service then + bytes left). A new level
/// re-times the group's next completion only, and a flow is touched only when it changes
/// group, so a re-solve that moves thousands of rates costs a few dozen group updates.
class FlowModel : public core::Handler {
 public:
  /// `capacity` per link in bytes per picosecond. `resolve_interval` > 0 holds re-solves to
  /// its multiples: between them flows keep their rates (feasible, since a finished flow only
  /// frees capacity) and a new flow waits at rate 0, so no link ever runs above its rate.
  FlowModel(core::EventQueue& queue, std::vector<double> capacity, FlowListener& listener,
            core::Time resolve_interval = {});

  /// Starts a flow of `bytes` at the queue's current time; returns its id (ids count up).
  std::uint32_t start_flow(std::span<const LinkUse> uses, double bytes);
  /// Sets a link's capacity (bytes per ps, >= 0; 0 = down) at the queue's current time: bytes
  /// sent so far count at the old rates, and rates are re-solved at this instant (whatever
  /// `resolve_interval`). A flow at rate 0 gets no completion until its rate rises again.
  void set_capacity(std::uint32_t link, double bytes_per_ps);
  /// Moves an unfinished flow onto `uses` at the queue's current time: it keeps its id and
  /// goes on with the bytes it has left; rates are re-solved at this instant. Nothing for a
  /// flow that has finished or whose last byte leaves at this instant (it ends now).
  void reroute(std::uint32_t flow, std::span<const LinkUse> uses);
  /// Bytes an unfinished flow has not yet sent at the queue's current time (0 once finished).
  double remaining_bytes(std::uint32_t flow) const;
  std::size_t active_flows() const { return solver_.active().size(); }
  std::uint64_t solves() const { return solves_; }

  void on_event(std::uint32_t tag, core::Time now) override;

 private:
  void request_solve(std::int64_t at_ps);
  std::int64_t held(core::Time now) const;
  void resolve(core::Time now);
  void settle(std::uint32_t group, std::int64_t now_ps);
  void mark(std::uint32_t group);
  std::int64_t finish_ps(std::uint32_t group, double done_at) const;
  void reschedule(std::uint32_t group);
  void schedule_next();

  core::EventQueue& queue_;
  FlowListener& listener_;
  MaxMinSolver solver_;
  core::Time resolve_interval_;
  // Per solver flow: its bytes when it joined the solver, whether it has finished, and the
  // model's id for it (a rerouted flow is a new solver flow). Per model flow: its solver flow.
  std::vector<double> bytes_;
  std::vector<std::uint8_t> done_;
  std::vector<std::uint32_t> model_id_;
  std::vector<std::uint32_t> solver_id_;
  // Per group: the level it has run at since settled_ps_, and its service then.
  std::vector<double> level_;
  std::vector<std::int64_t> settled_ps_;
  std::vector<double> service_;
  IndexedHeaps<double> members_;       // per group: flows by the service that ends them
  IndexedHeaps<std::int64_t> groups_;  // groups by their next completion (ps)
  std::vector<std::uint32_t> marked_;  // scratch: groups to re-time after a solve
  std::vector<std::uint32_t> marked_in_;
  std::vector<std::uint32_t> finished_;  // scratch
  std::uint32_t generation_ = 0;         // events carrying an older generation are stale
  std::int64_t solve_at_ = -1;           // ps of the pending re-solve, -1 when none
  std::int64_t scheduled_ps_ = -1;       // ps of the live event, -1 when none
  bool dispatching_ = false;             // inside on_event: it schedules once, at its end
  std::uint64_t solves_ = 0;
};

}  // namespace fabricsim::flow
