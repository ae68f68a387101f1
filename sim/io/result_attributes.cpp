#include "io/result_attributes.hpp"

#include <hdf5.h>

#include "io/hdf5_columns.hpp"

namespace fabricsim::io {
namespace {

Handle open_attribute(hid_t file, const std::string& name, const std::string& path) {
  Handle attr(H5Aopen(file, name.c_str(), H5P_DEFAULT), H5Aclose);
  if (!attr.ok()) throw ReadError(path + ": no attribute '" + name + "': " + hdf5_detail());
  return attr;
}

std::string read_text(hid_t file, const std::string& name, const std::string& path) {
  const Handle attr = open_attribute(file, name, path);
  const Handle type(H5Aget_type(attr.get()), H5Tclose);
  if (!type.ok() || H5Tget_class(type.get()) != H5T_STRING || H5Tis_variable_str(type.get()) <= 0) {
    throw ReadError(path + ": attribute '" + name + "' is not a variable-length string");
  }
  char* text = nullptr;
  if (H5Aread(attr.get(), type.get(), &text) < 0) {
    throw ReadError(path + ": cannot read attribute '" + name + "': " + hdf5_detail());
  }
  std::string out = text == nullptr ? "" : text;
  H5free_memory(text);
  return out;
}

double read_double(hid_t file, const std::string& name, const std::string& path) {
  const Handle attr = open_attribute(file, name, path);
  double value = 0;
  if (H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &value) < 0) {
    throw ReadError(path + ": cannot read attribute '" + name + "': " + hdf5_detail());
  }
  return value;
}

}  // namespace

RunAttributes read_run_attributes(const std::string& path) {
  // Errors are reported through ReadError; HDF5's own stderr dump would only add noise.
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.ok()) throw ReadError(path + ": not a readable HDF5 file: " + hdf5_detail());
  return {read_text(file.get(), "status", path), read_text(file.get(), "overrides", path),
          read_double(file.get(), "wall_seconds", path)};
}

}  // namespace fabricsim::io
