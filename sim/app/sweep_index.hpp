#pragma once
// The state of every run of a sweep, kept in DIR/index.csv, and what a sweep folder
// already holds when a sweep resumes.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/sweep_plan.hpp"

namespace fabricsim::app {

enum class RunStatus { pending, running, complete, failed, bad_input };

/// The index's word for `status`: "pending", "running", "complete", "failed", "bad_input".
std::string_view status_name(RunStatus status);

struct RunState {
  RunStatus status = RunStatus::pending;
  int rank = -1;             // the MPI rank (0 without MPI) that ran it; -1: not this time
  double wall_seconds = -1;  // the run's wall time; negative until known
  bool has_result = false;   // its result file exists
  std::string error;         // why it did not complete, when known
};

/// "run-0003.h5": 4 digits, more when the sweep has more than 10,000 runs.
std::string result_file_name(std::size_t run, std::size_t run_count);

/// DIR/runs/run-NNNN.h5: where run `run` of `run_count` writes its result in `folder`.
std::string result_path(const std::string& folder, std::size_t run, std::size_t run_count);

/// One field of a CSV row, quoted when it holds a comma, a quote or a line break.
std::string csv_field(std::string_view text);

class SweepIndex {
 public:
  /// Every run pending; nothing read or written yet.
  SweepIndex(std::string folder, const scenario::SweepPlan& plan);

  /// The result file of `run`, relative to the folder ("runs/run-0003.h5") and as a path.
  std::string result_name(std::size_t run) const;
  std::string result_path(std::size_t run) const;

  /// Resuming: creates DIR/runs, deletes stale *.partial files there, and takes over each
  /// run whose result file exists (complete, or failed when its status says so) after
  /// checking that the file's recorded overrides are the run's. Throws scenario::SweepError when
  /// they are not, or when DIR/runs holds a result past the sweep's last run: the sweep changed.
  void adopt_existing();

  RunState& operator[](std::size_t run) { return states_[run]; }
  const RunState& operator[](std::size_t run) const { return states_[run]; }
  std::size_t size() const { return states_.size(); }
  std::size_t count(RunStatus status) const;

  /// The index as CSV: run,status,rank,wall_s,result,error, then one column per override key.
  std::string csv() const;
  /// Writes csv() to DIR/index.csv through a temporary file renamed onto it.
  void write() const;
  std::string index_path() const;

 private:
  std::string folder_;
  const scenario::SweepPlan& plan_;
  std::vector<RunState> states_;
};

}  // namespace fabricsim::app
