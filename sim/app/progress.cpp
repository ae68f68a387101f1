#include "app/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace fabricsim::app {

ProgressLine::ProgressLine(bool enabled)
    : enabled_(enabled && isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void ProgressLine::update(const engine::Progress& p) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(500)) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double done = p.flows_total > 0 ? static_cast<double>(p.flows_done) / static_cast<double>(p.flows_total) : 0;
  const double eta = done > 0 ? elapsed * (1 - done) / done : 0;
  std::fprintf(stderr, "\r\033[K[sim %.3f us] flows %llu/%llu (%.1f %%) | %.3g events/s | ETA %.0f s",
               p.now.seconds() * 1e6, static_cast<unsigned long long>(p.flows_done),
               static_cast<unsigned long long>(p.flows_total), done * 100,
               static_cast<double>(p.events) / elapsed, eta);
  drawn_ = true;
}

void ProgressLine::finish() {
  if (drawn_) std::fprintf(stderr, "\r\033[K");
  drawn_ = false;
}

}  // namespace fabricsim::app
