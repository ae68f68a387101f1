// Built only with MPI (CMake option FABRICSIM_MPI). Rank 0 owns the index: its main thread
// is the only one calling MPI (MPI_THREAD_FUNNELED) and hands out runs; a worker thread of
// rank 0 runs simulations from the same SweepRunner. Every wait polls a nonblocking call
// with a short sleep between polls: OpenMPI's blocking calls busy-poll, which would take a
// core from the simulations for as long as a rank waits.
#include <mpi.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "app/sweep_mpi.hpp"
#include "app/sweep_runner.hpp"

namespace fabricsim::app {
namespace {

constexpr int kReportTag = 1;  // rank -> 0: the run it finished (or -1) and a request for more
constexpr int kAssignTag = 2;  // 0 -> rank: the next run, or -1 when none is left
constexpr auto kPollInterval = std::chrono::milliseconds(2);

/// Setup outcomes rank 0 broadcasts before any run: go on, stop (dry run), or bad input.
enum Setup : int { kProceed = 0, kDryRunDone = 1, kSetupFailed = 2 };

/// What a rank sends rank 0 with each request: the run it finished (-1 for none) and how.
std::string encode(long run, const RunReport& report) {
  std::ostringstream out;
  out.precision(17);
  out << run << '\n'
      << static_cast<int>(report.status) << '\n'
      << report.wall_seconds << '\n'
      << report.has_result << '\n'
      << report.error;
  return out.str();
}

long decode(const std::string& text, RunReport& report) {
  std::istringstream in(text);
  long run = -1;
  int status = 0;
  in >> run >> status >> report.wall_seconds >> report.has_result;
  in.get();  // the newline before the error text
  report.status = static_cast<RunStatus>(status);
  std::getline(in, report.error, '\0');
  return run;
}

/// Waits for a nonblocking MPI call without spinning a core.
void wait_for(MPI_Request& request) {
  for (int done = 0;;) {
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (done != 0) return;
    std::this_thread::sleep_for(kPollInterval);
  }
}

int broadcast_from_rank0(int value) {
  MPI_Request request;
  MPI_Ibcast(&value, 1, MPI_INT, 0, MPI_COMM_WORLD, &request);
  wait_for(request);
  return value;
}

/// Rank 0's main thread: answers every other rank's requests until each was told to stop.
/// `start_own_work` is called once every other rank has had its first run, so each rank
/// gets one when there are enough runs, however fast rank 0's own runs are.
void hand_out_runs(SweepRunner& runner, int ranks, const std::function<void()>& start_own_work) {
  int first_requests = 0;
  if (ranks == 1) start_own_work();
  for (int active = ranks - 1; active > 0;) {
    int pending = 0;
    MPI_Status status;
    MPI_Iprobe(MPI_ANY_SOURCE, kReportTag, MPI_COMM_WORLD, &pending, &status);
    if (pending == 0) {
      runner.tick();
      std::this_thread::sleep_for(kPollInterval);
      continue;
    }
    int size = 0;
    MPI_Get_count(&status, MPI_CHAR, &size);
    std::string text(static_cast<std::size_t>(size), '\0');
    MPI_Recv(text.data(), size, MPI_CHAR, status.MPI_SOURCE, kReportTag, MPI_COMM_WORLD,
             MPI_STATUS_IGNORE);
    RunReport report;
    const long finished = decode(text, report);
    if (finished >= 0) runner.finish(static_cast<std::size_t>(finished), status.MPI_SOURCE, report);
    const std::optional<std::size_t> next = runner.claim(status.MPI_SOURCE);
    long assigned = next ? static_cast<long>(*next) : -1;
    MPI_Request request;
    MPI_Isend(&assigned, 1, MPI_LONG, status.MPI_SOURCE, kAssignTag, MPI_COMM_WORLD, &request);
    wait_for(request);
    if (!next) --active;
    if (finished < 0 && ++first_requests == ranks - 1) start_own_work();
  }
}

/// Any other rank: asks rank 0 for runs and runs them until told to stop.
void run_assigned(const SweepOptions& options, const scenario::SweepPlan& plan) {
  long finished = -1;
  RunReport report;
  for (;;) {
    std::string text = encode(finished, report);
    MPI_Request request;
    MPI_Isend(text.data(), static_cast<int>(text.size()), MPI_CHAR, 0, kReportTag, MPI_COMM_WORLD,
              &request);
    wait_for(request);
    long assigned = -1;
    MPI_Irecv(&assigned, 1, MPI_LONG, 0, kAssignTag, MPI_COMM_WORLD, &request);
    wait_for(request);
    if (assigned < 0) return;
    report = run_one(options, plan, static_cast<std::size_t>(assigned));
    finished = assigned;
  }
}

/// MPI_Init_thread and MPI_Finalize around one sweep.
class MpiSession {
 public:
  MpiSession() {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    if (provided < MPI_THREAD_FUNNELED) {
      MPI_Finalize();
      throw scenario::SweepError(
          "this MPI library offers no MPI_THREAD_FUNNELED support; rank 0 needs it");
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiSession() { MPI_Finalize(); }
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace

int sweep_mpi(const SweepOptions& options, const scenario::SweepPlan& plan) {
  const MpiSession mpi;
  if (mpi.rank() != 0) {
    // Rank 0 alone checks the runs and reads the folder; its error is printed once.
    const int setup = broadcast_from_rank0(kProceed);
    if (setup == kSetupFailed) return 2;
    if (setup == kDryRunDone) return 0;
    run_assigned(options, plan);
    return broadcast_from_rank0(0);
  }
  SweepRunner runner(options, plan);
  std::exception_ptr failure;
  try {
    runner.check_runs();
    if (options.dry_run) {
      runner.print_plan();
    } else {
      runner.prepare();
    }
  } catch (...) {
    failure = std::current_exception();
  }
  broadcast_from_rank0(failure ? kSetupFailed : options.dry_run ? kDryRunDone : kProceed);
  if (failure) std::rethrow_exception(failure);
  if (options.dry_run) return 0;
  // The index cannot be written (a full disk): the worker thread keeps its error for the
  // main thread; the main thread, in the middle of talking to the ranks, aborts them all.
  std::exception_ptr worker_failure;
  std::thread worker;
  const auto start_worker = [&] {
    worker = std::thread([&] {
      try {
        runner.work(0);
      } catch (...) {
        worker_failure = std::current_exception();
      }
    });
  };
  try {
    hand_out_runs(runner, mpi.size(), start_worker);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fabricsim: %s\n", e.what());
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  worker.join();
  if (worker_failure) {
    broadcast_from_rank0(2);
    std::rethrow_exception(worker_failure);
  }
  return broadcast_from_rank0(runner.conclude());
}

}  // namespace fabricsim::app
