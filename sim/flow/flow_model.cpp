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
                     FlowListener& listener, core::Time resolve_interval)
    : queue_(queue),
      listener_(listener),
      solver_(std::move(capacity)),
      resolve_interval_(resolve_interval) {}

std::uint32_t FlowModel::start_flow(std::span<const LinkUse> uses, double bytes) {
  const std::uint32_t id = solver_.add(uses);
  remaining_.push_back(bytes);
  settled_ps_.push_back(queue_.now().ps());
  rate_.push_back(0.0);
  request_solve(queue_.now());
  return id;
}

double FlowModel::rate(std::uint32_t flow) const { return remaining_[flow] > 0 ? rate_[flow] : 0.0; }

void FlowModel::request_solve(core::Time now) {
  std::int64_t at = now.ps();
  if (const std::int64_t q = resolve_interval_.ps(); q > 0) at = (at + q - 1) / q * q;
  if (solve_at_ >= 0 && solve_at_ <= at) return;
  // Once, after every change up to `at`; an earlier completion still runs on its own event.
  solve_at_ = at;
  if (!dispatching_) schedule_next();
}

void FlowModel::on_event(std::uint32_t tag, core::Time now) {
  if (tag != generation_) return;  // superseded by a later schedule
  scheduled_ps_ = -1;
  dispatching_ = true;
  finished_.clear();
  while (!completions_.empty() && completions_.top_key() <= now.ps()) {
    const std::uint32_t f = completions_.top();
    completions_.erase(f);
    solver_.remove(f);
    remaining_[f] = 0;
    finished_.push_back(f);
  }
  // Listeners may start flows at `now`: one re-solve below covers those and the finished.
  for (const std::uint32_t f : finished_) listener_.on_flow_sent(f, now);
  if (!finished_.empty()) request_solve(now);
  if (solve_at_ == now.ps()) resolve(now);
  dispatching_ = false;
  schedule_next();
}

void FlowModel::resolve(core::Time now) {
  solve_at_ = -1;
  solver_.solve();
  ++solves_;
  for (const std::uint32_t f : solver_.resolved()) {
    const double rate = solver_.rate(f);
    if (rate == rate_[f]) continue;
    // Settle the bytes sent at the old rate, then predict the end at the new one.
    remaining_[f] -= rate_[f] * static_cast<double>(now.ps() - settled_ps_[f]);
    settled_ps_[f] = now.ps();
    rate_[f] = rate;
    completions_.set(f, now.ps() + std::max<std::int64_t>(1, ceil_ps(remaining_[f], rate)));
  }
}

void FlowModel::schedule_next() {
  std::int64_t next = completions_.empty() ? std::numeric_limits<std::int64_t>::max() : completions_.top_key();
  if (solve_at_ >= 0) next = std::min(next, solve_at_);
  if (next == std::numeric_limits<std::int64_t>::max() || next == scheduled_ps_) return;
  scheduled_ps_ = next;
  queue_.schedule(core::Time::ps(next), *this, ++generation_);
}

}  // namespace fabricsim::flow
