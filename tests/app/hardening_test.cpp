// The hostile-input table: defects that once crashed, wrapped or ran out of memory, each
// next to a neighbour just inside the limit. Every defect must exit 2 from both `validate`
// and `run` with a message naming the cause, leave no output file, and change no input;
// every neighbour must pass `validate` and leave nothing behind either.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/cli_run.hpp"

namespace fabricsim {
namespace {

namespace fs = std::filesystem;
using test_support::run_fabricsim;
using test_support::snapshot;

/// A 4-host scenario; `workload` is one flow-style list item, `extra` more top-level keys.
std::string scenario(const std::string& workload = "{kind: permutation, bytes: 1MiB}",
                     const std::string& topology = "leaves: 2, spines: 2, hosts_per_leaf: 2",
                     const std::string& extra = "") {
  return "name: hostile\n"
         "topology: {" +
         topology +
         ", host_link: {rate: 100Gbps, latency: 1us}, "
         "fabric_link: {rate: 100Gbps, latency: 1us}}\n"
         "workload:\n  - " +
         workload + "\n" + extra;
}

/// A connection matrix of 4 nodes with one connection line.
std::string matrix(const std::string& line) { return "Nodes 4\nConnections 1\n" + line + "\n"; }

std::string digits(char c, int n) { return std::string(static_cast<std::size_t>(n), c); }

/// Nine anchors, each a list of nine aliases of the one before: 9^9 values once expanded.
std::string alias_bomb() {
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 8; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 9; ++j) text += (j ? ", " : "") + prev;
    text += "]\n";
  }
  return text + scenario();
}

std::string nested(int depth) { return digits('[', depth) + digits(']', depth); }

struct Case {
  std::string name;
  std::string yaml;      // scenario.yaml
  std::string args;      // more command-line words, shell-quoted
  int exit_code;         // 2: a defect; 0: a neighbour (validate only)
  std::string fragment;  // of the message (defects)
  std::string cm = "";   // m.cm, when the scenario imports a connection matrix
};

std::vector<Case> cases() {
  const std::string cm_workload = "{kind: connection_matrix, file: m.cm}";
  const std::string fine = "0->1 id 1 start 0 size 1000";
  return {
      // Numbers with units: digits, products, ranges (YAML and --set).
      {"set_bytes_128_fraction_digits_was_sigfpe", scenario(),
       "--set 'workload.0.bytes=0." + digits('0', 127) + "1B'", 2, "has more than 36 digits"},
      {"time_40_fraction_digits",
       scenario("{kind: permutation, bytes: 1MiB, start: 0." + digits('0', 40) + "1s}"), "", 2,
       "has more than 36 digits"},
      {"bytes_37_digits", scenario("{kind: permutation, bytes: 1" + digits('0', 36) + "B}"), "", 2,
       "has more than 36 digits"},
      {"bytes_36_digits_is_fine",
       scenario("{kind: permutation, bytes: 1." + digits('0', 35) + "MiB}"), "", 0, ""},
      {"tib_27_digits_wrapped", scenario(), "--set workload.0.bytes=123456789012345678901234567TiB",
       2, "too large for a size (valid: 0..1024TiB)"},
      {"bytes_int64_max", scenario("{kind: permutation, bytes: 9223372036854775807B}"), "", 2,
       "too large for a size (valid: 0..1024TiB)"},
      {"bytes_1025TiB", scenario("{kind: permutation, bytes: 1025TiB}"), "", 2,
       "workload.0.bytes: '1025TiB' is too large"},
      {"bytes_1024TiB_is_fine", scenario("{kind: permutation, bytes: 1024TiB}"), "", 0, ""},
      {"start_near_2_63_ps_failed_mid_run", scenario(),
       "--set workload.0.start=9223372036854775000ps", 2,
       "too large for a time (valid: 0..1000000s)"},
      {"start_1000001s", scenario("{kind: permutation, bytes: 1MiB, start: 1000001s}"), "", 2,
       "scenario.yaml:4:"},
      {"start_1000000s_is_fine", scenario("{kind: permutation, bytes: 1MiB, start: 1000000s}"), "",
       0, ""},
      {"latency_31_digits", scenario(),
       "--set topology.host_link.latency=" + digits('9', 31) + "ps", 2, "too large for a time"},
      {"latency_past_1s", scenario(), "--set topology.fabric_link.latency=1000001us", 2,
       "topology.fabric_link.latency: must be at most 1s, got '1000001us'"},
      {"latency_1s_is_fine", scenario(), "--set topology.fabric_link.latency=1s", 0, ""},
      {"a_route_latency_per_flow_past_the_clock",
       scenario("{kind: all_reduce, bytes: 1MiB, iterations: 200000}"),
       "--set topology.host_link.latency=1s", 2, "of simulated time"},
      {"rate_1001Tbps", scenario(), "--set topology.host_link.rate=1001Tbps", 2,
       "too large for a rate (valid: 0..1000Tbps)"},
      {"rate_1000Tbps_is_fine", scenario(), "--set topology.host_link.rate=1000Tbps", 0, ""},
      // Plain integers.
      {"seed_2_64", scenario(), "--set seed=18446744073709551616", 2,
       "must be at most 18,446,744,073,709,551,615"},
      {"seed_2_64_minus_1_is_fine", scenario(), "--set seed=18446744073709551615", 0, ""},
      {"leaves_2_32", scenario(), "--set topology.leaves=4294967296", 2,
       "must be at most 4,294,967,295"},
      {"moe_bytes_past_64_bits",
       scenario("{kind: moe, experts: 4, top_k: 2, tokens_per_gpu: 4294967295, hidden: 4294967295, "
                "bytes_per_element: 4294967295}"),
       "", 2, "more than the limit of 1024TiB per GPU"},
      {"moe_passes_past_64_bits",
       scenario("{kind: moe, experts: 4, top_k: 2, layers: 4294967295, iterations: 4294967295, "
                "backward: true}"),
       "", 2, "flows, more than the limit of 50,000,000 per workload"},
      // The clock: everything the run could reach must fit the int64 picoseconds.
      {"collective_compute_past_the_clock",
       scenario("{kind: all_reduce, bytes: 1MiB, iterations: 25, compute: 1000000s}"), "", 2,
       "of simulated time"},
      {"collective_compute_inside_the_clock",
       scenario("{kind: all_reduce, bytes: 1MiB, iterations: 2, compute: 1000000s}"), "", 0, ""},
      {"petabyte_at_one_bps", scenario("{kind: permutation, bytes: 1024TiB}"),
       "--set topology.host_link.rate=1bps", 2, "more than the clock's limit of"},
      {"moe_compute_past_the_clock",
       scenario("{kind: moe, experts: 4, top_k: 2, flops_per_token: 1e18, gpu_flops: 1e-300}"), "",
       2, "of simulated time"},
      // YAML structure: alias expansion and nesting.
      {"alias_bomb", alias_bomb(), "", 2, "expands to more than 4,000,000 values"},
      {"small_aliases_expand_and_reach_validation",
       "link: &link {rate: 100Gbps, latency: 1us}\n"
       "topology: {leaves: 2, spines: 2, hosts_per_leaf: 2, host_link: *link, fabric_link: *link}\n"
       "workload: [{kind: permutation, bytes: 1MiB}]\n",
       "", 2, "unknown key 'link'"},
      {"nesting_100_levels", scenario() + "seed: " + nested(100) + "\n", "", 2,
       "nested more than 64 levels deep"},
      {"nesting_5000_levels", scenario() + "seed: " + nested(5000) + "\n", "", 2,
       "YAML syntax error"},
      {"set_nesting_70_levels", scenario(), "--set 'name=" + nested(70) + "'", 2,
       "nested more than 64 levels deep"},
      // The equal-cost-path limit, now with a position and in validate.
      {"paths_just_over_2G",
       scenario("{kind: permutation, bytes: 1MiB}", "leaves: 46342, spines: 1, hosts_per_leaf: 1"),
       "", 2, "scenario.yaml:2:"},
      {"paths_from_links_per_pair",
       scenario("{kind: permutation, bytes: 1MiB}",
                "leaves: 16, spines: 16, hosts_per_leaf: 1, links_per_pair: 1024"),
       "", 2, "topology.links_per_pair: leaves x (leaves - 1) x spines x links_per_pair^2"},
      {"paths_2G_message_gives_the_limit",
       scenario("{kind: permutation, bytes: 1MiB}", "leaves: 46342, spines: 1, hosts_per_leaf: 1"),
       "", 2, "equal-cost paths, more than the limit of 2,147,483,648"},
      {"catalog_over_1GiB",
       scenario("{kind: permutation, bytes: 1MiB}", "leaves: 12000, spines: 1, hosts_per_leaf: 1"),
       "", 2, "path-catalog entries take"},
      // Connection matrices.
      {"cm_size_2_63_minus_1_finished_in_14us", scenario(cm_workload), "", 2,
       "m.cm:3: size '9223372036854775807' is not a byte count in 1..1125899906842624",
       matrix("0->1 id 1 start 0 size 9223372036854775807")},
      {"cm_size_2_64", scenario(cm_workload), "", 2, "m.cm:3: size '18446744073709551616'",
       matrix("0->1 id 1 start 0 size 18446744073709551616")},
      {"cm_size_1PiB_plus_1", scenario(cm_workload), "", 2, "m.cm:3: size '1125899906842625'",
       matrix("0->1 id 1 start 0 size 1125899906842625")},
      {"cm_size_1PiB_is_fine", scenario(cm_workload), "", 0, "",
       matrix("0->1 id 1 start 0 size 1125899906842624")},
      {"cm_start_near_2_63_ps", scenario(cm_workload), "", 2, "m.cm:3: start '9223372036854'",
       matrix("0->1 id 1 start 9223372036854 size 1000")},
      {"cm_start_past_1000000s", scenario(cm_workload), "", 2, "valid 0..1000000000000",
       matrix("0->1 id 1 start 1000000000000.000001 size 1000")},
      {"cm_and_workload_start_at_their_limits_are_fine",
       scenario("{kind: connection_matrix, file: m.cm, start: 1000000s}"), "", 0, "",
       matrix("0->1 id 1 start 1000000000000 size 1000")},
      {"cm_nodes_2_32", scenario(cm_workload), "", 2,
       "m.cm:1: expected 'Nodes <count>' with a count in 0..4294967295",
       "Nodes 4294967296\nConnections 1\n" + fine + "\n"},
      {"cm_connections_past_2_40", scenario(cm_workload), "", 2,
       "m.cm:2: expected 'Connections <count>'",
       "Nodes 4\nConnections 1099511627777\n" + fine + "\n"},
      {"cm_node_20_digits", scenario(cm_workload), "", 2,
       "m.cm:3: node '99999999999999999999' is not a node index",
       matrix("99999999999999999999->1 id 1 start 0 size 1000")},
      // Resources: limits on the work, checked before any of it is done.
      {"max_memory_1MiB", scenario(), "--max-memory 1MiB", 2,
       "more than the limit of 1.0 MiB (--max-memory 1MiB"},
      {"max_memory_not_a_size", scenario(), "--max-memory lots", 2,
       "--max-memory: 'lots' is not a valid size"},
      {"max_memory_128_fraction_digits", scenario(), "--max-memory 0." + digits('0', 127) + "1B", 2,
       "has more than 36 digits"},
      {"max_memory_1GiB_is_fine", scenario(), "--max-memory 1GiB", 0, ""},
      {"background_past_max_flows_fails_in_validate",
       scenario("{kind: background, load: 1, sizes: {dist: fixed, bytes: 1B}, duration: 1s}"), "",
       2, "more than max_flows"},
      {"split_subflows_1025", scenario(), "--set routing.policy=split --set routing.subflows=1025",
       2, "routing.subflows: must be at most 1,024"},
  };
}

class Hardening : public ::testing::Test {
 protected:
  void SetUp() override {
    // Per process, so concurrent test runs (two build folders) never share it.
    dir_ = fs::temp_directory_path() / ("fabricsim_hardening_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(Hardening, EveryDefectExitsTwoWithItsCauseAndNoNeighbourIsRefused) {
  const std::vector<Case> table = cases();
  ASSERT_GE(table.size(), 40u);
  for (const Case& c : table) {
    SCOPED_TRACE(c.name);
    const fs::path folder = dir_ / c.name;
    fs::create_directories(folder);
    const fs::path yaml = folder / "scenario.yaml";
    const fs::path out = folder / "out.h5";
    // The output named in the file, so validate checks a place inside the case's folder.
    std::ofstream(yaml) << c.yaml << "output: {file: " << out.string() << "}\n";
    if (!c.cm.empty()) std::ofstream(folder / "m.cm") << c.cm;
    const auto before = snapshot(folder);

    const auto validate = run_fabricsim("validate " + yaml.string() + " " + c.args);
    EXPECT_EQ(validate.signal, 0) << validate.output;
    EXPECT_EQ(validate.exit_code, c.exit_code) << validate.output;
    if (c.exit_code == 0) {
      EXPECT_NE(validate.output.find("# resource estimate: "), std::string::npos)
          << validate.output;
    } else {
      EXPECT_NE(validate.output.find(c.fragment), std::string::npos) << validate.output;
      const auto run =
          run_fabricsim("run " + yaml.string() + " --quiet -o " + out.string() + " " + c.args);
      EXPECT_EQ(run.signal, 0) << run.output;
      EXPECT_EQ(run.exit_code, 2) << run.output;
      EXPECT_NE(run.output.find(c.fragment), std::string::npos) << run.output;
    }
    EXPECT_FALSE(fs::exists(out));
    EXPECT_EQ(snapshot(folder), before) << "an input changed or a file was left";
  }
}

}  // namespace
}  // namespace fabricsim
