#include "app/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace fabricsim::app {
namespace {

double fraction(double done, double total) { return total > 0 ? done / total : 0; }

}  // namespace

std::string duration_text(double seconds) {
  char buf[32];
  if (seconds < 10) {
    std::snprintf(buf, sizeof buf, "%.1f s", seconds);
  } else if (seconds < 120) {
    std::snprintf(buf, sizeof buf, "%.0f s", seconds);
  } else if (seconds < 7200) {
    std::snprintf(buf, sizeof buf, "%.0f min", seconds / 60);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f h", seconds / 3600);
  }
  return buf;
}

std::string progress_text(const engine::Progress& p, double elapsed_s) {
  const double flows =
      fraction(static_cast<double>(p.flows_done), static_cast<double>(p.flows_total));
  const double bytes =
      fraction(static_cast<double>(p.bytes_done), static_cast<double>(p.bytes_total));
  const std::string eta = bytes > 0 ? duration_text(elapsed_s * (1 - bytes) / bytes) : "?";
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "[sim %.3f us] flows %llu/%llu (%.1f %%), bytes %.1f %% | %.3g events/s | ETA %s",
                p.now.seconds() * 1e6, static_cast<unsigned long long>(p.flows_done),
                static_cast<unsigned long long>(p.flows_total), flows * 100, bytes * 100,
                elapsed_s > 0 ? static_cast<double>(p.events) / elapsed_s : 0.0, eta.c_str());
  return buf;
}

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
  std::fprintf(stderr, "\r\033[K%s", progress_text(p, elapsed).c_str());
  drawn_ = true;
}

void ProgressLine::finish() {
  if (drawn_) std::fprintf(stderr, "\r\033[K");
  drawn_ = false;
}

}  // namespace fabricsim::app
