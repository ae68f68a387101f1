// fabricsim command line: run, validate, info, list. Exit codes: 0 ok, 1 run failed, 2 bad input.
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "app/progress.hpp"
#include "engine/simulation.hpp"
#include "io/hdf5_writer.hpp"
#include "io/moe_trace.hpp"
#include "metrics/summary.hpp"
#include "net/params.hpp"
#include "routing/policy.hpp"
#include "scenario/scenario.hpp"
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
    "  run SCENARIO.yaml [-o OUT.h5] [--set key.path=value ...] [--seed N] [--quiet]\n"
    "  validate SCENARIO.yaml [--set ...]   parse and check, print the resolved scenario\n"
    "  info SCENARIO.yaml [--set ...]       topology facts: nodes, links, paths, bisection\n"
    "  list                                 routing policies, workloads, transports, models\n"
    "  --version\n";

/// Thrown for command-line mistakes: exit 2 with the usage text.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Args {
  std::string scenario;
  std::string output;
  std::vector<std::string> overrides;
  bool quiet = false;
};

Args parse_args(const std::string& command, const std::vector<std::string>& rest) {
  Args args;
  std::string seed;
  po::options_description options("options");
  options.add_options()("scenario", po::value(&args.scenario), "scenario YAML file")(
      "set", po::value(&args.overrides)->composing(), "override a YAML key: key.path=value")(
      "seed", po::value(&seed), "random seed (same as --set seed=N)");
  if (command == "run") {
    options.add_options()("output,o", po::value(&args.output), "result file (.h5)")(
        "quiet,q", po::bool_switch(&args.quiet), "no progress line and no summary");
  }
  po::positional_options_description positional;
  positional.add("scenario", 1);
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(rest).options(options).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  if (args.scenario.empty()) throw UsageError("'" + command + "' needs a scenario file");
  if (!seed.empty()) args.overrides.push_back("seed=" + seed);
  return args;
}

int run(const Args& args) {
  fsim::scenario::Scenario scenario = fsim::scenario::load(args.scenario, args.overrides);
  if (!args.output.empty()) scenario.output.file = args.output;
  fsim::engine::Simulation simulation(scenario);
  fsim::app::ProgressLine progress(!args.quiet);
  const fsim::metrics::Results results =
      simulation.run([&](const fsim::engine::Progress& p) { progress.update(p); });
  progress.finish();
  fsim::io::write_results(scenario.output.file, simulation.fabric(), results);
  if (!args.quiet) {
    const fsim::topo::Fabric& fabric = simulation.fabric();
    const auto link_name = [&fabric](std::uint32_t l) {
      return fabric.nodes[fabric.links[l].src].name + "->" + fabric.nodes[fabric.links[l].dst].name;
    };
    std::cout << fsim::metrics::format_summary(results, link_name) << "  wrote " << scenario.output.file
              << "\n";
  }
  return results.info.status == "complete" ? kOk : kRunFailed;
}

int info(const Args& args) {
  const fsim::scenario::Scenario scenario = fsim::scenario::load(args.scenario, args.overrides);
  const fsim::topo::Fabric fabric = fsim::topo::build_leaf_spine(scenario.topology);
  const fsim::topo::FabricStats stats = fsim::topo::describe(scenario.topology, fabric);
  std::printf("topology: leaf-spine, %u leaves x %u spines, %u hosts per leaf, %u link(s) per pair\n",
              scenario.topology.leaves, scenario.topology.spines, scenario.topology.hosts_per_leaf,
              scenario.topology.links_per_pair);
  std::printf("  hosts: %u, switches: %u, directed links: %u\n", stats.hosts, stats.switches,
              stats.links);
  std::printf("  equal-cost paths between leaves: %u..%u\n", stats.min_paths, stats.max_paths);
  std::printf("  oversubscription: %.2f:1, bisection bandwidth: %.1f Gbps\n",
              stats.oversubscription, static_cast<double>(stats.bisection.bps()) * 1e-9);
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

int dispatch(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0] == "--help" || argv[0] == "-h") {
    std::cout << kUsage;
    return argv.empty() ? kBadInput : kOk;
  }
  const std::string& command = argv[0];
  const std::vector<std::string> rest(argv.begin() + 1, argv.end());
  if (command == "--version") {
    std::cout << "fabricsim " << FABRICSIM_VERSION << " (" << FABRICSIM_GIT_SHA << ")\n";
    return kOk;
  }
  if (command == "list") return list();
  if (command != "run" && command != "validate" && command != "info") {
    throw UsageError("unknown command '" + command + "' (valid: run, validate, info, list)");
  }
  const Args args = parse_args(command, rest);
  if (command == "run") return run(args);
  if (command == "info") return info(args);
  std::cout << fsim::scenario::to_yaml(fsim::scenario::load(args.scenario, args.overrides));
  return kOk;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return dispatch(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const UsageError& e) {
    std::cerr << "fabricsim: " << e.what() << "\n" << kUsage;
    return kBadInput;
  } catch (const fsim::scenario::ScenarioError& e) {
    std::cerr << "fabricsim: " << e.what() << "\n";
    return kBadInput;
  } catch (const fsim::io::TraceError& e) {
    std::cerr << "fabricsim: bad trace: " << e.what() << "\n";
    return kBadInput;
  } catch (const std::invalid_argument& e) {
    std::cerr << "fabricsim: bad input: " << e.what() << "\n";
    return kBadInput;
  } catch (const std::exception& e) {
    std::cerr << "fabricsim: run failed: " << e.what() << "\n";
    return kRunFailed;
  }
}
