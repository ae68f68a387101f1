#include "io/routing_trace_reader.hpp"

#include <hdf5.h>

#include <filesystem>
#include <map>
#include <utility>
#include <vector>

#include "io/hdf5_columns.hpp"
#include "io/hdf5_handle.hpp"

namespace fabricsim::io {
namespace {

using routing::TraceInputError;

class RecordReader {
 public:
  explicit RecordReader(const std::string& path) : path_(path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) fail("no such file");
    if (H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr) < 0)
      fail("cannot turn off HDF5's error printing");
    if (H5Fis_hdf5(path.c_str()) <= 0) fail("not an HDF5 file");
    file_ = std::make_unique<Handle>(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!file_->ok()) fail("cannot open the HDF5 file");
  }

  routing::DecisionTrace read() {
    routing::DecisionTrace trace{.file = path_};
    if (!exists("/routing/decisions")) {
      fail("no /routing/decisions: record a run's decisions with routing: {record: flows}");
    }
    // Each workload flow's hosts, and its index among the flows between them (in id order,
    // the order the run released them).
    const auto src = column<std::uint32_t>("/app_flows/src");
    const auto dst = column<std::uint32_t>("/app_flows/dst");
    same_length("/app_flows/dst", dst.size(), src.size());
    std::vector<std::uint32_t> index(src.size());
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> seen;
    for (std::size_t i = 0; i < src.size(); ++i) index[i] = seen[{src[i], dst[i]}]++;

    const auto flow_id = column<std::uint32_t>("/routing/decisions/flow_id");
    const auto app_flow = column<std::uint32_t>("/routing/decisions/app_flow");
    const auto subflow = column<std::uint32_t>("/routing/decisions/subflow");
    const auto path_id = column<std::uint32_t>("/routing/decisions/path_id");
    const auto fraction = column<double>("/routing/decisions/fraction");
    const auto bytes = column<std::int64_t>("/routing/decisions/bytes");
    for (const auto* name : {"app_flow", "subflow", "path_id", "fraction", "bytes"}) {
      const std::size_t n = column_length(std::string("/routing/decisions/") + name);
      same_length(std::string("/routing/decisions/") + name, n, flow_id.size());
    }
    trace.decisions.reserve(flow_id.size());
    for (std::size_t r = 0; r < flow_id.size(); ++r) {
      if (app_flow[r] >= src.size()) {
        throw TraceInputError(trace.where(r) + ": unknown flow: app_flow " +
                              std::to_string(app_flow[r]) + " is not a row of /app_flows (" +
                              std::to_string(src.size()) + " rows)");
      }
      if (subflow[r] > flow_id[r] || !(fraction[r] > 0 && fraction[r] <= 1) || bytes[r] < 0) {
        throw TraceInputError(trace.where(r) +
                              ": subflow must be <= flow_id, fraction in (0, 1] and bytes >= 0");
      }
      const std::uint32_t a = app_flow[r];
      trace.decisions.push_back({.src_host = src[a],
                                 .dst_host = dst[a],
                                 .index = index[a],
                                 .flow_id = flow_id[r],
                                 .app_flow = a,
                                 .subflow = subflow[r],
                                 .path_id = path_id[r],
                                 .fraction = fraction[r],
                                 .bytes = bytes[r],
                                 .row = r});
    }
    trace.per_packet = flag("per_packet");
    trace.per_hop = flag("per_hop");
    if (exists("/routing/packets")) trace.packets = choices("/routing/packets", "path_id");
    if (exists("/routing/hops")) trace.hops = choices("/routing/hops", "link_id");
    return trace;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw TraceInputError(path_ + ": " + what +
                          " (a routing trace: a result file written with "
                          "routing: {record: ...}, or a CSV of paths)");
  }

  bool exists(const std::string& name) const {
    // Each component in turn: H5Lexists fails on a path whose parent is missing.
    for (std::size_t at = name.find('/', 1);; at = name.find('/', at + 1)) {
      const std::string prefix = name.substr(0, at);
      if (H5Lexists(file_->get(), prefix.c_str(), H5P_DEFAULT) <= 0) return false;
      if (at == std::string::npos) return true;
    }
  }

  std::size_t column_length(const std::string& name) const {
    const Handle dset(H5Dopen2(file_->get(), name.c_str(), H5P_DEFAULT), H5Dclose);
    const Handle space(H5Dget_space(dset.get()), H5Sclose);
    const hssize_t n = H5Sget_simple_extent_npoints(space.get());
    return n < 0 ? 0 : static_cast<std::size_t>(n);
  }

  void same_length(const std::string& name, std::size_t n, std::size_t expected) const {
    if (n != expected) {
      fail(name + " has " + std::to_string(n) + " rows, its table " + std::to_string(expected));
    }
  }

  /// A one-dimensional numeric dataset, converted to T.
  template <class T>
  std::vector<T> column(const std::string& name) const {
    if (!exists(name)) fail("missing dataset " + name);
    const Handle dset(H5Dopen2(file_->get(), name.c_str(), H5P_DEFAULT), H5Dclose);
    const Handle type(H5Dget_type(dset.get()), H5Tclose);
    const Handle space(H5Dget_space(dset.get()), H5Sclose);
    const H5T_class_t cls = H5Tget_class(type.get());
    if (!dset.ok() || (cls != H5T_INTEGER && cls != H5T_FLOAT) ||
        H5Sget_simple_extent_ndims(space.get()) != 1) {
      fail(name + " must be a one-dimensional numeric dataset");
    }
    std::vector<T> out(column_length(name));
    if (!out.empty() &&
        H5Dread(dset.get(), TypeOf<T>::mem(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0) {
      fail("cannot read " + name);
    }
    return out;
  }

  bool flag(const char* name) const {
    const Handle group(H5Gopen2(file_->get(), "/routing", H5P_DEFAULT), H5Gclose);
    if (H5Aexists(group.get(), name) <= 0) return false;
    const Handle attr(H5Aopen(group.get(), name, H5P_DEFAULT), H5Aclose);
    std::int32_t v = 0;
    if (H5Aread(attr.get(), H5T_NATIVE_INT32, &v) < 0)
      fail("cannot read /routing attribute " + std::string(name));
    return v != 0;
  }

  routing::TraceChoices choices(const std::string& group, const char* value) const {
    routing::TraceChoices out{.flow_id = column<std::uint32_t>(group + "/flow_id"),
                              .reverse = column<std::uint8_t>(group + "/reverse"),
                              .value = column<std::uint32_t>(group + "/" + value)};
    same_length(group + "/reverse", out.reverse.size(), out.flow_id.size());
    same_length(group + "/" + value, out.value.size(), out.flow_id.size());
    for (std::uint8_t& r : out.reverse) r = r != 0 ? 1 : 0;
    return out;
  }

  std::string path_;
  std::unique_ptr<Handle> file_;
};

}  // namespace

routing::DecisionTrace read_routing_trace(const std::string& path) {
  return RecordReader(path).read();
}

routing::DecisionTrace read_decision_trace(const std::string& path) {
  const bool hdf5 =
      H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr) >= 0 && H5Fis_hdf5(path.c_str()) > 0;
  return hdf5 ? read_routing_trace(path) : routing::read_decisions_csv(path);
}

}  // namespace fabricsim::io
