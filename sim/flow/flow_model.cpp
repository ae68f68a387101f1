#include "flow/flow_model.hpp"

#include <cmath>
#include <limits>

namespace fabricsim::flow {
namespace {
/// Picoseconds to send `bytes` at `rate`, rounded up; the tiny relative slack keeps a
/// quotient that is whole in exact arithmetic (4 MiB at 400 Gb/s) from rounding up by 1 ps.
std::int64_t ceil_ps(double bytes, double rate) {
  return static_cast<std::int64_t>(std::ceil(bytes / rate * (1.0 - 1e-12)));
}
}  // namespace

FlowModel::FlowModel(core::EventQueue& queue, std::vector<double> capacity,
                     FlowListener& listener, double batch_tolerance)
    : queue_(queue),
      listener_(listener),
      solver_(std::move(capacity)),
      batch_tolerance_(batch_tolerance) {}

std::uint32_t FlowModel::start_flow(std::span<const LinkUse> uses, double bytes) {
  advance_to(queue_.now());
  const std::uint32_t id = solver_.add(uses);
  remaining_.push_back(bytes);
  finish_ps_.push_back(std::numeric_limits<std::int64_t>::max());
  start_ps_.push_back(queue_.now().ps());
  if (!solve_pending_) {
    // Re-solve once, at this instant, after every flow starting now has been added.
    solve_pending_ = true;
    queue_.schedule(queue_.now(), *this, ++generation_);
  }
  return id;
}

double FlowModel::rate(std::uint32_t flow) const {
  return remaining_[flow] > 0 ? solver_.rate(flow) : 0.0;
}

void FlowModel::advance_to(core::Time now) {
  const double dt = static_cast<double>((now - updated_).ps());
  if (dt > 0) {
    for (const std::uint32_t f : solver_.active()) {
      remaining_[f] = finish_ps_[f] <= now.ps() ? 0.0 : remaining_[f] - solver_.rate(f) * dt;
    }
  }
  updated_ = now;
}

void FlowModel::on_event(std::uint32_t tag, core::Time now) {
  if (tag != generation_) return;  // superseded by a later re-solve
  solve_pending_ = false;
  advance_to(now);
  finished_.clear();
  for (const std::uint32_t f : solver_.active()) {
    const auto slack = static_cast<std::int64_t>(batch_tolerance_ * static_cast<double>(now.ps() - start_ps_[f]));
    if (finish_ps_[f] <= now.ps() + slack) finished_.push_back(f);
  }
  for (const std::uint32_t f : finished_) {
    solver_.remove(f);
    remaining_[f] = 0;
  }
  // Listeners may start flows at `now`; if they do, the re-solve they schedule covers both.
  for (const std::uint32_t f : finished_) listener_.on_flow_sent(f, now);
  if (!solve_pending_) reschedule(now);
}

void FlowModel::reschedule(core::Time now) {
  solver_.solve();
  ++solves_;
  std::int64_t next = std::numeric_limits<std::int64_t>::max();
  for (const std::uint32_t f : solver_.active()) {
    finish_ps_[f] = now.ps() + std::max<std::int64_t>(1, ceil_ps(remaining_[f], solver_.rate(f)));
    next = std::min(next, finish_ps_[f]);
  }
  if (next != std::numeric_limits<std::int64_t>::max()) {
    queue_.schedule(core::Time::ps(next), *this, ++generation_);
  }
}

}  // namespace fabricsim::flow
