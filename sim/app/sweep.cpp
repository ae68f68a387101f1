#include "app/sweep.hpp"

#include <cstdlib>

#include "app/sweep_mpi.hpp"
#include "app/sweep_runner.hpp"

namespace fabricsim::app {

bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

int sweep(const SweepOptions& options) {
  const scenario::SweepPlan plan =
      scenario::load_sweep_plan(options.sweep_file, options.cli_overrides);
  if (launched_by_mpi()) {
#ifdef FABRICSIM_HAVE_MPI
    return sweep_mpi(options, plan);
#else
    throw scenario::SweepError(
        "launched by mpirun or srun, but this fabricsim was built without MPI "
        "(FABRICSIM_MPI=OFF, or no MPI found): every rank would run the whole sweep. Build "
        "with -DFABRICSIM_MPI=ON, or run the sweep without mpirun");
#endif
  }
  SweepRunner runner(options, plan);
  runner.check_runs();
  if (options.dry_run) {
    runner.print_plan();
    return 0;
  }
  runner.prepare();
  runner.work(0);
  return runner.conclude();
}

}  // namespace fabricsim::app
