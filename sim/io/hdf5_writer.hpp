#pragma once
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "metrics/results.hpp"
#include "topo/fabric.hpp"

namespace fabricsim::io {

/// Version of the result-file layout written by `write_results` (root attribute
/// `schema_version`); bumped whenever a dataset is renamed, retyped or removed.
inline constexpr int kSchemaVersion = 2;

/// A bad output path or an HDF5 failure while writing results; the message names the file.
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The temporary name write_results writes through: "<path>.<pid>.partial". Unique per
/// process, so concurrent runs onto one output never share it (the last rename wins).
std::string partial_path(const std::string& path);

/// Writes a run to `path` (HDF5, schema in docs/results.md) through partial_path(path),
/// renamed onto `path` only when complete, so a crash never leaves a file that looks
/// finished. Creates missing parent folders; removes the partial file on error.
/// `after_create`, when given, runs once the partial file exists and holds the root
/// attributes (tests interrupt a write there). Throws OutputError.
void write_results(const std::string& path, const topo::Fabric& fabric,
                   const metrics::Results& results, const std::function<void()>& after_create = {});

/// The name of every link, by id, as /topology/links/name holds it: "host3->leaf0";
/// parallel cables between two nodes get a [k] suffix, "leaf0->spine1[1]".
std::vector<std::string> link_names(const topo::Fabric& fabric);

}  // namespace fabricsim::io
