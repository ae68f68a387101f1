#pragma once
// Internal to io/: the one place HDF5 identifiers are owned.
#include <hdf5.h>

#include <utility>

namespace fabricsim::io {

/// Owns one HDF5 identifier (file, group, dataset, dataspace, type, attribute) and closes it
/// with its matching H5?close when it goes out of scope. A negative id (a failed call) owns
/// nothing; ok() tells.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, -1)), closer_(other.closer_) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle& operator=(Handle&&) = delete;
  // Closing while unwinding cannot report anything; call close() where failure matters.
  ~Handle() {
    if (id_ >= 0) closer_(id_);
  }
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }
  /// Closes now and returns HDF5's status: closing a file flushes it, so it can fail.
  herr_t close() { return id_ < 0 ? 0 : closer_(std::exchange(id_, -1)); }

 private:
  hid_t id_;
  Closer closer_;
};

}  // namespace fabricsim::io
