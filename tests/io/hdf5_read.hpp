#pragma once
// Small read-back helpers for the io tests, on the HDF5 C API. Each failure throws, so a
// missing dataset or attribute fails the test with the object's name.
#include <hdf5.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace fabricsim::io::testing {

/// Owns one HDF5 identifier and closes it on scope exit.
class Id {
 public:
  Id(hid_t id, herr_t (*closer)(hid_t), const std::string& what) : id_(id), closer_(closer) {
    if (id_ < 0) throw std::runtime_error("cannot open " + what);
  }
  Id(Id&& o) noexcept : id_(std::exchange(o.id_, -1)), closer_(o.closer_) {}
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  ~Id() {
    if (id_ >= 0) closer_(id_);
  }
  hid_t get() const { return id_; }

 private:
  hid_t id_;
  herr_t (*closer_)(hid_t);
};

inline Id open_file(const std::string& path) {
  return Id(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, path);
}

inline Id open_dataset(hid_t file, const std::string& name) {
  return Id(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose, name);
}

/// The shape of dataset `name`.
inline std::vector<hsize_t> shape(hid_t file, const std::string& name) {
  const Id dset = open_dataset(file, name);
  const Id space(H5Dget_space(dset.get()), H5Sclose, name + " dataspace");
  std::vector<hsize_t> dims(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space.get())));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return dims;
}

inline hsize_t element_count(hid_t file, const std::string& name) {
  hsize_t n = 1;
  for (hsize_t d : shape(file, name)) n *= d;
  return n;
}

template <class T>
hid_t native_type();
template <>
inline hid_t native_type<std::uint32_t>() {
  return H5T_NATIVE_UINT32;
}
template <>
inline hid_t native_type<std::int32_t>() {
  return H5T_NATIVE_INT32;
}
template <>
inline hid_t native_type<std::int64_t>() {
  return H5T_NATIVE_INT64;
}
template <>
inline hid_t native_type<std::uint64_t>() {
  return H5T_NATIVE_UINT64;
}
template <>
inline hid_t native_type<double>() {
  return H5T_NATIVE_DOUBLE;
}

/// All values of a numeric dataset, flattened in row-major order.
template <class T>
std::vector<T> read_numbers(hid_t file, const std::string& name) {
  std::vector<T> out(element_count(file, name));
  const Id dset = open_dataset(file, name);
  if (!out.empty() &&
      H5Dread(dset.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0) {
    throw std::runtime_error("cannot read " + name);
  }
  return out;
}

inline Id vlen_string_type() {
  Id type(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  return type;
}

/// All values of a variable-length string dataset.
inline std::vector<std::string> read_strings(hid_t file, const std::string& name) {
  std::vector<char*> raw(element_count(file, name), nullptr);
  const Id dset = open_dataset(file, name);
  const Id type = vlen_string_type();
  if (!raw.empty() &&
      H5Dread(dset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) < 0) {
    throw std::runtime_error("cannot read " + name);
  }
  std::vector<std::string> out(raw.begin(), raw.end());
  for (char* p : raw) H5free_memory(p);
  return out;
}

/// Attribute `attr` of the object at `object` ("/" for the root).
inline Id open_attribute(hid_t file, const std::string& object, const std::string& attr) {
  return Id(H5Aopen_by_name(file, object.c_str(), attr.c_str(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
            object + "@" + attr);
}

inline bool is_string_attribute(hid_t file, const std::string& object, const std::string& attr) {
  const Id a = open_attribute(file, object, attr);
  const Id type(H5Aget_type(a.get()), H5Tclose, attr + " type");
  return H5Tget_class(type.get()) == H5T_STRING && H5Tis_variable_str(type.get()) > 0;
}

inline std::string read_string_attribute(hid_t file, const std::string& object,
                                         const std::string& attr) {
  const Id a = open_attribute(file, object, attr);
  const Id type = vlen_string_type();
  char* raw = nullptr;
  if (H5Aread(a.get(), type.get(), &raw) < 0) throw std::runtime_error("cannot read " + attr);
  std::string out = raw != nullptr ? raw : "";
  H5free_memory(raw);
  return out;
}

template <class T>
T read_attribute(hid_t file, const std::string& object, const std::string& attr) {
  const Id a = open_attribute(file, object, attr);
  T value{};
  if (H5Aread(a.get(), native_type<T>(), &value) < 0) {
    throw std::runtime_error("cannot read " + attr);
  }
  return value;
}

/// Paths of every dataset in the file, found by walking all groups.
inline std::vector<std::string> all_datasets(hid_t file) {
  std::vector<std::string> out;
  auto visit = [](hid_t, const char* name, const H5O_info_t* info, void* data) -> herr_t {
    if (info->type == H5O_TYPE_DATASET) {
      static_cast<std::vector<std::string>*>(data)->push_back(std::string("/") + name);
    }
    return 0;
  };
  H5Ovisit(file, H5_INDEX_NAME, H5_ITER_INC, visit, &out);
  return out;
}

inline bool exists(hid_t file, const std::string& path) {
  return H5Lexists(file, path.c_str(), H5P_DEFAULT) > 0;
}

}  // namespace fabricsim::io::testing
