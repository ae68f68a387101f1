#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "core/event_queue.hpp"
#include "flow/completion_heap.hpp"
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
/// start or finish. All changes at one instant share one re-solve, and the model keeps a
/// single live event in the queue (its next completion or pending re-solve).
///
/// Why it is fast: a re-solve sets only the rates that can change (MaxMinSolver), and a flow
/// whose rate is unchanged is not touched at all: its bytes are settled lazily from the last
/// time its rate changed, and completions come from a heap that moves only re-keyed flows.
class FlowModel : public core::Handler {
 public:
  /// `capacity` per link in bytes per picosecond. `resolve_interval` > 0 holds re-solves to
  /// its multiples: between them flows keep their rates (feasible, since a finished flow only
  /// frees capacity) and a new flow waits at rate 0, so no link ever runs above its rate.
  FlowModel(core::EventQueue& queue, std::vector<double> capacity, FlowListener& listener,
            core::Time resolve_interval = {});

  /// Starts a flow of `bytes` at the queue's current time; returns its id (ids count up).
  std::uint32_t start_flow(std::span<const LinkUse> uses, double bytes);
  /// Current rate of a flow in bytes per picosecond (0 once finished).
  double rate(std::uint32_t flow) const;
  std::size_t active_flows() const { return solver_.active().size(); }
  std::uint64_t solves() const { return solves_; }
  /// Rates set by all re-solves together: how much work the incremental solver did.
  std::uint64_t rates_set() const { return solver_.frozen_total(); }

  void on_event(std::uint32_t tag, core::Time now) override;

 private:
  void request_solve(core::Time now);
  void resolve(core::Time now);
  void schedule_next();

  core::EventQueue& queue_;
  FlowListener& listener_;
  MaxMinSolver solver_;
  core::Time resolve_interval_;
  CompletionHeap completions_;
  // Per flow: bytes left at settled_ps_, at the rate it has had since then.
  std::vector<double> remaining_;
  std::vector<std::int64_t> settled_ps_;
  std::vector<double> rate_;
  std::vector<std::uint32_t> finished_;  // scratch
  std::uint32_t generation_ = 0;  // events carrying an older generation are stale
  std::int64_t solve_at_ = -1;      // ps of the pending re-solve, -1 when none
  std::int64_t scheduled_ps_ = -1;  // ps of the live event, -1 when none
  bool dispatching_ = false;        // inside on_event: it schedules once, at its end
  std::uint64_t solves_ = 0;
};

}  // namespace fabricsim::flow
