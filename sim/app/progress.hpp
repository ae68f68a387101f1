#pragma once
#include <chrono>
#include <string>

#include "engine/simulation.hpp"

namespace fabricsim::app {

/// "4.5 s" (under 10 s), "45 s", "12 min", "3.2 h".
std::string duration_text(double seconds);

/// The progress text: simulated time, application flows done, events/s, and an ETA that
/// extrapolates the fraction of the workload's bytes delivered so far over `elapsed_s` of
/// wall time (remaining = elapsed x (1 - f) / f; "?" before the first byte is delivered).
std::string progress_text(const engine::Progress& progress, double elapsed_s);

/// The one-line progress display on a terminal (progress_text). Redraws at most twice a
/// second; prints nothing when stderr is not a terminal.
class ProgressLine {
 public:
  explicit ProgressLine(bool enabled);
  void update(const engine::Progress& progress);
  /// Clears the line so the summary starts on a clean one.
  void finish();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace fabricsim::app
