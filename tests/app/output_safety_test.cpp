// End-to-end tests of what a run may write: never an input, never a non-regular file, a
// temporary name of its own, nothing left behind on a signal or a full disk.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace fabricsim {
namespace {

namespace fs = std::filesystem;

/// How a process ended: an exit code, or the signal that killed it.
struct Ended {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string output;  // stdout and stderr together
};

/// A started fabricsim process writing its output to `log`.
struct Child {
  pid_t pid = -1;
  fs::path log;
};

Child start(const std::vector<std::string>& args, const fs::path& log,
            const std::vector<std::string>& extra_env = {}) {
  std::vector<std::string> words{FABRICSIM_BINARY};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_words(extra_env);
  for (char** e = environ; *e != nullptr; ++e) env_words.emplace_back(*e);
  std::vector<char*> envp;
  for (std::string& e : env_words) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  Child child{-1, log};
  if (posix_spawn(&child.pid, argv[0], &actions, nullptr, argv.data(), envp.data()) != 0)
    child.pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return child;
}

Ended wait_for(const Child& child) {
  Ended out;
  int status = 0;
  if (child.pid < 0 || waitpid(child.pid, &status, 0) != child.pid) return out;
  if (WIFEXITED(status)) out.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) out.signal = WTERMSIG(status);
  std::ifstream in(child.log);
  std::ostringstream text;
  text << in.rdbuf();
  out.output = text.str();
  return out;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

/// Every regular file under `folder` with its bytes.
std::map<std::string, std::string> snapshot(const fs::path& folder) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    if (entry.is_regular_file()) files[entry.path().string()] = read_file(entry.path());
  }
  return files;
}

/// The names in `folder`, sorted.
std::vector<std::string> names_in(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

bool is_hdf5(const fs::path& path) { return read_file(path).rfind("\x89HDF\r\n\x1a\n", 0) == 0; }

/// A fresh folder per test holding copies of a scenario with a topology file, a
/// connection matrix and a MoE routing trace, so a refused run can be shown to leave them
/// byte for byte unchanged. `out/` receives results; the logs live beside it.
class OutputSafety : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("fabricsim_output_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(inputs_ = dir_ / "inputs");
    fs::create_directories(out_ = dir_ / "out");
    const fs::path source(FABRICSIM_SOURCE_DIR);
    fs::copy_file(source / "topologies/leafspine-4x2-100g.yaml", inputs_ / "topo.yaml");
    fs::copy_file(source / "scenarios/traces/sample.cm", inputs_ / "sample.cm");
    fs::copy_file(source / "scenarios/traces/sample_moe_trace.h5", inputs_ / "trace.h5");
    std::ofstream(inputs_ / "matrix.yaml")
        << "topology: {file: topo.yaml}\n"
           "workload:\n"
           "  - {kind: connection_matrix, file: sample.cm, placement: {gpus: 8}}\n";
    std::ofstream(inputs_ / "moe.yaml")
        << "topology: {file: topo.yaml}\n"
           "workload:\n"
           "  - {kind: moe, experts: 16, top_k: 2, tokens_per_gpu: 256, hidden: 4096,\n"
           "     bytes_per_element: 2, layers: 4, gpus: 8, routing_trace: {file: trace.h5}}\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  Ended run(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    return wait_for(start(args, dir_ / ("log" + std::to_string(logs_++)), env));
  }
  std::string scenario(const char* name) const { return (inputs_ / name).string(); }

  fs::path dir_, inputs_, out_;
  int logs_ = 0;
};

TEST_F(OutputSafety, OutputNamingAnInputOrANonRegularFileExitsTwoAndChangesNothing) {
  fs::create_symlink(inputs_ / "matrix.yaml", out_ / "alias.h5");
  fs::create_hard_link(inputs_ / "sample.cm", out_ / "hard.h5");
  ASSERT_EQ(mkfifo((out_ / "fifo").c_str(), 0644), 0);
  fs::create_directories(out_ / "folder");
  struct Case {
    const char* scenario;
    std::string output;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"matrix.yaml", scenario("matrix.yaml"), "it is an input of this run"},
      {"matrix.yaml", (inputs_ / ".." / "inputs" / "matrix.yaml").string(), "input of this run"},
      {"matrix.yaml", (out_ / "alias.h5").string(), "input of this run"},
      {"matrix.yaml", (out_ / "hard.h5").string(), "input of this run"},
      {"matrix.yaml", scenario("topo.yaml"), "topo.yaml"},
      {"matrix.yaml", scenario("sample.cm"), "sample.cm"},
      {"moe.yaml", scenario("trace.h5"), "trace.h5"},
      {"matrix.yaml", "/dev/null", "character device"},
      {"matrix.yaml", (out_ / "fifo").string(), "fifo"},
      {"matrix.yaml", (out_ / "folder").string(), "folder"},
  };
  const auto before = snapshot(dir_);
  for (const Case& c : cases) {
    SCOPED_TRACE(c.output);
    const Ended r = run({"run", scenario(c.scenario), "--quiet", "-o", c.output});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find(c.message), std::string::npos) << r.output;
    fs::remove(dir_ / ("log" + std::to_string(logs_ - 1)));
    EXPECT_EQ(snapshot(dir_), before);
  }
  EXPECT_TRUE(fs::is_fifo(out_ / "fifo"));
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
}

TEST_F(OutputSafety, ConcurrentRunsToOneOutputBothSucceedAndLeaveOneCompleteFile) {
  const std::string out = (out_ / "shared.h5").string();
  const std::vector<std::string> args{"run", scenario("matrix.yaml"), "--quiet", "-o", out};
  const Child first = start(args, dir_ / "first.log");
  const Child second = start(args, dir_ / "second.log");
  const Ended a = wait_for(first), b = wait_for(second);
  EXPECT_EQ(a.exit_code, 0) << a.output;
  EXPECT_EQ(b.exit_code, 0) << b.output;
  EXPECT_EQ(names_in(out_), std::vector<std::string>{"shared.h5"});
  EXPECT_TRUE(is_hdf5(out));
}

TEST_F(OutputSafety, InterruptDuringTheWriteRemovesThePartialFileAndExits130) {
  const Ended r = run({"run", scenario("matrix.yaml"), "--quiet", "-o", (out_ / "r.h5").string()},
                      {"FABRICSIM_TEST_SIGNAL_DURING_WRITE=INT"});
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.exit_code, 130) << r.output;
  EXPECT_TRUE(names_in(out_).empty());
}

TEST_F(OutputSafety, TerminateDuringTheWriteRemovesThePartialFileAndExits143) {
  const Ended r = run({"run", scenario("moe.yaml"), "--quiet", "-o", (out_ / "r.h5").string()},
                      {"FABRICSIM_TEST_SIGNAL_DURING_WRITE=TERM"});
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.exit_code, 143) << r.output;
  EXPECT_TRUE(names_in(out_).empty());
}

TEST_F(OutputSafety, FullDiskExitsOneWithAMessageNoSignalAndNoFile) {
  if (geteuid() != 0) GTEST_SKIP() << "mounting a small tmpfs needs root";
  const fs::path full = dir_ / "full";
  fs::create_directories(full);
  // 16 KiB holds the file's first blocks but not tiny.yaml's ~40 KB result, so a write
  // fails mid-file.
  if (mount("tmpfs", full.c_str(), "tmpfs", 0, "size=16k") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here: " << std::strerror(errno);
  }
  const Ended r = run({"run", std::string(FABRICSIM_SOURCE_DIR) + "/tests/scenarios/good/tiny.yaml",
                       "--quiet", "-o", (full / "r.h5").string()});
  const std::vector<std::string> left = names_in(full);
  umount(full.c_str());
  EXPECT_EQ(r.signal, 0) << r.output;
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("No space left on device"), std::string::npos) << r.output;
  EXPECT_TRUE(left.empty());
}

TEST_F(OutputSafety, ResultRecordsTheSha256OfEveryInput) {
  // The scenario, its topology file and its connection matrix, each with its digest; the
  // file's bytes must contain the matrix's absolute path.
  const std::string out = (out_ / "r.h5").string();
  const Ended r = run({"run", scenario("matrix.yaml"), "--quiet", "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string bytes = read_file(out);
  EXPECT_NE(bytes.find(fs::canonical(inputs_ / "sample.cm").string()), std::string::npos);
  EXPECT_NE(bytes.find(fs::canonical(inputs_ / "topo.yaml").string()), std::string::npos);
}

}  // namespace
}  // namespace fabricsim
