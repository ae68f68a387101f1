// fabricsim command line: run, sweep, validate, info, list, report; `<command> --help` for each.
// Exit codes: 0 ok, 1 run failed, 2 bad input.
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "app/report_command.hpp"
#include "app/run_context.hpp"
#include "app/run_scenario.hpp"
#include "app/sweep.hpp"
#include "core/unit_parse.hpp"
#include "engine/resource_estimate.hpp"
#include "engine/simulation.hpp"
#include "net/params.hpp"
#include "routing/policy.hpp"
#include "scenario/scenario.hpp"
#include "scenario/sweep_plan.hpp"
#include "topo/leaf_spine.hpp"
#include "traffic/workload.hpp"

namespace po = boost::program_options;
namespace fsim = fabricsim;

namespace {

constexpr int kOk = 0;
constexpr int kRunFailed = 1;
constexpr int kBadInput = 2;

constexpr const char* kUsage =
    "usage: fabricsim <command> [options]\n"
    "  run SCENARIO.yaml [-o OUT.h5] [--set key.path=value ...] [--seed N] [--max-memory SIZE]\n"
    "      [--quiet]\n"
    "  sweep SWEEP.yaml -o DIR [--set key.path=value ...] [--dry-run] [--quiet]\n"
    "                                       every run of a parameter sweep, resumable; under\n"
    "                                       mpirun or srun the ranks share the runs\n"
    "  validate SCENARIO.yaml [--set ...]   every check of run short of simulating; prints the\n"
    "                                       resolved scenario and its resource estimate\n"
    "  info SCENARIO.yaml [--set ...]       topology facts: nodes, links, paths, bisection\n"
    "  list                                 routing policies, workloads, transports, models\n"
    "  report RESULT.h5 -o REPORT.html      one self-contained HTML page: summary, plots,\n"
    "                                       scenario (runs the Python analysis package)\n"
    "  --version\n"
    "'fabricsim <command> --help' lists the options of one command.\n";

/// Thrown for command-line mistakes: exit 2 with the usage text, or within a command a
/// pointer to its --help.
struct UsageError : std::runtime_error {
  explicit UsageError(const std::string& what, std::string in_command = "")
      : std::runtime_error(what), command(std::move(in_command)) {}
  std::string command;  // the subcommand being parsed; empty before one is known
};

/// A subcommand: its name, synopsis and one-line purpose, for its --help.
constexpr unsigned kHelpWidth = 100;  // columns of a command's --help

struct Command {
  const char* name;
  const char* synopsis;
  const char* purpose;
};

constexpr Command kCommands[] = {
    {"run", "run SCENARIO.yaml [options]",
     "Simulates the scenario, writes the result file (HDF5) and prints a summary."},
    {"sweep", "sweep SWEEP.yaml -o DIR [options]",
     "Runs every combination of a sweep file's axes (docs/sweeps.md): one result file per run "
     "in DIR/runs, their status in DIR/index.csv. Run it again to resume: complete runs are "
     "kept, the rest are run. Under mpirun or srun the ranks share the runs."},
    {"validate", "validate SCENARIO.yaml [options]",
     "Runs every check of `run` short of simulating (scenario, traces, connection matrices, "
     "resource estimate, output file) and prints the scenario resolved (defaults filled in, "
     "overrides applied) and its resource estimate."},
    {"info", "info SCENARIO.yaml [options]",
     "Prints the scenario's topology: hosts, switches, links, equal-cost paths, bisection."},
    {"list", "list",
     "Prints the routing policies, workload kinds, transports and models, with their help."},
    {"report", "report RESULT.h5 -o REPORT.html",
     "Writes one self-contained HTML page for a result: summary, plots, scenario."},
};

const Command* find_command(const std::string& name) {
  for (const Command& c : kCommands) {
    if (name == c.name) return &c;
  }
  return nullptr;
}

struct Args {
  std::string scenario;
  std::string output;
  std::vector<std::string> overrides;
  std::string max_memory;  // --max-memory SIZE; empty: derived from the machine's memory
  bool quiet = false;
  bool dry_run = false;  // sweep: print the runs and stop
  bool help = false;
};

/// The options of `command`, writing into `args` and `seed`; the scenario is positional.
po::options_description command_options(const std::string& command, Args& args, std::string& seed) {
  po::options_description options("options", kHelpWidth);
  options.add_options()("help,h", po::bool_switch(&args.help), "print this help and exit");
  if (command == "list") return options;
  options.add_options()(
      "set", po::value(&args.overrides)->composing()->value_name("KEY=VALUE"),
      command == "sweep"
          ? "override a YAML key of every run by its dotted path (repeatable), after the sweep "
            "file's `set`: output.sample_interval=0us"
          : "override a YAML key by its dotted path (repeatable): routing.policy=spray");
  if (command != "sweep") {
    options.add_options()("seed", po::value(&seed)->value_name("N"),
                          "random seed (same as --set seed=N)");
  }
  if (command == "run" || command == "validate" || command == "sweep") {
    options.add_options()("max-memory", po::value(&args.max_memory)->value_name("SIZE"),
                          "refuse a scenario whose estimated state exceeds SIZE (e.g. 8GiB; "
                          "default: 80% of the machine's memory)");
  }
  if (command == "run") {
    options.add_options()("output,o", po::value(&args.output)->value_name("OUT.h5"),
                          "result file (default: the scenario's output.file)")(
        "quiet,q", po::bool_switch(&args.quiet), "no progress line and no summary");
  }
  if (command == "sweep") {
    options.add_options()("output,o", po::value(&args.output)->value_name("DIR"),
                          "the sweep's folder: index.csv and runs/run-NNNN.h5 (required)")(
        "dry-run", po::bool_switch(&args.dry_run),
        "check every run's scenario, print the runs and exit")(
        "quiet,q", po::bool_switch(&args.quiet), "no progress and no summary");
  }
  return options;
}

std::string command_help(const Command& command) {
  Args args;
  std::string seed;
  std::ostringstream out;
  out << "usage: fabricsim " << command.synopsis << "\n"
      << command.purpose << "\n\n"
      << command_options(command.name, args, seed);
  return out.str();
}

Args parse_args(const Command& command, const std::vector<std::string>& rest) {
  Args args;
  std::string seed;
  const po::options_description options = command_options(command.name, args, seed);
  po::options_description hidden;
  hidden.add_options()("scenario", po::value(&args.scenario), "scenario YAML file");
  po::options_description all;
  all.add(options);
  if (std::string(command.name) != "list") all.add(hidden);
  po::positional_options_description positional;
  positional.add("scenario", 1);
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(rest).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what(), command.name);
  }
  if (args.help) return args;
  const std::string name = command.name;
  if (name != "list" && args.scenario.empty()) {
    throw UsageError("'" + name + "' needs a " + (name == "sweep" ? "sweep" : "scenario") + " file",
                     command.name);
  }
  if (name == "sweep" && args.output.empty()) {
    throw UsageError("'sweep' needs its folder: -o DIR", command.name);
  }
  if (!seed.empty()) args.overrides.push_back("seed=" + seed);
  return args;
}

/// The run of `args`: its memory limit from --max-memory (or the default).
fsim::app::RunRequest run_request(const Args& args, const std::string& command) {
  fsim::app::RunRequest request;
  request.scenario = args.scenario;
  request.overrides = args.overrides;
  request.output = args.output;
  request.quiet = args.quiet;
  if (!args.max_memory.empty()) {
    try {
      request.memory.bytes =
          static_cast<std::uint64_t>(fsim::core::parse_bytes(args.max_memory).count());
    } catch (const fsim::core::UnitError& e) {
      throw UsageError(std::string("--max-memory: ") + e.what(), command);
    }
    request.memory.source = "--max-memory " + args.max_memory;
  }
  return request;
}

int run(const Args& args, const std::string& command_line) {
  fsim::app::RunRequest request = run_request(args, "run");
  request.command_line = command_line;
  request.after_create = fsim::app::signal_during_write_hook();
  return fsim::app::run_scenario(request).status == "complete" ? kOk : kRunFailed;
}

int info(const Args& args) {
  const fsim::scenario::Scenario scenario = fsim::scenario::load(args.scenario, args.overrides);
  const fsim::topo::Fabric fabric = fsim::topo::build_fabric(scenario.topology);
  const fsim::topo::FabricStats stats = fsim::topo::describe(scenario.topology, fabric);
  std::printf("topology: %s\n", stats.description.c_str());
  std::printf("  hosts: %u, switches: %u, directed links: %u\n", stats.hosts, stats.switches,
              stats.links);
  std::printf("  nodes:");
  for (const auto& [kind, count] : stats.nodes_by_kind) std::printf(" %u %s", count, kind.c_str());
  std::printf(
      "\n  equal-cost paths between edge switches: %u..%u per pair, %llu in all"
      " (catalog %.1f MiB)\n",
      stats.min_paths, stats.max_paths, static_cast<unsigned long long>(fabric.path_count()),
      static_cast<double>(fabric.catalog.memory_bytes()) / (1 << 20));
  std::printf("  oversubscription:");
  for (const fsim::topo::TierStats& tier : stats.tiers) {
    std::printf(" %s %.2f:1", tier.name.c_str(), tier.oversubscription);
  }
  std::printf("\n  bisection bandwidth: %.1f Gbps\n",
              static_cast<double>(stats.bisection.bps()) * 1e-9);
  return kOk;
}

int list() {
  std::printf("routing policies (routing.policy):\n");
  for (const fsim::routing::PolicyInfo& p : fsim::routing::policies()) {
    std::printf("  %-12.*s %.*s\n", static_cast<int>(p.name.size()), p.name.data(),
                static_cast<int>(p.help.size()), p.help.data());
  }
  std::printf("workloads (workload[].kind):\n");
  for (const fsim::traffic::WorkloadKind& w : fsim::traffic::workload_kinds()) {
    std::printf("  %-12s %s\n", w.name, w.help);
  }
  std::printf("transports (transport.kind, packet model):\n");
  for (const fsim::net::TransportInfo& t : fsim::net::transports()) {
    std::printf("  %-12.*s %.*s\n", static_cast<int>(t.name.size()), t.name.data(),
                static_cast<int>(t.help.size()), t.help.data());
  }
  std::printf("models (model):\n  %-12s %s\n  %-12s %s\n", "flow",
              "fluid model: max-min fair rates, re-solved when flows start or finish", "packet",
              "packet model: every packet through NICs, switch ports and links");
  return kOk;
}

int dispatch(const std::string& program, const std::vector<std::string>& argv,
             const std::string& command_line) {
  if (argv.empty() || argv[0] == "--help" || argv[0] == "-h") {
    std::cout << kUsage;
    return argv.empty() ? kBadInput : kOk;
  }
  const std::string& name = argv[0];
  if (name == "--version") {
    std::cout << "fabricsim " << FABRICSIM_VERSION << " (" << FABRICSIM_GIT_SHA << ")\n";
    return kOk;
  }
  const Command* command = find_command(name);
  if (command == nullptr) {
    std::string valid;
    for (const Command& c : kCommands) valid += (valid.empty() ? "" : ", ") + std::string(c.name);
    throw UsageError("unknown command '" + name + "' (valid: " + valid + ")");
  }
  // report's options are the Python module's own (report.py), --help included.
  if (name == "report") {
    return fsim::app::run_report(std::vector<std::string>(argv.begin() + 1, argv.end()));
  }
  const Args args = parse_args(*command, std::vector<std::string>(argv.begin() + 1, argv.end()));
  if (args.help) {
    std::cout << command_help(*command);
    return kOk;
  }
  if (name == "list") return list();
  if (name == "run") return run(args, command_line);
  if (name == "sweep") {
    fsim::app::RunRequest each_run = run_request(args, "sweep");
    each_run.output.clear();
    return fsim::app::sweep({.sweep_file = args.scenario,
                             .folder = args.output,
                             .cli_overrides = args.overrides,
                             .run_template = each_run,
                             .program = program,
                             .dry_run = args.dry_run,
                             .quiet = args.quiet});
  }
  if (name == "info") return info(args);
  // validate: run minus simulating. Building the simulation reads the traces and generates
  // the traffic, so it fails exactly where run would.
  const fsim::app::Checked checked = fsim::app::load_checked(run_request(args, "validate"));
  const fsim::engine::Simulation simulation(checked.scenario);
  std::cout << fsim::scenario::to_yaml(checked.scenario)
            << fsim::engine::format_estimate(checked.estimate, checked.memory_limit);
  return kOk;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return dispatch(argv[0], std::vector<std::string>(argv + 1, argv + argc),
                    fsim::app::shell_join(std::vector<std::string>(argv, argv + argc)));
  } catch (const UsageError& e) {
    std::cerr << "fabricsim: " << e.what() << "\n";
    if (e.command.empty()) {
      std::cerr << kUsage;
    } else {
      std::cerr << "'fabricsim " << e.command << " --help' lists its options.\n";
    }
    return kBadInput;
  } catch (const fsim::scenario::SweepError& e) {
    std::cerr << "fabricsim: " << e.what() << "\n";
    return kBadInput;
  } catch (const std::exception&) {
    const fsim::app::RunError error = fsim::app::current_run_error();
    std::cerr << "fabricsim: " << error.message << "\n";
    return error.bad_input ? kBadInput : kRunFailed;
  }
}
