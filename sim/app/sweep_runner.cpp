#include "app/sweep_runner.hpp"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "app/run_context.hpp"
#include "scenario/scenario.hpp"

namespace fabricsim::app {
namespace {

/// What `fabricsim run` would be given for this run: the same overrides, the same output.
RunRequest request_for(const SweepOptions& options, const scenario::SweepPlan& plan,
                       std::size_t run) {
  RunRequest request = options.run_template;
  request.scenario = plan.scenario;
  request.overrides = plan.runs[run].args();
  request.output = result_path(options.folder, run, plan.runs.size());
  request.quiet = true;
  std::vector<std::string> words{options.program, "run", plan.scenario};
  for (const std::string& arg : request.overrides) {
    words.push_back("--set");
    words.push_back(arg);
  }
  words.push_back("-o");
  words.push_back(request.output);
  request.command_line = shell_join(words);
  request.after_create = signal_during_write_hook(static_cast<long>(run));
  return request;
}

std::string run_name(const scenario::SweepPlan& plan, std::size_t run) {
  const std::string label = plan.runs[run].label();
  return "run " + std::to_string(run) + (label.empty() ? "" : " (" + label + ")");
}

}  // namespace

RunReport run_one(const SweepOptions& options, const scenario::SweepPlan& plan, std::size_t run,
                  const std::function<void()>& on_progress) {
  RunRequest request = request_for(options, plan, run);
  request.on_progress = on_progress;
  const auto start = std::chrono::steady_clock::now();
  RunReport report;
  try {
    const RunOutcome outcome = run_scenario(request);
    report.status = outcome.status == "complete" ? RunStatus::complete : RunStatus::failed;
    if (report.status == RunStatus::failed) report.error = "status " + outcome.status;
    report.wall_seconds = outcome.wall_seconds;
    report.has_result = true;
    return report;
  } catch (const std::exception&) {
    const RunError error = current_run_error();
    report = {error.bad_input ? RunStatus::bad_input : RunStatus::failed, 0, false, error.message};
  }
  report.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

SweepRunner::SweepRunner(const SweepOptions& options, const scenario::SweepPlan& plan)
    : options_(options),
      plan_(plan),
      index_(options.folder, plan),
      progress_(options.quiet, isatty(STDERR_FILENO) != 0) {}

void SweepRunner::check_runs() const {
  for (std::size_t run = 0; run < plan_.runs.size(); ++run) {
    try {
      load_checked(request_for(options_, plan_, run));
    } catch (const std::exception& e) {
      throw scenario::SweepError(options_.sweep_file + ": " + run_name(plan_, run) + ": " +
                                 e.what());
    }
  }
}

void SweepRunner::print_plan() const {
  std::cout << plan_.runs.size() << " runs of " << plan_.scenario << " into " << options_.folder
            << "/runs, every scenario checked:\n";
  if (!plan_.runs.empty() && plan_.runs.front().common > 0) {
    std::cout << "  every run:";
    for (std::size_t i = 0; i < plan_.runs.front().common; ++i) {
      std::cout << " " << plan_.runs.front().overrides[i].arg();
    }
    std::cout << "\n";
  }
  for (std::size_t run = 0; run < plan_.runs.size(); ++run) {
    std::cout << "  " << index_.result_name(run) << "  " << plan_.runs[run].label() << "\n";
  }
}

void SweepRunner::prepare() {
  const std::lock_guard lock(mutex_);
  index_.adopt_existing();
  adopted_ = index_.count(RunStatus::complete);
  index_.write();
}

std::optional<std::size_t> SweepRunner::claim(int rank) {
  const std::lock_guard lock(mutex_);
  while (next_ < index_.size() && index_[next_].status != RunStatus::pending) ++next_;
  if (next_ == index_.size()) return std::nullopt;
  const std::size_t run = next_++;
  index_[run].status = RunStatus::running;
  index_[run].rank = rank;
  index_.write();
  progress_.run_changed(index_, run, plan_.runs[run].label());
  return run;
}

void SweepRunner::finish(std::size_t run, int rank, const RunReport& report) {
  const std::lock_guard lock(mutex_);
  RunState& state = index_[run];
  state = {report.status, rank, report.wall_seconds, report.has_result, report.error};
  index_.write();
  progress_.run_changed(index_, run, plan_.runs[run].label());
}

void SweepRunner::work(int rank) {
  while (const std::optional<std::size_t> run = claim(rank)) {
    finish(*run, rank, run_one(options_, plan_, *run, [this] { tick(); }));
  }
}

void SweepRunner::tick() {
  const std::lock_guard lock(mutex_);
  progress_.tick(index_);
}

int SweepRunner::conclude() {
  const std::lock_guard lock(mutex_);
  progress_.summary(index_, options_.folder, adopted_);
  return index_.count(RunStatus::complete) == index_.size() ? 0 : 1;
}

}  // namespace fabricsim::app
