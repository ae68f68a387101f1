#pragma once
// Internal to io/: typed columns, n-d datasets and attributes on the HDF5 C API, for the
// result writer. Every failure throws WriteFailure naming the call.
#include <hdf5.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/hdf5_handle.hpp"

namespace fabricsim::io {

/// A failure while writing; write_results turns it into an OutputError naming the path.
class WriteFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// HDF5's error stack as one line: the API-level message plus the innermost one.
std::string hdf5_detail();
void check(herr_t status, const std::string& what);
/// A handle on a new identifier, or a WriteFailure naming the call that failed.
Handle owned(hid_t id, Handle::Closer closer, const std::string& what);

/// HDF5 memory (native) and file (little-endian standard) types of each column type.
template <class T>
struct TypeOf;
template <>
struct TypeOf<std::uint8_t> {
  static hid_t mem() { return H5T_NATIVE_UINT8; }
  static hid_t file() { return H5T_STD_U8LE; }
};
template <>
struct TypeOf<std::uint32_t> {
  static hid_t mem() { return H5T_NATIVE_UINT32; }
  static hid_t file() { return H5T_STD_U32LE; }
};
template <>
struct TypeOf<std::int32_t> {
  static hid_t mem() { return H5T_NATIVE_INT32; }
  static hid_t file() { return H5T_STD_I32LE; }
};
template <>
struct TypeOf<std::int64_t> {
  static hid_t mem() { return H5T_NATIVE_INT64; }
  static hid_t file() { return H5T_STD_I64LE; }
};
template <>
struct TypeOf<std::uint64_t> {
  static hid_t mem() { return H5T_NATIVE_UINT64; }
  static hid_t file() { return H5T_STD_U64LE; }
};
template <>
struct TypeOf<double> {
  static hid_t mem() { return H5T_NATIVE_DOUBLE; }
  static hid_t file() { return H5T_IEEE_F64LE; }
};

Handle create_group(hid_t parent, const std::string& name);
/// A scalar variable-length UTF-8 string attribute.
void write_attribute(hid_t object, const std::string& name, const std::string& value);

template <class T>
void write_attribute(hid_t object, const std::string& name, T value) {
  const Handle space = owned(H5Screate(H5S_SCALAR), H5Sclose, "H5Screate(scalar)");
  const Handle attr = owned(
      H5Acreate2(object, name.c_str(), TypeOf<T>::file(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
      H5Aclose, "H5Acreate2(" + name + ")");
  check(H5Awrite(attr.get(), TypeOf<T>::mem(), &value), "H5Awrite(" + name + ")");
}

/// A dataset of shape `dims` with its `units` attribute. From kCompressFrom elements on it
/// is chunked (about kChunkElements per chunk, whole trailing dimensions first) and stored
/// with the shuffle and deflate filters; smaller ones are contiguous. Zero-length datasets
/// are created too (and nothing is written into them).
void write_dataset(hid_t group, const std::string& name, hid_t mem_type, hid_t file_type,
                   const std::vector<hsize_t>& dims, const void* data, const std::string& units);

inline constexpr hsize_t kCompressFrom = 4096;
inline constexpr hsize_t kChunkElements = hsize_t{1} << 16;
/// zlib level of the deflate filter. On shuffled integer columns level 4 is within 1 % of
/// level 9's size at half its time, and 4 % smaller than level 1.
inline constexpr unsigned kDeflateLevel = 4;

/// The chunk shape write_dataset uses for `dims`.
std::vector<hsize_t> chunk_shape(const std::vector<hsize_t>& dims);

template <class T>
void write_column(hid_t group, const std::string& name, const std::vector<T>& values,
                  const std::string& units) {
  write_dataset(group, name, TypeOf<T>::mem(), TypeOf<T>::file(), {values.size()}, values.data(),
                units);
}

/// A column of variable-length UTF-8 strings.
void write_column(hid_t group, const std::string& name, const std::vector<std::string>& values,
                  const std::string& units);

/// The values of one member over all rows: column(flows, &FlowRecord::bytes).
template <class Row, class T>
std::vector<T> column(const std::vector<Row>& rows, T Row::*member) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(r.*member);
  return out;
}

/// 0, 1, ..., n-1: the id column of a table whose ids are its row numbers.
std::vector<std::uint32_t> row_ids(std::size_t n);

}  // namespace fabricsim::io
