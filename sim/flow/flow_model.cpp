#include "flow/flow_model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fabricsim::flow {
namespace {
constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
/// Picoseconds to send `bytes` at `rate`, rounded up; the tiny relative slack keeps a
/// quotient that is whole in exact arithmetic (4 MiB at 400 Gb/s) from rounding up by 1 ps.
/// Nothing left ends now, even at rate 0; otherwise kNever at rate 0 (a down link) or past
/// 2^62 ps (53 days), so no sum of times overflows.
std::int64_t ceil_ps(double bytes, double rate) {
  if (!(bytes > 0)) return 0;
  const double ps = std::ceil(bytes / rate * (1.0 - 1e-12));
  return ps < 0x1p62 ? static_cast<std::int64_t>(ps) : kNever;
}
}  // namespace

FlowModel::FlowModel(core::EventQueue& queue, std::vector<double> capacity, FlowListener& listener,
                     core::Time resolve_interval)
    : queue_(queue),
      listener_(listener),
      solver_(std::move(capacity)),
      resolve_interval_(resolve_interval),
      level_(solver_.link_count(), 0.0),
      settled_ps_(solver_.link_count(), 0),
      service_(solver_.link_count(), 0.0),
      members_(solver_.link_count()),
      marked_in_(solver_.link_count(), 0) {}

std::uint32_t FlowModel::start_flow(std::span<const LinkUse> uses, double bytes) {
  const auto id = static_cast<std::uint32_t>(solver_id_.size());
  solver_id_.push_back(solver_.add(uses));
  bytes_.push_back(bytes);
  done_.push_back(0);
  model_id_.push_back(id);
  request_solve(held(queue_.now()));
  return id;
}

void FlowModel::set_capacity(std::uint32_t link, double bytes_per_ps) {
  solver_.set_capacity(link, bytes_per_ps);
  request_solve(queue_.now().ps());
}

void FlowModel::reroute(std::uint32_t flow, std::span<const LinkUse> uses) {
  const std::uint32_t old = solver_id_[flow];
  if (done_[old]) return;
  const double left = remaining_bytes(flow);
  if (const std::uint32_t g = solver_.group(old); g != MaxMinSolver::kNoGroup) {
    // Its last byte leaves now: it ends on its links in this instant's completion event.
    if (finish_ps(g, members_.key(old, g)) <= queue_.now().ps()) return;
    members_.erase(old, g);
    reschedule(g);
  }
  solver_.remove(old);
  solver_id_[flow] = solver_.add(uses);
  bytes_.push_back(left);
  done_.push_back(0);
  model_id_.push_back(flow);
  request_solve(queue_.now().ps());
}

double FlowModel::remaining_bytes(std::uint32_t flow) const {
  const std::uint32_t f = solver_id_[flow];
  if (done_[f]) return 0.0;
  const std::uint32_t g = solver_.group(f);
  if (g == MaxMinSolver::kNoGroup) return bytes_[f];  // not solved yet: nothing sent
  const double sent =
      service_[g] + level_[g] * static_cast<double>(queue_.now().ps() - settled_ps_[g]);
  return std::max(0.0, members_.key(f, g) - sent);
}

/// The instant a change at `now` is re-solved: the next multiple of `resolve_interval`.
std::int64_t FlowModel::held(core::Time now) const {
  const std::int64_t at = now.ps();
  const std::int64_t q = resolve_interval_.ps();
  return q > 0 ? (at + q - 1) / q * q : at;
}

void FlowModel::request_solve(std::int64_t at) {
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
  while (!groups_.empty() && groups_.top_key() <= now.ps()) {
    const std::uint32_t g = groups_.top();
    while (!members_.empty(g) && finish_ps(g, members_.top_key(g)) <= now.ps()) {
      const std::uint32_t f = members_.top(g);
      members_.erase(f, g);
      solver_.remove(f);
      done_[f] = 1;
      finished_.push_back(model_id_[f]);
    }
    reschedule(g);
  }
  // Listeners may start flows at `now`: one re-solve below covers those and the finished.
  std::sort(finished_.begin(), finished_.end());
  for (const std::uint32_t f : finished_) listener_.on_flow_sent(f, now);
  if (!finished_.empty()) request_solve(held(now));
  if (solve_at_ == now.ps()) resolve(now);
  dispatching_ = false;
  schedule_next();
}

void FlowModel::settle(std::uint32_t group, std::int64_t now_ps) {
  service_[group] += level_[group] * static_cast<double>(now_ps - settled_ps_[group]);
  settled_ps_[group] = now_ps;
}

void FlowModel::mark(std::uint32_t group) {
  if (marked_in_[group] == solves_) return;
  marked_in_[group] = static_cast<std::uint32_t>(solves_);
  marked_.push_back(group);
}

void FlowModel::resolve(core::Time now) {
  solve_at_ = -1;
  solver_.solve();
  ++solves_;
  marked_.clear();
  // Groups are settled at their old levels before anything changes; a moving flow takes the
  // bytes it has left to its new group.
  for (const MaxMinSolver::Move& m : solver_.moves()) {
    double left = bytes_[m.flow];
    if (m.from != MaxMinSolver::kNoGroup) {
      settle(m.from, now.ps());
      left = members_.key(m.flow, m.from) - service_[m.from];
      members_.erase(m.flow, m.from);
      mark(m.from);
    }
    settle(m.to, now.ps());
    members_.set(m.flow, service_[m.to] + left, m.to);
    mark(m.to);
  }
  for (const std::uint32_t g : solver_.refrozen()) {
    settle(g, now.ps());
    level_[g] = solver_.level(g);
    mark(g);
  }
  for (const std::uint32_t g : marked_) reschedule(g);
}

std::int64_t FlowModel::finish_ps(std::uint32_t group, double done_at) const {
  const std::int64_t ps = ceil_ps(done_at - service_[group], level_[group]);
  return ps == kNever ? kNever : settled_ps_[group] + std::max<std::int64_t>(1, ps);
}

void FlowModel::reschedule(std::uint32_t group) {
  const std::int64_t at =
      members_.empty(group) ? kNever : finish_ps(group, members_.top_key(group));
  if (at == kNever) {
    groups_.erase(group);
  } else {
    groups_.set(group, at);
  }
}

void FlowModel::schedule_next() {
  std::int64_t next = groups_.empty() ? kNever : groups_.top_key();
  if (solve_at_ >= 0) next = std::min(next, solve_at_);
  if (next == kNever || next == scheduled_ps_) return;
  scheduled_ps_ = next;
  queue_.schedule(core::Time::ps(next), *this, ++generation_);
}

}  // namespace fabricsim::flow
