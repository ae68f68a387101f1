#pragma once
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

/// Writes a run to `path` (HDF5, schema in docs/results.md) through `path + ".partial"`,
/// renamed onto `path` only when complete, so a crash never leaves a file that looks
/// finished. Creates missing parent folders; removes the partial file on error.
/// Throws OutputError.
void write_results(const std::string& path, const topo::Fabric& fabric,
                   const metrics::Results& results);

/// The name of every link, by id, as /topology/links/name holds it: "host3->leaf0";
/// parallel cables between two nodes get a [k] suffix, "leaf0->spine1[1]".
std::vector<std::string> link_names(const topo::Fabric& fabric);

}  // namespace fabricsim::io
