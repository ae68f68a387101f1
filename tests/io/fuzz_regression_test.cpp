// Inputs found by fuzz/run.sh that once crashed a reader (under ASan), kept so that they are
// refused with an error for good.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/sanitizers.hpp"
#include "io/moe_trace_reader.hpp"
#include "io/trace_error.hpp"
#include "support/cli_run.hpp"

namespace fabricsim::io {
namespace {

namespace fs = std::filesystem;

const std::string kDir = std::string(FABRICSIM_SOURCE_DIR) + "/tests/io/fuzz_regressions/";
const std::string kH5AexistsOverflow = kDir + "moe_trace_h5aexists_heap_overflow.h5";
const std::string kLibraryFailed =
    "not a readable MoE routing trace (the HDF5 library failed on it: ";

TEST(FuzzRegression, TraceWhoseHeaderAsksForAnExabyteIsRefusedAsABadTrace) {
  // fuzz_moe_trace: a corrupt object header made HDF5's metadata cache ask malloc for
  // 0xfe7f...d8 bytes; the open must fail as a TraceError, not abort.
  EXPECT_THROW(read_moe_trace(kDir + "moe_trace_huge_metadata_allocation.h5"), TraceError);
}

TEST(FuzzRegression, TraceThatOverflowsAHeapBufferInH5AexistsIsRefusedNamingTheFile) {
  // fuzz_moe_trace: a corrupt attribute message of the root group makes libhdf5 1.10's
  // H5O_attr_decode memcpy past its buffer inside H5Aexists (ASan: heap-buffer-overflow; in
  // this process, before the child, it aborted the test binary). Without ASan the over-read
  // goes unnoticed by libhdf5 and the file is refused for what the garbage says; with ASan
  // the child dies and the parent says the library failed.
  const std::string message = trace_error_of(kH5AexistsOverflow);
  EXPECT_EQ(message.rfind(kH5AexistsOverflow + ": ", 0), 0u) << message;
#ifdef FABRICSIM_ASAN
  EXPECT_NE(message.find(kLibraryFailed), std::string::npos) << message;
#endif
}

TEST(FuzzRegression, TraceThatCorruptsTheHeapInH5HLProtectIsRefusedAsTheLibraryFailing) {
  // fuzz_moe_trace: a corrupt symbol table makes H5HL_protect (via H5G__stab_lookup) memcpy
  // (size_t)-1 bytes; without ASan glibc aborts ("malloc(): corrupted top size"), which killed
  // the whole simulator with SIGABRT before traces were read in a child. Now the child dies.
  const std::string path = kDir + "moe_trace_local_heap_negative_memcpy.h5";
  const std::string message = trace_error_of(path);
  EXPECT_EQ(message.rfind(path + ": " + kLibraryFailed, 0), 0u) << message;
}

TEST(FuzzRegression, EveryKeptTraceThatCrashedHdf5IsRefusedNamingTheFile) {
  // Every moe_trace_*.h5 here once crashed fuzz_moe_trace (in process, under ASan); read
  // through the child each one is a TraceError about the file, never a signal.
  int kept = 0;
  for (const auto& entry : fs::directory_iterator(kDir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("moe_trace_", 0) != 0 || entry.path().extension() != ".h5") continue;
    SCOPED_TRACE(name);
    ++kept;
    const std::string path = entry.path().string();
    const std::string message = trace_error_of(path);
    EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;
  }
  EXPECT_GE(kept, 2);
}

TEST(FuzzRegression, TraceClaimingEntriesItNeverStoredIsRefusedBeforeAnyRead) {
  // 49 KB files whose headers claim terabytes of entries in chunks never written: libhdf5
  // would make fill values for all of them (1.7-4.2 GB of memory before failing). The
  // stored-size check refuses them first, naming the dataset.
  for (const char* name : {"expert_ids", "source_gpu"}) {
    SCOPED_TRACE(name);
    const std::string path = kDir + "moe_trace_claims_unwritten_" + name + ".h5";
    const std::string message = trace_error_of(path);
    EXPECT_NE(message.find(std::string("dataset '") + name + "' claims "), std::string::npos)
        << message;
    EXPECT_NE(message.find("bytes of entries but the file stores"), std::string::npos) << message;
  }
}

/// validate and run on an MoE scenario replaying `fixture`: exit 2 naming the file (and, when
/// `library_failed`, saying the library failed), nothing written, the folder unchanged.
void expect_refused_by_cli(const std::string& fixture, bool library_failed) {
  const fs::path dir =
      fs::temp_directory_path() / ("fabricsim_fuzz_regression_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy_file(fixture, dir / "t.h5");
  const fs::path scenario = dir / "s.yaml";
  std::ofstream(scenario) << "topology: {leaves: 2, spines: 1, hosts_per_leaf: 2}\n"
                          << "workload: [{kind: moe, experts: 16, top_k: 2, layers: 4, gpus: 4, "
                             "routing_trace: {file: t.h5}}]\n";
  const auto before = test_support::snapshot(dir);
  const fs::path out = dir / "out.h5";
  for (const std::string& command : {"validate " + scenario.string(),
                                     "run " + scenario.string() + " --quiet -o " + out.string()}) {
    SCOPED_TRACE(command);
    const auto r = test_support::run_fabricsim(command);
    EXPECT_EQ(r.signal, 0) << r.output;
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("fabricsim: bad trace: " + (dir / "t.h5").string() + ": "),
              std::string::npos)
        << r.output;
    if (library_failed) {
      EXPECT_NE(r.output.find(kLibraryFailed), std::string::npos) << r.output;
    }
  }
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(test_support::snapshot(dir), before) << "an input changed or a file was left";
  fs::remove_all(dir);
}

TEST(FuzzRegression, TraceThatCrashesHdf5ExitsTwoFromValidateAndRunWritingNothing) {
#ifdef FABRICSIM_ASAN
  expect_refused_by_cli(kH5AexistsOverflow, true);
#else
  expect_refused_by_cli(kH5AexistsOverflow, false);  // the over-read goes unnoticed here
#endif
}

TEST(FuzzRegression, TraceThatAbortsHdf5InEveryBuildExitsTwoFromValidateAndRunWritingNothing) {
  expect_refused_by_cli(kDir + "moe_trace_local_heap_negative_memcpy.h5", true);
}

}  // namespace
}  // namespace fabricsim::io
