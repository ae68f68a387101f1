#include "io/moe_trace.hpp"

#include <hdf5.h>

#include "core/limits.hpp"
#include "io/hdf5_handle.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fabricsim::io {
namespace {

/// Largest trace read into memory: expert_ids elements (2 bytes each), 4 GiB in all.
constexpr std::uint64_t kMaxTraceElements = std::uint64_t{1} << 31;
/// Expert ids are int16, so at most this many experts.
constexpr std::int64_t kMaxExperts = 32'767;


/// Reads one trace file; every failure throws a TraceError that starts with the path.
class TraceReader {
 public:
  explicit TraceReader(std::string path) : path_(std::move(path)) {}

  traffic::MoeTrace read() {
    open();
    traffic::MoeTrace trace;
    trace.experts = read_experts();
    const std::vector<hsize_t> ids_shape =
        integer_dataset("expert_ids", 3, "[tokens, layers, top_k]");
    const std::vector<hsize_t> src_shape = integer_dataset("source_gpu", 1, "[tokens]");
    if (ids_shape[0] != src_shape[0]) {
      fail("expert_ids has " + std::to_string(ids_shape[0]) + " tokens but source_gpu has " +
           std::to_string(src_shape[0]));
    }
    for (int d = 0; d < 3; ++d) {
      static constexpr const char* kAxes[] = {"tokens", "layers", "top_k"};
      if (ids_shape[d] == 0)
        fail("expert_ids has no " + std::string(kAxes[d]) + " (a zero dimension)");
    }
    // Checked: crafted dimensions may multiply past 64 bits and wrap to a small count.
    const std::optional<std::uint64_t> rows = core::checked_mul(ids_shape[0], ids_shape[1]);
    const std::optional<std::uint64_t> elements =
        rows ? core::checked_mul(*rows, ids_shape[2]) : std::nullopt;
    if (!elements || *elements > kMaxTraceElements) {
      fail("expert_ids is " + std::to_string(ids_shape[0]) + " x " + std::to_string(ids_shape[1]) +
           " x " + std::to_string(ids_shape[2]) + " entries, more than the limit of " +
           std::to_string(kMaxTraceElements) + " (valid: tokens x layers x top_k in 1.." +
           std::to_string(kMaxTraceElements) + ")");
    }
    trace.layers = static_cast<std::uint32_t>(ids_shape[1]);
    trace.top_k = static_cast<std::uint32_t>(ids_shape[2]);
    if (trace.top_k > trace.experts) {
      fail("top_k (" + std::to_string(trace.top_k) +
           ", the last dimension of expert_ids) is more than experts (" +
           std::to_string(trace.experts) + ")");
    }
    trace.expert_ids.resize(*elements);
    trace.source_gpu.resize(src_shape[0]);
    read_all("expert_ids", H5T_NATIVE_INT16, trace.expert_ids.data());
    read_all("source_gpu", H5T_NATIVE_INT32, trace.source_gpu.data());
    check_ids(trace);
    check_sources(trace);
    return trace;
  }

 private:
  [[noreturn]] void fail(const std::string& problem) const {
    throw TraceError(path_ + ": " + problem + " (MoE routing trace layout: docs/traces.md)");
  }

  void open() {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path_, ec)) fail("no such file");
    // Problems are reported through TraceError; HDF5's own stderr dump would only add noise.
    if (H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr) < 0)
      fail("cannot turn off HDF5's error printing");
    if (H5Fis_hdf5(path_.c_str()) <= 0) fail("not an HDF5 file");
    file_ = std::make_unique<Handle>(H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!file_->ok()) fail("cannot open the HDF5 file");
  }

  /// The root attribute `experts`: a scalar integer in 1..32767.
  std::uint32_t read_experts() const {
    if (H5Aexists(file_->get(), "experts") <= 0)
      fail("missing root attribute 'experts' (the number of experts)");
    const Handle attr(H5Aopen(file_->get(), "experts", H5P_DEFAULT), H5Aclose);
    const Handle type(H5Aget_type(attr.get()), H5Tclose);
    const Handle space(H5Aget_space(attr.get()), H5Sclose);
    if (H5Tget_class(type.get()) != H5T_INTEGER || H5Sget_simple_extent_npoints(space.get()) != 1) {
      fail("root attribute 'experts' must be one integer");
    }
    std::int64_t experts = 0;
    if (H5Aread(attr.get(), H5T_NATIVE_INT64, &experts) < 0)
      fail("cannot read root attribute 'experts'");
    if (experts < 1 || experts > kMaxExperts) {
      fail("root attribute 'experts' is " + std::to_string(experts) + "; it must be in 1.." +
           std::to_string(kMaxExperts));
    }
    return static_cast<std::uint32_t>(experts);
  }

  /// The shape of an integer dataset of the given rank; fails naming what was expected.
  std::vector<hsize_t> integer_dataset(const char* name, int rank, const char* layout) const {
    if (H5Lexists(file_->get(), name, H5P_DEFAULT) <= 0) {
      fail(std::string("missing dataset '") + name + "' " + layout);
    }
    const Handle dset(H5Dopen2(file_->get(), name, H5P_DEFAULT), H5Dclose);
    if (!dset.ok()) fail(std::string("'") + name + "' is not a dataset");
    const Handle type(H5Dget_type(dset.get()), H5Tclose);
    if (H5Tget_class(type.get()) != H5T_INTEGER) {
      fail(std::string("dataset '") + name + "' must hold integers (" +
           (std::string(name) == "expert_ids" ? "int16" : "int32") + "), not " +
           class_name(type.get()));
    }
    const Handle space(H5Dget_space(dset.get()), H5Sclose);
    const int ndims = H5Sget_simple_extent_ndims(space.get());
    if (ndims != rank) {
      fail(std::string("dataset '") + name + "' has " + std::to_string(ndims) +
           " dimension(s); expected " + std::to_string(rank) + ": " + layout);
    }
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    return dims;
  }

  static std::string class_name(hid_t type) {
    switch (H5Tget_class(type)) {
      case H5T_FLOAT:
        return "floating point";
      case H5T_STRING:
        return "strings";
      case H5T_COMPOUND:
        return "a compound type";
      default:
        return "another type";
    }
  }

  /// Reads a whole dataset converted to `memory_type` (HDF5 converts other integer widths).
  void read_all(const char* name, hid_t memory_type, void* out) const {
    const Handle dset(H5Dopen2(file_->get(), name, H5P_DEFAULT), H5Dclose);
    if (H5Dread(dset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0) {
      fail(std::string("cannot read dataset '") + name + "'");
    }
  }

  /// Every id in [0, experts) and the top_k ids of a token in one layer distinct.
  void check_ids(const traffic::MoeTrace& t) const {
    for (std::size_t token = 0; token < t.tokens(); ++token) {
      for (std::uint32_t layer = 0; layer < t.layers; ++layer) {
        for (std::uint32_t k = 0; k < t.top_k; ++k) {
          const std::int16_t e = t.expert(token, layer, k);
          // Built only on failure: this loop visits every entry of a possibly large trace.
          const auto where = [&] {
            return "expert_ids[" + std::to_string(token) + ", " + std::to_string(layer) + ", " +
                   std::to_string(k) + "]";
          };
          if (e < 0 || static_cast<std::uint32_t>(e) >= t.experts) {
            fail(where() + " is " + std::to_string(e) + "; expert ids must be in 0.." +
                 std::to_string(t.experts - 1) +
                 " (root attribute experts = " + std::to_string(t.experts) + ")");
          }
          for (std::uint32_t j = 0; j < k; ++j) {
            if (t.expert(token, layer, j) == e) {
              fail(where() + " repeats expert " + std::to_string(e) +
                   "; a token's top_k experts must be distinct");
            }
          }
        }
      }
    }
  }

  void check_sources(const traffic::MoeTrace& t) const {
    const auto bad = std::find_if(t.source_gpu.begin(), t.source_gpu.end(),
                                  [](std::int32_t g) { return g < 0; });
    if (bad != t.source_gpu.end()) {
      fail("source_gpu[" + std::to_string(bad - t.source_gpu.begin()) + "] is " +
           std::to_string(*bad) + "; GPU indices must be >= 0");
    }
  }

  std::string path_;
  std::unique_ptr<Handle> file_;
};

}  // namespace

traffic::MoeTrace read_moe_trace(const std::string& path) { return TraceReader(path).read(); }

}  // namespace fabricsim::io
