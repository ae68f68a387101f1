#pragma once
#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <vector>

#include "core/units.hpp"
#include "traffic/flow_size_cdf.hpp"
#include "traffic/step.hpp"

namespace fabricsim::traffic {

/// Flows imported from an htsim connection matrix file (format in docs/traces.md): node i
/// of the matrix is rank i of the placement; each connection starts `start` + its own time.
struct ConnectionMatrixSpec {
  std::string file;  // resolved path
  core::Time start{};
  Placement placement;
  // Figures of the file, filled in by the scenario reader for the resource estimate.
  std::uint64_t connections = 0;
  double total_bytes = 0;
  core::Time last_start{};  // the latest connection start, relative to `start`

  bool operator==(const ConnectionMatrixSpec&) const = default;
};

/// Sizes of background flows: a published CDF, one fixed size, or exponential.
struct FlowSizes {
  enum class Dist { cdf, fixed, exponential } dist = Dist::cdf;
  FlowSizeCdf::Name cdf = FlowSizeCdf::Name::web_search;  // dist cdf: the table
  core::Bytes bytes{1500};  // fixed: every flow's size; exponential: the mean before rounding

  /// Mean of the sizes draw() gives, in bytes: exact for fixed and exponential (whole-byte
  /// rounding included), the table's for a CDF.
  double mean_bytes() const;
  /// One size. Exponential: -bytes x ln(1 - u) by inversion, rounded to the nearest byte, at
  /// least 1 byte. Fixed sizes draw nothing from `rng`.
  core::Bytes draw(core::Rng& rng) const;

  bool operator==(const FlowSizes&) const = default;
};

/// Poisson background flows: each source starts flows at rate load x host_rate / mean flow
/// size during [start, start + duration), with sizes from `sizes`, each to a uniformly chosen
/// destination other than itself. Sources and destinations are placement ranks; empty lists
/// mean every placed host.
struct BackgroundSpec {
  double load = 0.3;  // fraction of the host link rate each source offers, in (0, 1]
  FlowSizes sizes;
  core::Time duration = core::Time::ms(1);
  core::Time start{};
  std::uint64_t max_flows = 1'000'000;  // safety limit: generating more is an error
  std::vector<std::uint32_t> sources;
  std::vector<std::uint32_t> destinations;
  Placement placement;

  bool operator==(const BackgroundSpec&) const = default;
};

/// One line `src->dst id K start <us> size <bytes>` of a connection matrix.
struct Connection {
  std::uint32_t src;
  std::uint32_t dst;
  std::int64_t id;
  core::Time start;
  core::Bytes bytes;
  bool operator==(const Connection&) const = default;
};

/// A parsed connection matrix: the node count and the connections in file order.
struct ConnectionMatrix {
  std::uint32_t nodes = 0;
  std::vector<Connection> connections;
};

/// Parses a connection matrix; `name` prefixes errors (std::invalid_argument, "name:line: ...").
ConnectionMatrix parse_connection_matrix(std::istream& in, const std::string& name);
/// Reads and parses the file at `path`.
ConnectionMatrix load_connection_matrix(const std::string& path);

/// One background flow: `src` starts sending `bytes` to `dst` at `start`.
struct Arrival {
  core::Time start;
  std::uint32_t src;
  std::uint32_t dst;
  core::Bytes bytes;
};

/// The arrivals of a background spec over `gpus`, sorted by (start, src); deterministic for
/// a given rng state. Throws std::invalid_argument past spec.max_flows, for a rank past the
/// placement, or for a source whose only destination is itself.
std::vector<Arrival> background_arrivals(const BackgroundSpec& spec,
                                         std::span<const std::uint32_t> gpus,
                                         core::Bitrate host_rate, core::Rng& rng);
/// Expected flow count of a background spec on `gpus` placed hosts at `host_rate`.
double expected_background_flows(const BackgroundSpec& spec, std::uint32_t gpus,
                                 core::Bitrate host_rate);

const char* kind_name(const ConnectionMatrixSpec& spec);
const char* kind_name(const BackgroundSpec& spec);

/// One step per distinct start time (kind "connection_matrix"), in time order; flows of a
/// step in file order.
void add_connection_matrix(const ConnectionMatrixSpec& spec, std::span<const std::uint32_t> gpus,
                           std::uint32_t workload, const Context& context, Workload& out);
/// One step per arrival (kind "background"), released at its start time.
void add_background(const BackgroundSpec& spec, std::span<const std::uint32_t> gpus,
                    std::uint32_t workload, core::Rng& rng, const Context& context, Workload& out);

}  // namespace fabricsim::traffic
