// MoE routing traces whose dimensions or sizes are crafted to overflow: the reader and the
// command line refuse them with the file and the limit, never by a signal.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "io/hdf5_read.hpp"
#include "io/moe_trace_reader.hpp"
#include "io/trace_error.hpp"
#include "support/cli_run.hpp"

namespace fabricsim::io {
namespace {

namespace fs = std::filesystem;
using testing::Id;

/// Writes a trace with chunked datasets. Unless `fill`, nothing is written into them, so any
/// dimensions cost a few KB (HDF5 stores no chunk that holds only fill values); with `fill`
/// token t runs on GPU t % 4 and picks experts 0..top_k-1.
std::string write_trace(const std::string& name, const std::vector<hsize_t>& ids_dims,
                        hsize_t tokens, std::int32_t experts, bool fill = false) {
  const std::string path =
      (fs::temp_directory_path() / ("fabricsim_limits_" + name + ".h5")).string();
  const Id file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose, path);
  const auto dataset = [&](const char* ds, hid_t type, const std::vector<hsize_t>& dims) {
    const Id space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose,
                   ds);
    const Id props(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "dcpl");
    const std::vector<hsize_t> chunk(dims.size(), 1);
    H5Pset_chunk(props.get(), static_cast<int>(chunk.size()), chunk.data());
    const Id d(H5Dcreate2(file.get(), ds, type, space.get(), H5P_DEFAULT, props.get(), H5P_DEFAULT),
               H5Dclose, ds);
    if (!fill) return;
    std::vector<std::int32_t> values(tokens * (dims.size() == 1 ? 1 : dims[1] * dims[2]));
    for (std::size_t i = 0; i < values.size(); ++i) {
      values[i] = static_cast<std::int32_t>(dims.size() == 1 ? i % 4 : i % dims[2]);
    }
    H5Dwrite(d.get(), H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  };
  dataset("expert_ids", H5T_NATIVE_INT16, ids_dims);
  dataset("source_gpu", H5T_NATIVE_INT32, {tokens});
  const Id space(H5Screate(H5S_SCALAR), H5Sclose, "scalar");
  const Id attr(
      H5Acreate2(file.get(), "experts", H5T_NATIVE_INT32, space.get(), H5P_DEFAULT, H5P_DEFAULT),
      H5Aclose, "experts");
  H5Awrite(attr.get(), H5T_NATIVE_INT32, &experts);
  return path;
}

TEST(TraceLimits, DimensionsWhoseProductWrapsAreRefusedBeforeAnyRead) {
  // 2^19 tokens x 2^31 layers x 2^14 top_k = 2^64 entries: wrapped to 0 it passed the size
  // check, and the read wrote into an empty buffer (a segfault).
  const std::string path = write_trace(
      "wrap", {hsize_t{1} << 19, hsize_t{1} << 31, hsize_t{1} << 14}, hsize_t{1} << 19, 32767);
  const std::string message = trace_error_of(path);
  EXPECT_NE(message.find(path + ": expert_ids is 524288 x 2147483648 x 16384 entries, more than "
                                "the limit of 2147483648"),
            std::string::npos)
      << message;
}

TEST(TraceLimits, DimensionsJustOverTheElementLimitAreRefused) {
  // 2^30 tokens x 1 layer x 3 = 3 x 2^30 entries, more than 2^31.
  const std::string path = write_trace("over", {hsize_t{1} << 30, 1, 3}, hsize_t{1} << 30, 4);
  EXPECT_NE(trace_error_of(path).find("more than the limit of 2147483648"), std::string::npos)
      << trace_error_of(path);
}

class TraceCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("fabricsim_trace_cli_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  /// Runs validate and run on an MoE scenario replaying `trace`; both must exit 2 with
  /// `fragment`, write nothing and leave the folder (trace included) as it was.
  void expect_refused(const std::string& trace, const std::string& moe,
                      const std::string& fragment) {
    fs::copy_file(trace, dir_ / "t.h5");
    const fs::path scenario = dir_ / "s.yaml";
    std::ofstream(scenario) << "topology: {leaves: 2, spines: 1, hosts_per_leaf: 2}\n"
                            << "workload: [{kind: moe, " << moe
                            << ", gpus: 4, routing_trace: {file: t.h5}}]\n";
    const auto before = test_support::snapshot(dir_);
    const fs::path out = dir_ / "out.h5";
    for (const std::string& command :
         {"validate " + scenario.string(),
          "run " + scenario.string() + " --quiet -o " + out.string()}) {
      SCOPED_TRACE(command);
      const auto r = test_support::run_fabricsim(command);
      EXPECT_EQ(r.signal, 0) << r.output;
      EXPECT_EQ(r.exit_code, 2) << r.output;
      EXPECT_NE(r.output.find(fragment), std::string::npos) << r.output;
    }
    EXPECT_FALSE(fs::exists(out));
    EXPECT_EQ(test_support::snapshot(dir_), before);
  }
  fs::path dir_;
};

TEST_F(TraceCli, WrappingDimensionsExitTwoFromValidateAndRun) {
  expect_refused(write_trace("cli_wrap", {hsize_t{1} << 19, hsize_t{1} << 31, hsize_t{1} << 14},
                             hsize_t{1} << 19, 32767),
                 "experts: 32767, top_k: 16384, layers: 1",
                 "entries, more than the limit of 2147483648");
}

TEST_F(TraceCli, TraceTokensTimesHiddenPastOnePebibyteExitTwo) {
  // tokens_per_gpu 1 x top_k 2 x hidden 2^31 x 2^18 bytes = 2^50 passes the scenario's limit;
  // the trace's 2^14 tokens make 2^64 bytes, which used to wrap the flow sizes.
  const std::string trace =
      write_trace("cli_bytes", {hsize_t{1} << 14, 1, 2}, hsize_t{1} << 14, 4, true);
  expect_refused(trace,
                 "experts: 4, top_k: 2, layers: 1, tokens_per_gpu: 1, hidden: 2147483648, "
                 "bytes_per_element: 262144",
                 "bytes could put more than the limit of 1024TiB on one GPU");
}

}  // namespace
}  // namespace fabricsim::io
