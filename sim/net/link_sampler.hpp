#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "core/event_queue.hpp"
#include "metrics/results.hpp"
#include "net/packet_model.hpp"

namespace fabricsim::net {

/// Samples the packet model's links at times 0, interval, 2 x interval, ...: each sample
/// records the time and every link's backlog and cumulative wire bytes, as `links()` gives
/// them. The sampler only reads them, so it changes no simulated result, and its one pending
/// event re-arms only while `running()` holds and other events are pending, so it never keeps
/// a run alive.
class LinkSampler : public core::Handler {
 public:
  /// Default cap on the series: (time, link) cells of 16 bytes each (queue + tx), 1 GiB.
  static constexpr std::size_t kMaxCells = std::size_t{1} << 26;

  using Links = std::function<std::span<const LinkStats>()>;

  /// `interval` must be > 0; `links()` must give the same number of links every time.
  LinkSampler(core::EventQueue& queue, Links links, core::Time interval,
              std::function<bool()> running, std::size_t max_cells = kMaxCells);

  /// Schedules the first sample at the queue's current time.
  void start();
  /// Hands over the series without the samples taken at or after `end_ps` (the end of the
  /// run), so a run ending at `end_ps` has ceil(end_ps / interval) samples.
  metrics::LinkSeries take(std::int64_t end_ps);
  /// Sample events dispatched so far.
  std::uint64_t events() const { return events_; }
  /// Empty, or why the series ends before the run does (valid after take()).
  const std::string& warning() const { return warning_; }

  void on_event(std::uint32_t tag, core::Time now) override;

 private:
  core::EventQueue& queue_;
  Links links_;
  core::Time interval_;
  std::function<bool()> running_;
  std::size_t max_cells_;
  metrics::LinkSeries series_;
  std::uint64_t events_ = 0;
  std::string warning_;
  std::int64_t stopped_ps_ = -1;  // when the cap stopped sampling; -1 if it did not
};

}  // namespace fabricsim::net
