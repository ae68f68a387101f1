#include "net/link_sampler.hpp"

#include <cstdio>
#include <stdexcept>
#include <utility>

namespace fabricsim::net {

LinkSampler::LinkSampler(core::EventQueue& queue, Links links, core::Time interval,
                         std::function<bool()> running, std::size_t max_cells)
    : queue_(queue),
      links_(std::move(links)),
      interval_(interval),
      running_(std::move(running)),
      max_cells_(max_cells) {
  if (interval_.ps() <= 0) throw std::invalid_argument("link sample interval must be > 0");
}

void LinkSampler::start() { queue_.schedule(queue_.now(), *this); }

metrics::LinkSeries LinkSampler::take(std::int64_t end_ps) {
  const std::size_t links = links_().size();
  std::size_t keep = series_.time_ps.size();
  while (keep > 0 && series_.time_ps[keep - 1] >= end_ps) --keep;
  series_.time_ps.resize(keep);
  series_.queue_bytes.resize(keep * links);
  series_.tx_bytes.resize(keep * links);
  if (stopped_ps_ >= end_ps) warning_.clear();  // the cap was hit only after the run ended
  return std::move(series_);
}

void LinkSampler::on_event(std::uint32_t /*tag*/, core::Time now) {
  ++events_;
  if (!running_()) return;
  const std::span<const LinkStats> links = links_();
  const std::size_t samples = series_.time_ps.size();
  if ((samples + 1) * links.size() > max_cells_) {
    char text[256];
    std::snprintf(text, sizeof text,
                  "link series stopped at %.3f us after %zu samples: one more sample of %zu "
                  "links would pass the cap of %zu cells (16 bytes each); raise "
                  "output.sample_interval",
                  static_cast<double>(now.ps()) * 1e-6, samples, links.size(), max_cells_);
    warning_ = text;
    stopped_ps_ = now.ps();
    return;
  }
  series_.time_ps.push_back(now.ps());
  for (const LinkStats& l : links) {
    series_.queue_bytes.push_back(l.queue_bytes);
    series_.tx_bytes.push_back(l.tx_bytes);
  }
  if (queue_.pending() > 0) queue_.schedule(now + interval_, *this);
}

}  // namespace fabricsim::net
