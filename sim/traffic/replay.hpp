#pragma once
#include <span>
#include <string>

#include "traffic/step.hpp"

namespace fabricsim::traffic {

/// Flows imported from an htsim connection matrix file. Filled in by the traces work.
struct ConnectionMatrixSpec {
  std::string file;
  Placement placement;

  bool operator==(const ConnectionMatrixSpec&) const = default;
};

/// Poisson background flows at a target load. Filled in by the traces work.
struct BackgroundSpec {
  double load = 0.3;
  Placement placement;

  bool operator==(const BackgroundSpec&) const = default;
};

const char* kind_name(const ConnectionMatrixSpec& spec);
const char* kind_name(const BackgroundSpec& spec);

void add_connection_matrix(const ConnectionMatrixSpec& spec, std::span<const std::uint32_t> gpus,
                           std::uint32_t workload, const Context& context, Workload& out);
void add_background(const BackgroundSpec& spec, std::span<const std::uint32_t> gpus,
                    std::uint32_t workload, core::Rng& rng, const Context& context, Workload& out);

}  // namespace fabricsim::traffic
