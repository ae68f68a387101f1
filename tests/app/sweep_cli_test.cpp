// End-to-end tests of `fabricsim sweep`: results equal to separate runs, the index, resume
// after a kill, a changed sweep, bad runs found before anything runs, and MPI when built.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "support/cli_run.hpp"
#include "support/scratch_dir.hpp"

namespace fabricsim {
namespace {

namespace fs = std::filesystem;
using test_support::run_fabricsim;

const std::string kSource = FABRICSIM_SOURCE_DIR;
const std::string kTinySweep = kSource + "/tests/scenarios/sweeps/tiny.yaml";
const std::string kTiny = kSource + "/tests/scenarios/good/tiny.yaml";

/// The overrides of each run of tests/scenarios/sweeps/tiny.yaml, in product order, as
/// written out by hand from the file.
std::vector<std::vector<std::string>> tiny_sweep_runs() {
  std::vector<std::vector<std::string>> runs;
  for (const char* model : {"flow", "packet"}) {
    for (const auto& [policy, name] :
         {std::pair{"ecmp", "tiny-ecmp"}, std::pair{"spray", "tiny spray, quoted"}}) {
      for (const char* seed : {"1", "2"}) {
        runs.push_back({"output.sample_interval=10us", std::string("model=") + model,
                        std::string("routing.policy=") + policy, std::string("name=") + name,
                        std::string("seed=") + seed});
      }
    }
  }
  return runs;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

/// The index with its wall_s column blanked (wall times differ run to run).
std::string index_without_wall(const fs::path& folder) {
  static const std::regex wall("^([0-9]+,[a-z_]+,[0-9]*,)[0-9.]*,", std::regex::multiline);
  return std::regex_replace(read_text(folder / "index.csv"), wall, "$1,");
}

/// The rows of the tiny sweep's index, wall_s blank, each with `status[i]` and `rank[i]`
/// ("" for none) and a result file when the run has one.
std::string tiny_index(const std::vector<std::string>& status,
                       const std::vector<std::string>& rank) {
  std::string out =
      "run,status,rank,wall_s,result,error,output.sample_interval,model,routing.policy,"
      "name,seed\n";
  const std::vector<std::vector<std::string>> runs = tiny_sweep_runs();
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const bool has_result = status[i] == "complete" || status[i] == "failed";
    const bool quoted = runs[i][3] == "name=tiny spray, quoted";
    out += std::to_string(i) + "," + status[i] + "," + rank[i] + ",," +
           (has_result ? "runs/run-000" + std::to_string(i) + ".h5" : "") + ",,10us," +
           runs[i][1].substr(6) + "," + runs[i][2].substr(15) + "," +
           (quoted ? "\"tiny spray, quoted\"" : "tiny-ecmp") + "," + runs[i][4].substr(5) + "\n";
  }
  return out;
}

/// Runs /usr/bin/python3 tests/app/same_results.py with `args`; its output and exit code.
test_support::CliOutcome same_results(const std::string& args) {
  const std::string command =
      "/usr/bin/python3 " + kSource + "/tests/app/same_results.py " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  test_support::CliOutcome out;
  char buf[4096];
  for (std::size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) out.output.append(buf, n);
  const int status = pclose(pipe);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

std::string attribute(const fs::path& file, const std::string& name) {
  std::string text = same_results("--attr " + name + " '" + file.string() + "'").output;
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

bool has_partial(const fs::path& folder) {
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    if (entry.path().extension() == ".partial") return true;
  }
  return false;
}

class SweepCli : public ::testing::Test {
 protected:
  std::string sweep_args(const fs::path& out) const {
    return "sweep " + kTinySweep + " -o " + out.string();
  }
  /// Writes a sweep file over tiny.yaml with `axes` (YAML text) and returns its path.
  std::string sweep_file(const std::string& name, const std::string& axes) const {
    const fs::path path = dir_.path() / name;
    std::ofstream(path) << "scenario: " << kTiny << "\naxes:\n" << axes;
    return path.string();
  }
  test_support::ScratchDir dir_{"sweep_cli"};
};

TEST_F(SweepCli, EveryRunEqualsItsRecordedSingleRunCommand) {
  const fs::path out = dir_.path() / "out";
  const auto r = run_fabricsim(sweep_args(out) + " --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "");  // --quiet: no progress, no summary
  const std::vector<std::string> complete(8, "complete"), rank0(8, "0");
  EXPECT_EQ(index_without_wall(out), tiny_index(complete, rank0));

  // Each result is what the single command it records writes, dataset for dataset; that
  // command is `fabricsim run BASE --set ... -o` the same file.
  fs::rename(out / "runs", dir_.path() / "sweep_runs");
  const std::vector<std::vector<std::string>> runs = tiny_sweep_runs();
  for (std::size_t i = 0; i < runs.size(); ++i) {
    SCOPED_TRACE("run " + std::to_string(i));
    const fs::path swept = dir_.path() / "sweep_runs" / ("run-000" + std::to_string(i) + ".h5");
    const fs::path single = out / "runs" / swept.filename();
    std::string overrides;
    for (const std::string& o : runs[i]) overrides += o + "\n";
    EXPECT_EQ(attribute(swept, "overrides"), overrides);
    std::string expected = std::string(FABRICSIM_BINARY) + " run " + kTiny;
    for (const std::string& o : runs[i]) {
      expected += " --set " + (o.find(' ') == std::string::npos ? o : "'" + o + "'");
    }
    const std::string command = attribute(swept, "command_line");
    EXPECT_EQ(command, expected + " -o " + single.string());
    ASSERT_EQ(std::system((command + " --quiet").c_str()), 0);
    const auto same = same_results("'" + swept.string() + "' '" + single.string() + "'");
    EXPECT_EQ(same.exit_code, 0) << same.output;
  }
  // The comparison can fail: two different runs differ.
  const auto differ = same_results((dir_.path() / "sweep_runs/run-0000.h5").string() + " " +
                                   (out / "runs/run-0001.h5").string());
  EXPECT_EQ(differ.exit_code, 1);
  EXPECT_NE(differ.output.find("/ attribute seed: 1 != 2"), std::string::npos) << differ.output;
}

TEST_F(SweepCli, AKilledSweepResumesKeepingCompleteRunsAndRedoingTheKilledOne) {
  const fs::path out = dir_.path() / "out";
  const auto killed = run_fabricsim(
      sweep_args(out), "FABRICSIM_TEST_SIGNAL_DURING_WRITE=KILL FABRICSIM_TEST_SIGNAL_RUN=2");
  ASSERT_EQ(killed.signal, 9) << killed.output;
  EXPECT_EQ(index_without_wall(out), tiny_index({"complete", "complete", "running", "pending",
                                                 "pending", "pending", "pending", "pending"},
                                                {"0", "0", "0", "", "", "", "", ""}));
  EXPECT_TRUE(has_partial(out / "runs"));  // SIGKILL left run 2's temporary file
  EXPECT_FALSE(fs::exists(out / "runs/run-0002.h5"));

  struct stat before0 {
  }, before1{};
  ASSERT_EQ(stat((out / "runs/run-0000.h5").c_str(), &before0), 0);
  ASSERT_EQ(stat((out / "runs/run-0001.h5").c_str(), &before1), 0);
  const std::string bytes0 = read_text(out / "runs/run-0000.h5");
  const std::string bytes1 = read_text(out / "runs/run-0001.h5");

  const auto resumed = run_fabricsim(sweep_args(out));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  // Not a single byte of runs 0 and 1 rewritten: same inode, same modification time.
  struct stat after0 {
  }, after1{};
  ASSERT_EQ(stat((out / "runs/run-0000.h5").c_str(), &after0), 0);
  ASSERT_EQ(stat((out / "runs/run-0001.h5").c_str(), &after1), 0);
  EXPECT_EQ(after0.st_ino, before0.st_ino);
  EXPECT_EQ(after1.st_ino, before1.st_ino);
  EXPECT_EQ(after0.st_mtim.tv_nsec, before0.st_mtim.tv_nsec);
  EXPECT_EQ(after1.st_mtim.tv_nsec, before1.st_mtim.tv_nsec);
  EXPECT_EQ(read_text(out / "runs/run-0000.h5"), bytes0);
  EXPECT_EQ(read_text(out / "runs/run-0001.h5"), bytes1);
  EXPECT_EQ(resumed.output.find("run 0 "), std::string::npos) << resumed.output;
  EXPECT_EQ(resumed.output.find("run 1 "), std::string::npos) << resumed.output;
  EXPECT_NE(resumed.output.find("[3/8] run 2 complete"), std::string::npos) << resumed.output;
  EXPECT_NE(resumed.output.find("[8/8] run 7 complete"), std::string::npos) << resumed.output;
  EXPECT_NE(resumed.output.find("8 complete (2 from an earlier invocation)"), std::string::npos)
      << resumed.output;
  // Runs kept from the first invocation have no rank this time.
  EXPECT_EQ(index_without_wall(out), tiny_index(std::vector<std::string>(8, "complete"),
                                                {"", "", "0", "0", "0", "0", "0", "0"}));
  EXPECT_FALSE(has_partial(out / "runs"));
  EXPECT_NE(attribute(out / "runs/run-0000.h5", "wall_seconds"), "");
}

TEST_F(SweepCli, AChangedSweepInAnExistingFolderExitsTwo) {
  const fs::path out = dir_.path() / "out";
  const std::string first =
      sweep_file("first.yaml", "  - {key: routing.policy, values: [ecmp, spray]}\n");
  ASSERT_EQ(run_fabricsim("sweep " + first + " -o " + out.string() + " --quiet").exit_code, 0);
  const std::string other =
      sweep_file("other.yaml", "  - {key: routing.policy, values: [ecmp, flowlet]}\n");
  const auto changed = run_fabricsim("sweep " + other + " -o " + out.string());
  EXPECT_EQ(changed.exit_code, 2) << changed.output;
  EXPECT_NE(
      changed.output.find("holds run 1 of another sweep (its overrides: routing.policy=spray; "
                          "this sweep's run 1: routing.policy=flowlet): the sweep changed; "
                          "name a new folder with -o"),
      std::string::npos)
      << changed.output;
  const std::string fewer = sweep_file("fewer.yaml", "  - {key: routing.policy, values: [ecmp]}\n");
  const auto shrunk = run_fabricsim("sweep " + fewer + " -o " + out.string());
  EXPECT_EQ(shrunk.exit_code, 2) << shrunk.output;
  EXPECT_NE(shrunk.output.find("run-0001.h5 is not a run of this sweep (it has 1 runs)"),
            std::string::npos)
      << shrunk.output;
  // Nothing was run or rewritten.
  EXPECT_EQ(attribute(out / "runs/run-0001.h5", "overrides"), "routing.policy=spray\n");
}

TEST_F(SweepCli, ABadRunIsNamedBeforeAnythingRuns) {
  const fs::path out = dir_.path() / "out";
  const std::string file =
      sweep_file("bad.yaml", "  - {key: routing.policy, values: [ecmp, spary]}\n");
  const auto r = run_fabricsim("sweep " + file + " -o " + out.string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(file + ": run 1 (routing.policy=spary): --set routing.policy=spary: "
                                 "routing.policy: unknown policy 'spary' (valid: ecmp, spray"),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(SweepCli, AStalledRunIsFailedAndTheSweepExitsOne) {
  const fs::path out = dir_.path() / "out";
  const std::string file = sweep_file(
      "stall.yaml", "  - {key: events, values: [[], [{at: 0us, node: host0, action: down}]]}\n");
  const auto r = run_fabricsim("sweep " + file + " -o " + out.string());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("[2/2] run 1 failed"), std::string::npos) << r.output;
  EXPECT_EQ(index_without_wall(out),
            "run,status,rank,wall_s,result,error,events\n"
            "0,complete,0,,runs/run-0000.h5,,[]\n"
            "1,failed,0,,runs/run-0001.h5,status incomplete,\"[{at: 0us, node: host0, action: "
            "down}]\"\n");
  // Resuming keeps the failed result (rerunning it would stall again) and still exits 1.
  EXPECT_EQ(run_fabricsim("sweep " + file + " -o " + out.string()).exit_code, 1);
}

TEST_F(SweepCli, DryRunPrintsTheRunsAndWritesNothing) {
  const fs::path out = dir_.path() / "out";
  const auto r = run_fabricsim(sweep_args(out) + " --dry-run");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("8 runs of " + kTiny), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("  every run: output.sample_interval=10us\n"), std::string::npos);
  EXPECT_NE(r.output.find("  runs/run-0007.h5  model=packet routing.policy=spray name=tiny spray, "
                          "quoted seed=2\n"),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(SweepCli, CommandLineSetAppliesToEveryRunAndSweepNeedsItsFolder) {
  const fs::path out = dir_.path() / "out";
  const auto r = run_fabricsim(sweep_args(out) + " --dry-run --set flow.resolve_interval=1us");
  EXPECT_NE(r.output.find("  every run: output.sample_interval=10us flow.resolve_interval=1us\n"),
            std::string::npos)
      << r.output;
  const auto no_folder = run_fabricsim("sweep " + kTinySweep);
  EXPECT_EQ(no_folder.exit_code, 2);
  EXPECT_NE(no_folder.output.find("'sweep' needs its folder: -o DIR"), std::string::npos)
      << no_folder.output;
}

TEST_F(SweepCli, EveryRepositorySweepFileChecksOut) {
  std::size_t files = 0;
  for (const char* folder : {"/scenarios/sweeps", "/bench/sweeps"}) {
    for (const auto& entry : fs::directory_iterator(kSource + folder)) {
      if (entry.path().extension() != ".yaml") continue;
      SCOPED_TRACE(entry.path().string());
      ++files;
      const auto r = run_fabricsim("sweep " + entry.path().string() + " -o " +
                                   (dir_.path() / "dry").string() + " --dry-run");
      EXPECT_EQ(r.exit_code, 0) << r.output;
    }
  }
  EXPECT_GE(files, 7u);
}

#ifdef FABRICSIM_TEST_MPIEXEC
TEST_F(SweepCli, TwoMpiRanksGiveTheSequentialResultsRunForRun) {
  // Both sweeps write into one folder (the resolved scenario records its output path), the
  // sequential one moved aside before the 2-rank one runs.
  const fs::path out = dir_.path() / "out", sequential = dir_.path() / "sequential";
  ASSERT_EQ(run_fabricsim(sweep_args(out) + " --quiet").exit_code, 0);
  fs::rename(out, sequential);
  const auto r = run_fabricsim(sweep_args(out),
                               FABRICSIM_TEST_MPIEXEC " --allow-run-as-root --oversubscribe -np 2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (std::size_t i = 0; i < 8; ++i) {
    const std::string name = "runs/run-000" + std::to_string(i) + ".h5";
    const auto same = same_results((sequential / name).string() + " " + (out / name).string());
    EXPECT_EQ(same.exit_code, 0) << name << ": " << same.output;
  }
  const std::string index = read_text(out / "index.csv");
  EXPECT_NE(index.find(",complete,0,"), std::string::npos) << index;
  EXPECT_NE(index.find(",complete,1,"), std::string::npos) << index;
  EXPECT_EQ(index.find("pending"), std::string::npos) << index;
  EXPECT_EQ(index.find("running"), std::string::npos) << index;
}
#else
TEST_F(SweepCli, WithoutMpiBuiltALaunchByMpirunExitsTwo) {
  const auto r = run_fabricsim(sweep_args(dir_.path() / "out"), "OMPI_COMM_WORLD_SIZE=2");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("built without MPI"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir_.path() / "out"));
}
#endif

}  // namespace
}  // namespace fabricsim
