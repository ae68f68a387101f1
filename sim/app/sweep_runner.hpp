#pragma once
// Internal to the sweep command: hands out the runs of a sweep, runs them in this process
// and records how each went. Thread-safe: under MPI, rank 0's worker thread and its MPI
// loop share one.
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "app/sweep.hpp"
#include "app/sweep_index.hpp"
#include "app/sweep_progress.hpp"
#include "scenario/sweep_plan.hpp"

namespace fabricsim::app {

/// How one run went, as the rank that ran it reports it.
struct RunReport {
  RunStatus status = RunStatus::failed;
  double wall_seconds = 0;
  bool has_result = false;  // its result file was written
  std::string error;
};

/// Runs run `run` of `plan` in this process, writing its result file; never throws.
/// `on_progress` is called whenever the simulation reports progress.
RunReport run_one(const SweepOptions& options, const scenario::SweepPlan& plan, std::size_t run,
                  const std::function<void()>& on_progress = {});

class SweepRunner {
 public:
  SweepRunner(const SweepOptions& options, const scenario::SweepPlan& plan);

  /// Loads and checks every run's scenario before anything runs. Throws scenario::SweepError naming
  /// the first bad run by its overrides.
  void check_runs() const;
  /// --dry-run: the table of runs on stdout.
  void print_plan() const;
  /// Takes over the runs the folder already holds (SweepIndex::adopt_existing) and writes
  /// the index.
  void prepare();

  /// The next pending run, now marked running on `rank`; none when every run is handed out.
  std::optional<std::size_t> claim(int rank);
  /// Records how `run` went and rewrites the index.
  void finish(std::size_t run, int rank, const RunReport& report);
  /// Runs claimed runs in this thread, as `rank`, until none is left.
  void work(int rank);
  /// Redraws the progress line when due.
  void tick();
  /// Prints the summary; the exit code: 0 when every run is complete, else 1.
  int conclude();

 private:
  const SweepOptions& options_;
  const scenario::SweepPlan& plan_;
  std::mutex mutex_;
  SweepIndex index_;
  SweepProgress progress_;
  std::size_t next_ = 0;     // no run before it is pending
  std::size_t adopted_ = 0;  // runs complete from an earlier invocation
};

}  // namespace fabricsim::app
