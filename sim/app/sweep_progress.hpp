#pragma once
// What a sweep tells the person watching it: on a terminal one line over the whole sweep,
// redrawn; elsewhere (CI, Slurm logs) one line per finished run; a summary at the end.
#include <chrono>
#include <cstddef>
#include <string>

#include "app/sweep_index.hpp"

namespace fabricsim::app {

class SweepProgress {
 public:
  /// `quiet` silences everything; `terminal` picks the redrawn line over one line a run.
  SweepProgress(bool quiet, bool terminal);

  /// A run started or ended: on a terminal redraws, elsewhere prints the line of an ended run.
  void run_changed(const SweepIndex& index, std::size_t run, const std::string& label);
  /// On a terminal, redraws the line when the last draw is half a second old.
  void tick(const SweepIndex& index);
  /// Clears the line and prints the counts, the wall time and how to load the index.
  void summary(const SweepIndex& index, const std::string& folder, std::size_t adopted);

  /// "12/126 done, 1 failed, 2 running | 45 s elapsed | ETA 3 min": runs finished so far,
  /// over `elapsed_s` since the sweep started; the ETA extrapolates this invocation's runs.
  static std::string line(const SweepIndex& index, std::size_t finished_now, double elapsed_s);

 private:
  void draw(const SweepIndex& index);
  double elapsed() const;

  bool quiet_;
  bool terminal_;
  bool drawn_ = false;
  std::size_t finished_now_ = 0;  // runs this invocation finished
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace fabricsim::app
