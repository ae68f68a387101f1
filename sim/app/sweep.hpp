#pragma once
#include <string>
#include <vector>

#include "app/run_scenario.hpp"

namespace fabricsim::app {

struct SweepOptions {
  std::string sweep_file;
  std::string folder;                      // -o DIR
  std::vector<std::string> cli_overrides;  // --set, for every run after the file's `set`
  RunRequest run_template;                 // what every run shares (the memory limit)
  std::string program;                     // argv[0], for each run's recorded command line
  bool dry_run = false;                    // check every run and print the plan only
  bool quiet = false;                      // no progress and no summary
};

/// `fabricsim sweep` (docs/sweeps.md): runs every run of the sweep file not yet complete in
/// the folder, in this process, or shared among the ranks when launched by mpirun or srun.
/// Returns the exit code: 0 when every run is complete, 1 when one is not. Throws
/// scenario::SweepError for a bad sweep file, a bad run or a folder that holds another sweep.
int sweep(const SweepOptions& options);

/// Whether mpirun or srun started this process (their environment variables are set).
bool launched_by_mpi();

}  // namespace fabricsim::app
