#include "traffic/replay.hpp"

#include <stdexcept>

namespace fabricsim::traffic {

const char* kind_name(const ConnectionMatrixSpec&) { return "connection_matrix"; }
const char* kind_name(const BackgroundSpec&) { return "background"; }

void add_connection_matrix(const ConnectionMatrixSpec&, std::span<const std::uint32_t>,
                           std::uint32_t, const Context&, Workload&) {
  throw std::logic_error("connection matrices are being built");
}

void add_background(const BackgroundSpec&, std::span<const std::uint32_t>, std::uint32_t,
                    core::Rng&, const Context&, Workload&) {
  throw std::logic_error("background traffic is being built");
}

}  // namespace fabricsim::traffic
