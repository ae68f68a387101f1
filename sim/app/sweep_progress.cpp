#include "app/sweep_progress.hpp"

#include <cstdio>
#include <iostream>

#include "app/progress.hpp"

namespace fabricsim::app {

SweepProgress::SweepProgress(bool quiet, bool terminal)
    : quiet_(quiet),
      terminal_(terminal),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

double SweepProgress::elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

std::string SweepProgress::line(const SweepIndex& index, std::size_t finished_now,
                                double elapsed_s) {
  const std::size_t failed = index.count(RunStatus::failed) + index.count(RunStatus::bad_input);
  const std::size_t done = index.count(RunStatus::complete) + failed;
  const std::size_t left = index.size() - done;
  const std::string eta =
      finished_now > 0
          ? duration_text(elapsed_s * static_cast<double>(left) / static_cast<double>(finished_now))
          : "?";
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "sweep: %zu/%zu done, %zu failed, %zu running | %s elapsed | ETA %s", done,
                index.size(), failed, index.count(RunStatus::running),
                duration_text(elapsed_s).c_str(), left == 0 ? "0 s" : eta.c_str());
  return buf;
}

void SweepProgress::draw(const SweepIndex& index) {
  last_draw_ = std::chrono::steady_clock::now();
  std::fprintf(stderr, "\r\033[K%s", line(index, finished_now_, elapsed()).c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void SweepProgress::tick(const SweepIndex& index) {
  if (quiet_ || !terminal_) return;
  if (std::chrono::steady_clock::now() - last_draw_ < std::chrono::milliseconds(500)) return;
  draw(index);
}

void SweepProgress::run_changed(const SweepIndex& index, std::size_t run,
                                const std::string& label) {
  const RunState& state = index[run];
  if (state.status != RunStatus::running) ++finished_now_;
  if (quiet_) return;
  if (terminal_) {
    draw(index);
    return;
  }
  if (state.status == RunStatus::running) return;
  const std::size_t done = index.count(RunStatus::complete) + index.count(RunStatus::failed) +
                           index.count(RunStatus::bad_input);
  std::fprintf(stderr, "[%zu/%zu] run %zu %s %.1f s on rank %d%s%s\n", done, index.size(), run,
               std::string(status_name(state.status)).c_str(), state.wall_seconds, state.rank,
               label.empty() ? "" : ": ", label.c_str());
  if (!state.error.empty()) std::fprintf(stderr, "  %s\n", state.error.c_str());
  std::fflush(stderr);
}

void SweepProgress::summary(const SweepIndex& index, const std::string& folder,
                            std::size_t adopted) {
  if (quiet_) return;
  if (drawn_) std::fprintf(stderr, "\r\033[K");
  drawn_ = false;
  std::cout << "sweep: " << index.size() << " runs: " << index.count(RunStatus::complete)
            << " complete";
  if (adopted > 0) std::cout << " (" << adopted << " from an earlier invocation)";
  std::cout << ", " << index.count(RunStatus::failed) << " failed, "
            << index.count(RunStatus::bad_input) << " bad input, in " << duration_text(elapsed())
            << " of wall time\n"
            << "  index: " << index.index_path() << "\n"
            << "  load it in Python: fabricsim_analysis.load_sweep(\"" << folder << "\")\n";
}

}  // namespace fabricsim::app
