#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "core/event_queue.hpp"
#include "flow/max_min.hpp"

namespace fabricsim::flow {

/// Told when a flow's last byte has left its source (propagation is the caller's to add).
class FlowListener {
 public:
  virtual void on_flow_sent(std::uint32_t flow, core::Time now) = 0;

 protected:
  ~FlowListener() = default;
};

/// Fluid model: active flows share links max-min fairly; rates are re-solved whenever a
/// flow starts or finishes. All changes at one instant are batched into one re-solve, and
/// the model keeps a single live event in the queue (its next completion).
class FlowModel : public core::Handler {
 public:
  /// `capacity` per link in bytes per picosecond. A flow predicted to end within
  /// `batch_tolerance` x its age of the next completion ends with it (0 = exact).
  FlowModel(core::EventQueue& queue, std::vector<double> capacity, FlowListener& listener,
            double batch_tolerance = 0);

  /// Starts a flow of `bytes` at the queue's current time; returns its id (ids count up).
  std::uint32_t start_flow(std::span<const LinkUse> uses, double bytes);
  /// Current rate of a flow in bytes per picosecond (0 once finished).
  double rate(std::uint32_t flow) const;
  std::size_t active_flows() const { return solver_.active().size(); }
  std::uint64_t solves() const { return solves_; }

  void on_event(std::uint32_t tag, core::Time now) override;

 private:
  void advance_to(core::Time now);
  void reschedule(core::Time now);

  core::EventQueue& queue_;
  FlowListener& listener_;
  MaxMinSolver solver_;
  double batch_tolerance_;
  std::vector<double> remaining_;       // bytes, per flow
  std::vector<std::int64_t> finish_ps_;  // predicted completion at current rates
  std::vector<std::int64_t> start_ps_;
  std::vector<std::uint32_t> finished_;  // scratch
  core::Time updated_{};
  std::uint32_t generation_ = 0;  // events carrying an older generation are stale
  bool solve_pending_ = false;
  std::uint64_t solves_ = 0;
};

}  // namespace fabricsim::flow
