#include "app/sweep_index.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "io/result_attributes.hpp"
#include "metrics/results.hpp"

namespace fabricsim::app {
namespace {

namespace fs = std::filesystem;

/// The run number of a result file name "run-0042.h5", or -1 for any other name.
long run_number(const std::string& name) {
  constexpr std::string_view prefix = "run-";
  constexpr std::string_view suffix = ".h5";
  if (name.size() <= prefix.size() + suffix.size() || !name.starts_with(prefix) ||
      !name.ends_with(suffix)) {
    return -1;
  }
  const std::string digits =
      name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  if (digits.size() > 9 || !std::all_of(digits.begin(), digits.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
      })) {
    return -1;
  }
  return std::stol(digits);
}

std::string overrides_text(const scenario::SweepRun& run) {
  return metrics::overrides_attribute(run.args());
}

/// "a=1 b=2" from the "a=1\nb=2\n" of a result's overrides attribute.
std::string one_line(std::string text) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text.empty() ? "(none)" : text;
}

std::string value_of(const scenario::SweepRun& run, const std::string& key) {
  std::string value;
  for (const scenario::Override& o : run.overrides) {
    if (o.key == key) value = o.value;
  }
  return value;
}

}  // namespace

std::string_view status_name(RunStatus status) {
  switch (status) {
    case RunStatus::pending:
      return "pending";
    case RunStatus::running:
      return "running";
    case RunStatus::complete:
      return "complete";
    case RunStatus::failed:
      return "failed";
    case RunStatus::bad_input:
      return "bad_input";
  }
  return "pending";
}

std::string result_file_name(std::size_t run, std::size_t run_count) {
  const std::size_t width =
      std::max<std::size_t>(4, std::to_string(run_count == 0 ? 0 : run_count - 1).size());
  std::string digits = std::to_string(run);
  digits.insert(0, width - std::min(width, digits.size()), '0');
  return "run-" + digits + ".h5";
}

std::string result_path(const std::string& folder, std::size_t run, std::size_t run_count) {
  return (fs::path(folder) / "runs" / result_file_name(run, run_count)).string();
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (const char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

SweepIndex::SweepIndex(std::string folder, const scenario::SweepPlan& plan)
    : folder_(std::move(folder)), plan_(plan), states_(plan.runs.size()) {}

std::string SweepIndex::result_name(std::size_t run) const {
  return "runs/" + result_file_name(run, states_.size());
}

std::string SweepIndex::result_path(std::size_t run) const {
  return app::result_path(folder_, run, states_.size());
}

std::string SweepIndex::index_path() const { return (fs::path(folder_) / "index.csv").string(); }

void SweepIndex::adopt_existing() {
  const fs::path runs = fs::path(folder_) / "runs";
  std::error_code ec;
  fs::create_directories(runs, ec);
  if (ec)
    throw scenario::SweepError("cannot create the sweep folder " + runs.string() + ": " +
                               ec.message());
  const std::string new_folder = "; name a new folder with -o";
  for (const fs::directory_entry& entry : fs::directory_iterator(runs)) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".partial") && entry.is_regular_file()) {
      fs::remove(entry.path(), ec);  // a write cut short by a kill: its run is redone
      continue;
    }
    const long number = run_number(name);
    if (number >= static_cast<long>(states_.size()) ||
        (number >= 0 && name != result_file_name(static_cast<std::size_t>(number), size()))) {
      throw scenario::SweepError(entry.path().string() + " is not a run of this sweep (it has " +
                                 std::to_string(size()) + " runs): the sweep changed" + new_folder);
    }
  }
  for (std::size_t run = 0; run < states_.size(); ++run) {
    const std::string path = result_path(run);
    if (!fs::exists(path)) continue;
    io::RunAttributes attributes;
    try {
      attributes = io::read_run_attributes(path);
    } catch (const io::ReadError& e) {
      throw scenario::SweepError(std::string(e.what()) + "; remove it to redo run " +
                                 std::to_string(run));
    }
    const scenario::SweepRun& planned = plan_.runs[run];
    if (attributes.overrides != overrides_text(planned)) {
      throw scenario::SweepError(
          path + " holds run " + std::to_string(run) + " of another sweep (its " + "overrides: " +
          one_line(attributes.overrides) + "; this sweep's run " + std::to_string(run) + ": " +
          one_line(overrides_text(planned)) + "): the sweep changed" + new_folder);
    }
    RunState& state = states_[run];
    state.has_result = true;
    state.wall_seconds = attributes.wall_seconds;
    state.status = attributes.status == "complete" ? RunStatus::complete : RunStatus::failed;
    if (state.status == RunStatus::failed) state.error = "status " + attributes.status;
  }
}

std::size_t SweepIndex::count(RunStatus status) const {
  return static_cast<std::size_t>(std::count_if(
      states_.begin(), states_.end(), [status](const RunState& s) { return s.status == status; }));
}

std::string SweepIndex::csv() const {
  std::string out = "run,status,rank,wall_s,result,error";
  for (const std::string& key : plan_.columns) out += "," + csv_field(key);
  out += "\n";
  for (std::size_t run = 0; run < states_.size(); ++run) {
    const RunState& s = states_[run];
    char wall[32] = "";
    if (s.wall_seconds >= 0) std::snprintf(wall, sizeof wall, "%.6f", s.wall_seconds);
    out += std::to_string(run) + "," + std::string(status_name(s.status)) + "," +
           (s.rank >= 0 ? std::to_string(s.rank) : "") + "," + wall + "," +
           (s.has_result ? result_name(run) : "") + "," + csv_field(s.error);
    for (const std::string& key : plan_.columns) {
      out += "," + csv_field(value_of(plan_.runs[run], key));
    }
    out += "\n";
  }
  return out;
}

void SweepIndex::write() const {
  const std::string path = index_path();
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << csv();
    out.flush();
    if (!out) throw scenario::SweepError("cannot write " + temporary);
  }
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec)
    throw scenario::SweepError("cannot rename " + temporary + " onto " + path + ": " +
                               ec.message());
}

}  // namespace fabricsim::app
