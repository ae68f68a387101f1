#include "io/hdf5_columns.hpp"

#include <algorithm>

namespace fabricsim::io {
namespace {

// Collects the messages of HDF5's error stack, outermost (the API call) first.
herr_t collect_message(unsigned /*n*/, const H5E_error2_t* err, void* data) {
  auto* messages = static_cast<std::vector<std::string>*>(data);
  if (err->desc != nullptr && err->desc[0] != '\0') messages->emplace_back(err->desc);
  return 0;
}

hid_t check_id(hid_t id, const std::string& what) {
  if (id < 0) throw WriteFailure(what + " failed: " + hdf5_detail());
  return id;
}

// Variable-length UTF-8 string type, used for string columns and string attributes alike.
Handle string_type() {
  Handle type = owned(H5Tcopy(H5T_C_S1), H5Tclose, "H5Tcopy(string)");
  check(H5Tset_size(type.get(), H5T_VARIABLE), "H5Tset_size(variable)");
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "H5Tset_cset(utf8)");
  return type;
}

// Creation properties of a dataset of shape `dims`: chunked and compressed when it is large
// enough to gain from it and this HDF5 has deflate, the library's defaults otherwise.
Handle creation_properties(const std::vector<hsize_t>& dims, const std::string& name) {
  Handle dcpl = owned(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "H5Pcreate(" + name + ")");
  hsize_t elements = 1;
  for (const hsize_t d : dims) elements *= d;
  if (elements < kCompressFrom || H5Zfilter_avail(H5Z_FILTER_DEFLATE) <= 0) return dcpl;
  const std::vector<hsize_t> chunk = chunk_shape(dims);
  check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()),
        "H5Pset_chunk(" + name + ")");
  check(H5Pset_shuffle(dcpl.get()), "H5Pset_shuffle(" + name + ")");
  check(H5Pset_deflate(dcpl.get(), kDeflateLevel), "H5Pset_deflate(" + name + ")");
  return dcpl;
}

}  // namespace

std::string hdf5_detail() {
  std::vector<std::string> messages;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_message, &messages);
  H5Eclear2(H5E_DEFAULT);
  if (messages.empty()) return "no HDF5 error message";
  if (messages.size() == 1) return messages.front();
  return messages.front() + " (" + messages.back() + ")";
}

void check(herr_t status, const std::string& what) {
  if (status < 0) throw WriteFailure(what + " failed: " + hdf5_detail());
}

Handle owned(hid_t id, Handle::Closer closer, const std::string& what) {
  return Handle(check_id(id, what), closer);
}

Handle create_group(hid_t parent, const std::string& name) {
  return owned(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
               "H5Gcreate2(" + name + ")");
}

void write_attribute(hid_t object, const std::string& name, const std::string& value) {
  const Handle type = string_type();
  const Handle space = owned(H5Screate(H5S_SCALAR), H5Sclose, "H5Screate(scalar)");
  const Handle attr =
      owned(H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
            H5Aclose, "H5Acreate2(" + name + ")");
  const char* text = value.c_str();
  check(H5Awrite(attr.get(), type.get(), &text), "H5Awrite(" + name + ")");
}

std::vector<hsize_t> chunk_shape(const std::vector<hsize_t>& dims) {
  // Whole rows of the trailing dimensions while they fit, then as many leading rows as the
  // budget leaves: a [T x L] series gets chunks of whole samples.
  std::vector<hsize_t> chunk(dims.size(), 1);
  hsize_t budget = kChunkElements;
  for (std::size_t i = dims.size(); i-- > 0;) {
    chunk[i] = std::max<hsize_t>(1, std::min(dims[i], budget));
    budget = std::max<hsize_t>(1, budget / chunk[i]);
  }
  return chunk;
}

void write_dataset(hid_t group, const std::string& name, hid_t mem_type, hid_t file_type,
                   const std::vector<hsize_t>& dims, const void* data, const std::string& units) {
  const Handle space = owned(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                             H5Sclose, "H5Screate_simple(" + name + ")");
  const Handle dcpl = creation_properties(dims, name);
  const Handle dset = owned(
      H5Dcreate2(group, name.c_str(), file_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
      H5Dclose, "H5Dcreate2(" + name + ")");
  const bool empty = std::any_of(dims.begin(), dims.end(), [](hsize_t d) { return d == 0; });
  if (!empty) {
    check(H5Dwrite(dset.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
          "H5Dwrite(" + name + ")");
  }
  write_attribute(dset.get(), "units", units);
}

void write_column(hid_t group, const std::string& name, const std::vector<std::string>& values,
                  const std::string& units) {
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const auto& v : values) pointers.push_back(v.c_str());
  const Handle type = string_type();
  write_dataset(group, name, type.get(), type.get(), {values.size()}, pointers.data(), units);
}

std::vector<std::uint32_t> row_ids(std::size_t n) {
  std::vector<std::uint32_t> ids(n);
  for (std::size_t i = 0; i < n; ++i) ids[i] = static_cast<std::uint32_t>(i);
  return ids;
}

}  // namespace fabricsim::io
