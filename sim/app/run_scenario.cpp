#include "app/run_scenario.hpp"

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "app/output_guard.hpp"
#include "app/output_probe.hpp"
#include "app/progress.hpp"
#include "app/run_context.hpp"
#include "engine/simulation.hpp"
#include "io/file_digest.hpp"
#include "io/hdf5_writer.hpp"
#include "io/moe_trace_reader.hpp"
#include "metrics/summary.hpp"

namespace fabricsim::app {

MemoryLimit default_memory_limit() {
  return {engine::default_memory_limit(), "80% of this machine's memory"};
}

Checked load_checked(const RunRequest& request) {
  Checked c{scenario::load(request.scenario, request.overrides), {}, request.memory.bytes};
  if (!request.output.empty()) c.scenario.output.file = request.output;
  c.estimate = engine::estimate_resources(c.scenario);
  engine::check_resources(c.estimate, c.memory_limit, request.memory.source);
  if (const std::string why = output_problem(c.scenario.output.file); !why.empty()) {
    throw engine::ResourceError("cannot create the output " + c.scenario.output.file + ": " + why);
  }
  std::vector<std::string> inputs;
  for (const scenario::InputPath& input : c.scenario.inputs) inputs.push_back(input.path);
  check_output(c.scenario.output.file, io::partial_path(c.scenario.output.file), inputs);
  return c;
}

RunError current_run_error() {
  try {
    throw;
  } catch (const OutputRefused& e) {
    return {true, e.what()};
  } catch (const scenario::ScenarioError& e) {
    return {true, e.what()};
  } catch (const engine::ResourceError& e) {
    return {true, e.what()};
  } catch (const io::TraceError& e) {
    return {true, std::string("bad trace: ") + e.what()};
  } catch (const std::invalid_argument& e) {
    return {true, std::string("bad input: ") + e.what()};
  } catch (const std::exception& e) {
    return {false, std::string("run failed: ") + e.what()};
  }
}

std::function<void()> signal_during_write_hook(long run_id) {
  const char* name = std::getenv("FABRICSIM_TEST_SIGNAL_DURING_WRITE");
  if (name == nullptr) return {};
  const char* only_run = std::getenv("FABRICSIM_TEST_SIGNAL_RUN");
  if (only_run != nullptr && run_id >= 0 && std::atol(only_run) != run_id) return {};
  const std::string signal_name = name;
  const int signal_number = signal_name == "TERM"   ? SIGTERM
                            : signal_name == "KILL" ? SIGKILL
                                                    : SIGINT;
  return [signal_number] { std::raise(signal_number); };
}

RunOutcome run_scenario(const RunRequest& request) {
  const Checked checked = load_checked(request);
  const scenario::Scenario& scenario = checked.scenario;
  std::vector<metrics::InputFile> inputs;
  for (const scenario::InputPath& input : scenario.inputs) {
    inputs.push_back(io::describe_input(input.role, input.path));
  }
  remove_on_signal(io::partial_path(scenario.output.file));
  const std::string started = utc_now_iso8601();
  engine::Simulation simulation(scenario);
  ProgressLine progress(!request.quiet);
  metrics::Results results = simulation.run([&](const engine::Progress& p) {
    progress.update(p);
    if (request.on_progress) request.on_progress();
  });
  progress.finish();
  results.info.command_line = request.command_line;
  results.info.start_time_utc = started;
  results.info.host_name = host_name();
  results.info.inputs = std::move(inputs);
  io::write_results(scenario.output.file, simulation.fabric(), results, request.after_create);
  if (!request.quiet) {
    const std::vector<std::string> names = io::link_names(simulation.fabric());
    const auto link_name = [&names](std::uint32_t l) { return names[l]; };
    std::cout << metrics::format_summary(results, link_name) << "  wrote " << scenario.output.file
              << "\n";
  }
  return {results.info.status, results.info.wall_seconds};
}

}  // namespace fabricsim::app
