#pragma once
// One scenario run, load to result file: what `fabricsim run` does, shared with `sweep`.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/resource_estimate.hpp"
#include "scenario/scenario.hpp"

namespace fabricsim::app {

/// The most state a run may need, and where that limit came from (for the error message).
struct MemoryLimit {
  std::uint64_t bytes = 0;
  std::string source;  // "80% of this machine's memory", "--max-memory 8GiB"
};

/// The default limit: 80% of this machine's memory.
MemoryLimit default_memory_limit();

struct RunRequest {
  std::string scenario;                // the scenario file
  std::vector<std::string> overrides;  // --set arguments, "key.path=value", applied in order
  std::string output;                  // result file; empty: the scenario's output.file
  MemoryLimit memory = default_memory_limit();
  bool quiet = false;                  // no progress line and no summary
  std::string command_line;            // recorded in the result as the command that made it
  std::function<void()> after_create;  // test hook: runs once the temporary result file exists
  std::function<void()> on_progress;   // called whenever the simulation reports progress
};

/// The scenario with the output applied, after every check that needs no simulation: the
/// resource estimate against the memory limit and whether the output can be created.
struct Checked {
  scenario::Scenario scenario;
  engine::ResourceEstimate estimate;
  std::uint64_t memory_limit = 0;
};

/// Throws ScenarioError, ResourceError or OutputRefused.
Checked load_checked(const RunRequest& request);

struct RunOutcome {
  std::string status;  // the result's status: "complete" or "incomplete"
  double wall_seconds = 0;
};

/// Loads, checks, simulates and writes the result file (through a temporary name renamed
/// when whole); prints the progress line and summary unless quiet. Throws as load_checked,
/// and io::OutputError, io::TraceError or std::exception when the run cannot finish.
RunOutcome run_scenario(const RunRequest& request);

/// Why a run could not go on, from the exception it threw: bad input (scenario, trace,
/// resources, output; exit 2) or a run that failed (exit 1), and the message to print.
struct RunError {
  bool bad_input = false;
  std::string message;  // "bad trace: ...", "run failed: ...", or the exception's own text
};

/// Classifies the exception being handled; call it inside a catch block.
RunError current_run_error();

/// Test-only: FABRICSIM_TEST_SIGNAL_DURING_WRITE=INT, TERM or KILL raises that signal once
/// the temporary result file exists, so tests interrupt a write deterministically. In a
/// sweep, FABRICSIM_TEST_SIGNAL_RUN=N limits it to run N (`run_id`; -1 for `fabricsim run`,
/// where FABRICSIM_TEST_SIGNAL_RUN is ignored).
std::function<void()> signal_during_write_hook(long run_id = -1);

}  // namespace fabricsim::app
