#pragma once
#include "app/sweep.hpp"
#include "scenario/sweep_plan.hpp"

namespace fabricsim::app {

/// The sweep shared among MPI ranks (sweep_mpi.cpp, built only with MPI): rank 0 checks
/// the runs, writes the index and hands out runs, and runs them too on a worker thread;
/// every other rank asks rank 0 for a run, runs it and reports back. Returns the same exit
/// code on every rank.
int sweep_mpi(const SweepOptions& options, const scenario::SweepPlan& plan);

}  // namespace fabricsim::app
