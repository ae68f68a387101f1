#include "io/moe_trace_reader.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "io/hdf5_read.hpp"
#include "io/trace_error.hpp"

namespace fabricsim::io {
namespace {

namespace fs = std::filesystem;
using testing::Id;

const std::string kSample =
    std::string(FABRICSIM_SOURCE_DIR) + "/scenarios/traces/sample_moe_trace.h5";

TEST(MoeTrace, SampleHasTheShapesTheGeneratorWrote) {
  // make_sample_moe_trace.py: 8 GPUs x 256 tokens, 4 layers, top-2 over 16 experts, and
  // token t starts on GPU t / 256.
  const traffic::MoeTrace t = read_moe_trace(kSample);
  EXPECT_EQ(t.tokens(), 2048u);
  EXPECT_EQ(t.layers, 4u);
  EXPECT_EQ(t.top_k, 2u);
  EXPECT_EQ(t.experts, 16u);
  ASSERT_EQ(t.expert_ids.size(), 2048u * 4 * 2);
  for (std::size_t token = 0; token < t.tokens(); ++token) {
    ASSERT_EQ(t.source_gpu[token], static_cast<std::int32_t>(token / 256)) << "token " << token;
  }
}

TEST(MoeTrace, SampleExpertCountsMatchTheCountsTheScriptStored) {
  // The script stores expert_counts [layers, experts], counted by numpy from the same ids;
  // read here through the HDF5 C API, independently of the reader under test.
  const traffic::MoeTrace t = read_moe_trace(kSample);
  const Id file = testing::open_file(kSample);
  ASSERT_EQ(testing::shape(file.get(), "expert_counts"), (std::vector<hsize_t>{4, 16}));
  const std::vector<std::int64_t> expected =
      testing::read_numbers<std::int64_t>(file.get(), "expert_counts");
  std::vector<std::int64_t> counted(4 * 16, 0);
  for (std::size_t token = 0; token < t.tokens(); ++token) {
    for (std::uint32_t layer = 0; layer < t.layers; ++layer) {
      for (std::uint32_t k = 0; k < t.top_k; ++k) ++counted[layer * 16 + t.expert(token, layer, k)];
    }
  }
  EXPECT_EQ(counted, expected);
  // Every token is counted top_k times per layer, and the skew is real (hottest > 2x mean).
  EXPECT_EQ(std::accumulate(expected.begin(), expected.end(), std::int64_t{0}), 2048 * 2 * 4);
  EXPECT_GT(*std::max_element(expected.begin(), expected.begin() + 16), 2 * 2048 * 2 / 16);
}

/// A trace file to break one way at a time; write() puts it in the test's temporary folder.
struct TraceFile {
  hid_t ids_type = H5T_NATIVE_INT16;
  std::vector<hsize_t> ids_dims{4, 2, 2};
  std::vector<std::int32_t> ids =
      std::vector<std::int32_t>{0, 1, 2, 3, 1, 0, 3, 2, 0, 2, 1, 3, 2, 1, 0, 3};
  std::vector<hsize_t> src_dims{4};
  std::vector<std::int32_t> source{0, 0, 1, 1};
  std::optional<std::int32_t> experts = 4;
  bool with_ids = true;

  std::string write(const std::string& name) const {
    const std::string path =
        (fs::temp_directory_path() / ("fabricsim_trace_" + name + ".h5")).string();
    const Id file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose, path);
    if (with_ids) dataset(file.get(), "expert_ids", ids_type, ids_dims, ids);
    dataset(file.get(), "source_gpu", H5T_NATIVE_INT32, src_dims, source);
    if (experts) {
      const Id space(H5Screate(H5S_SCALAR), H5Sclose, "scalar");
      const Id attr(H5Acreate2(file.get(), "experts", H5T_NATIVE_INT32, space.get(), H5P_DEFAULT,
                               H5P_DEFAULT),
                    H5Aclose, "experts");
      H5Awrite(attr.get(), H5T_NATIVE_INT32, &*experts);
    }
    return path;
  }

  static void dataset(hid_t file, const char* name, hid_t type, const std::vector<hsize_t>& dims,
                      const std::vector<std::int32_t>& values) {
    const Id space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose,
                   name);
    const Id dset(H5Dcreate2(file, name, type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                  H5Dclose, name);
    // Values are given as int32 and converted by HDF5 to the dataset's type.
    std::vector<float> as_float(values.begin(), values.end());
    const bool is_float = H5Tget_class(type) == H5T_FLOAT;
    H5Dwrite(dset.get(), is_float ? H5T_NATIVE_FLOAT : H5T_NATIVE_INT32, H5S_ALL, H5S_ALL,
             H5P_DEFAULT,
             is_float ? static_cast<const void*>(as_float.data())
                      : static_cast<const void*>(values.data()));
  }
};

TEST(MoeTrace, WellFormedSmallFileReads) {
  const traffic::MoeTrace t = read_moe_trace(TraceFile{}.write("good"));
  EXPECT_EQ(t.tokens(), 4u);
  EXPECT_EQ(t.expert(2, 1, 0), 1);  // ids row-major: (2 * 2 + 1) * 2 + 0 = 10 -> 1
}

TEST(MoeTrace, OtherIntegerWidthsAreConverted) {
  TraceFile f;
  f.ids_type = H5T_STD_I64LE;  // numpy's default integer
  EXPECT_EQ(read_moe_trace(f.write("int64")).expert(3, 1, 1), 3);
}

TEST(MoeTrace, MalformedFilesNameTheFileAndTheProblem) {
  struct Case {
    const char* name;
    TraceFile file;
    const char* expect;
  };
  std::vector<Case> cases;
  cases.push_back(
      {"float_ids", {}, "dataset 'expert_ids' must hold integers (int16), not floating point"});
  cases.back().file.ids_type = H5T_NATIVE_FLOAT;
  cases.push_back({"rank2", {}, "dataset 'expert_ids' has 2 dimension(s); expected 3"});
  cases.back().file.ids_dims = {4, 4};
  cases.push_back({"out_of_range", {}, "expert_ids[1, 1, 0] is 7; expert ids must be in 0..3"});
  cases.back().file.ids[6] = 7;
  cases.push_back({"negative", {}, "expert_ids[0, 0, 1] is -1"});
  cases.back().file.ids[1] = -1;
  cases.push_back({"repeat", {}, "expert_ids[0, 0, 1] repeats expert 0"});
  cases.back().file.ids[1] = 0;
  cases.push_back({"no_ids", {}, "missing dataset 'expert_ids' [tokens, layers, top_k]"});
  cases.back().file.with_ids = false;
  cases.push_back({"no_experts", {}, "missing root attribute 'experts'"});
  cases.back().file.experts.reset();
  cases.push_back({"token_mismatch", {}, "expert_ids has 4 tokens but source_gpu has 3"});
  cases.back().file.src_dims = {3};
  cases.back().file.source = {0, 0, 1};
  cases.push_back({"top_k_above_experts",
                   {},
                   "top_k (2, the last dimension of expert_ids) is more than experts (1)"});
  cases.back().file.experts = 1;
  cases.push_back({"negative_gpu", {}, "source_gpu[2] is -3"});
  cases.back().file.source[2] = -3;
  for (const Case& c : cases) {
    const std::string path = c.file.write(c.name);
    const std::string message = trace_error_of(path);
    EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << c.name << ": " << message;
    EXPECT_NE(message.find(c.expect), std::string::npos) << c.name << ": " << message;
  }
}

TEST(MoeTrace, MissingAndNonHdf5FilesNameTheFile) {
  const std::string missing = (fs::temp_directory_path() / "fabricsim_no_such_trace.h5").string();
  EXPECT_EQ(trace_error_of(missing),
            missing + ": no such file (MoE routing trace layout: docs/traces.md)");
  const std::string text =
      std::string(FABRICSIM_SOURCE_DIR) + "/scenarios/traces/make_sample_moe_trace.py";
  EXPECT_NE(trace_error_of(text).find(text + ": not an HDF5 file"), std::string::npos);
}

}  // namespace
}  // namespace fabricsim::io
