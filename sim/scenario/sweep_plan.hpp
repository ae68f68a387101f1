#pragma once
// A sweep file (docs/sweeps.md) expanded into its runs: each run is the list of --set
// overrides that turns the base scenario into that run.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace fabricsim::scenario {

/// A bad sweep file, --set argument or sweep folder: exit 2. The message names file:line,
/// the key and the valid choices.
class SweepError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Override {
  std::string key;    // dotted path: routing.policy
  std::string value;  // the value text, as --set takes it
  std::string arg() const { return key + "=" + value; }
};

struct SweepRun {
  std::size_t id = 0;               // 0-based, in product order
  std::vector<Override> overrides;  // the file's `set`, then --set, then the axes, seed last
  std::size_t common = 0;           // how many leading overrides every run shares
  /// "key=value" for each override, in order: the run's --set arguments.
  std::vector<std::string> args() const;
  /// The overrides that tell this run from the others (the axes'), space-separated.
  std::string label() const;
};

struct SweepPlan {
  std::string scenario;              // the base scenario, resolved against the sweep file
  std::vector<std::string> columns;  // every override key, in the order runs list them
  std::vector<SweepRun> runs;
};

/// Reads the sweep file at `path` and expands it: the cartesian product of its axes, the
/// first varying slowest, a zip group's lists advancing together, seeds innermost (`seeds:
/// N` means 1..N). `cli_overrides` ("key=value", --set) apply to every run after the file's
/// `set`. Throws SweepError.
SweepPlan load_sweep_plan(const std::string& path, const std::vector<std::string>& cli_overrides);

}  // namespace fabricsim::scenario
