#pragma once
#include <chrono>

#include "engine/simulation.hpp"

namespace fabricsim::app {

/// The one-line progress display on a terminal: simulated time, flows done, events/s, ETA.
/// Redraws at most twice a second; prints nothing when stderr is not a terminal.
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
