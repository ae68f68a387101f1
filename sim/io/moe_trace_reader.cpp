#include "io/moe_trace_reader.hpp"

#include <hdf5.h>

#include "core/limits.hpp"
#include "io/hdf5_handle.hpp"
#include "io/moe_trace_reader_decode.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fabricsim::io {
namespace detail {
namespace {

/// A table is read (and handed on) in slabs of whole tokens of about this size, or of whole
/// chunks of the dataset when its chunks are larger, so each chunk is decoded once.
constexpr std::uint64_t kSlabBytes = std::uint64_t{8} << 20;
/// The most a dataset's entries may outweigh the bytes the file stores for it: deflate, the
/// one filter a trace may use, expands at most ~1032:1. A header claiming more (fill values
/// for chunks never written) would have libhdf5 produce gigabytes from a small file.
constexpr std::uint64_t kMaxExpansion = 1100;

/// Decodes one trace file; every failure throws a TraceError that starts with the path.
class TraceReader {
 public:
  TraceReader(std::string path, TraceSink& sink) : path_(std::move(path)), sink_(sink) {}

  void read() {
    open();
    TraceShape shape;
    shape.experts = read_experts();
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
    shape.tokens = ids_shape[0];
    shape.layers = static_cast<std::uint32_t>(ids_shape[1]);
    shape.top_k = static_cast<std::uint32_t>(ids_shape[2]);
    if (const std::optional<std::string> problem = shape_problem(shape)) fail(*problem);
    check_stored("source_gpu");
    check_stored("expert_ids");
    sink_.shape(shape);
    read_slabs<std::int32_t>("source_gpu", H5T_NATIVE_INT32, src_shape,
                             [&](std::span<const std::int32_t> s) { sink_.sources(s); });
    read_slabs<std::int16_t>("expert_ids", H5T_NATIVE_INT16, ids_shape,
                             [&](std::span<const std::int16_t> s) { sink_.ids(s); });
  }

 private:
  [[noreturn]] void fail(const std::string& problem) const {
    throw TraceError(trace_message(path_, problem));
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

  /// Refuses a dataset whose entries outweigh what the file stores for them by more than
  /// deflate can expand (a header claiming data that was never written).
  void check_stored(const char* name) const {
    const Handle dset(H5Dopen2(file_->get(), name, H5P_DEFAULT), H5Dclose);
    const Handle type(H5Dget_type(dset.get()), H5Tclose);
    const Handle space(H5Dget_space(dset.get()), H5Sclose);
    const hssize_t points = H5Sget_simple_extent_npoints(space.get());
    const std::optional<std::uint64_t> logical =
        points < 0 ? std::nullopt
                   : core::checked_mul(static_cast<std::uint64_t>(points), H5Tget_size(type.get()));
    const std::uint64_t stored = H5Dget_storage_size(dset.get());
    const std::optional<std::uint64_t> most = core::checked_mul(stored, kMaxExpansion);
    if (!logical || (most && *logical > *most)) {
      fail(std::string("dataset '") + name + "' claims " +
           (logical ? std::to_string(*logical) : std::string("more than 2^64")) +
           " bytes of entries but the file stores " + std::to_string(stored) +
           " bytes for it (valid: written data, at most " + std::to_string(kMaxExpansion) +
           " times its stored size)");
    }
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

  /// Tokens per slab: about kSlabBytes of them, rounded up to whole chunks along the token
  /// axis when the dataset is chunked (the other axes are always read whole).
  static std::uint64_t slab_tokens(hid_t dset, std::uint64_t token_bytes, std::uint64_t tokens) {
    std::uint64_t n = std::max<std::uint64_t>(1, kSlabBytes / token_bytes);
    const Handle plist(H5Dget_create_plist(dset), H5Pclose);
    if (plist.ok() && H5Pget_layout(plist.get()) == H5D_CHUNKED) {
      hsize_t chunk[H5S_MAX_RANK] = {};
      if (H5Pget_chunk(plist.get(), H5S_MAX_RANK, chunk) >= 1 && chunk[0] > 0) {
        n = (n + chunk[0] - 1) / chunk[0] * chunk[0];
      }
    }
    return std::min(n, tokens);
  }

  /// Reads a whole dataset of shape `dims` (dims[0] = tokens), converted to `memory_type`
  /// (HDF5 converts other integer widths), slab by slab into `emit`.
  template <typename T, typename Emit>
  void read_slabs(const char* name, hid_t memory_type, const std::vector<hsize_t>& dims,
                  const Emit& emit) const {
    const Handle dset(H5Dopen2(file_->get(), name, H5P_DEFAULT), H5Dclose);
    const Handle file_space(H5Dget_space(dset.get()), H5Sclose);
    if (!dset.ok() || !file_space.ok()) fail(std::string("cannot read dataset '") + name + "'");
    std::uint64_t per_token = 1;  // <= kMaxTraceElements: the shape was checked
    for (std::size_t d = 1; d < dims.size(); ++d) per_token *= dims[d];
    const std::uint64_t step = slab_tokens(dset.get(), per_token * sizeof(T), dims[0]);
    std::vector<T> slab(step * per_token);
    for (std::uint64_t first = 0; first < dims[0]; first += step) {
      std::vector<hsize_t> start(dims.size(), 0), count = dims;
      start[0] = first;
      count[0] = std::min<std::uint64_t>(step, dims[0] - first);
      const Handle memory_space(
          H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), H5Sclose);
      if (!memory_space.ok() ||
          H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                              nullptr) < 0 ||
          H5Dread(dset.get(), memory_type, memory_space.get(), file_space.get(), H5P_DEFAULT,
                  slab.data()) < 0) {
        fail(std::string("cannot read dataset '") + name + "'");
      }
      emit(std::span<const T>(slab.data(), count[0] * per_token));
    }
  }

  std::string path_;
  TraceSink& sink_;
  std::unique_ptr<Handle> file_;
};

/// Fills a MoeTrace in this process (the in-process read; the child's sink is a pipe).
class TraceBuilder final : public TraceSink {
 public:
  void shape(const TraceShape& s) override {
    trace_.experts = s.experts;
    trace_.layers = s.layers;
    trace_.top_k = s.top_k;
    trace_.source_gpu.reserve(s.tokens);
    trace_.expert_ids.reserve(s.elements());
  }
  void sources(std::span<const std::int32_t> slab) override {
    trace_.source_gpu.insert(trace_.source_gpu.end(), slab.begin(), slab.end());
  }
  void ids(std::span<const std::int16_t> slab) override {
    trace_.expert_ids.insert(trace_.expert_ids.end(), slab.begin(), slab.end());
  }
  traffic::MoeTrace take() { return std::move(trace_); }

 private:
  traffic::MoeTrace trace_;
};

}  // namespace

std::string trace_message(const std::string& path, const std::string& problem) {
  return path + ": " + problem + " (MoE routing trace layout: docs/traces.md)";
}

std::optional<std::string> shape_problem(const TraceShape& s) {
  if (s.experts < 1 || s.experts > kMaxExperts) {
    return "root attribute 'experts' is " + std::to_string(s.experts) + "; it must be in 1.." +
           std::to_string(kMaxExperts);
  }
  if (s.tokens == 0 || s.layers == 0 || s.top_k == 0) return "expert_ids has a zero dimension";
  const std::optional<std::uint64_t> rows = core::checked_mul(s.tokens, std::uint64_t{s.layers});
  const std::optional<std::uint64_t> elements =
      rows ? core::checked_mul(*rows, std::uint64_t{s.top_k}) : std::nullopt;
  if (!elements || *elements > kMaxTraceElements) {
    return "expert_ids has more than the limit of " + std::to_string(kMaxTraceElements) +
           " entries";
  }
  if (s.top_k > s.experts) {
    return "top_k (" + std::to_string(s.top_k) +
           ", the last dimension of expert_ids) is more than experts (" +
           std::to_string(s.experts) + ")";
  }
  return std::nullopt;
}

void decode_moe_trace(const std::string& path, TraceSink& sink) { TraceReader(path, sink).read(); }

void check_trace_values(const std::string& path, const traffic::MoeTrace& t) {
  const auto fail = [&](const std::string& problem) {
    throw TraceError(trace_message(path, problem));
  };
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
  const auto bad =
      std::find_if(t.source_gpu.begin(), t.source_gpu.end(), [](std::int32_t g) { return g < 0; });
  if (bad != t.source_gpu.end()) {
    fail("source_gpu[" + std::to_string(bad - t.source_gpu.begin()) + "] is " +
         std::to_string(*bad) + "; GPU indices must be >= 0");
  }
}

}  // namespace detail

traffic::MoeTrace read_moe_trace(const std::string& path) {
  // The file is checked here, without HDF5, so a missing trace is reported without a fork.
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw TraceError(detail::trace_message(path, "no such file"));
  traffic::MoeTrace trace = detail::read_trace_in_child(path, detail::decode_moe_trace);
  detail::check_trace_values(path, trace);
  return trace;
}

traffic::MoeTrace read_moe_trace_in_process(const std::string& path) {
  detail::TraceBuilder builder;
  detail::decode_moe_trace(path, builder);
  traffic::MoeTrace trace = builder.take();
  detail::check_trace_values(path, trace);
  return trace;
}

}  // namespace fabricsim::io
