#include "traffic/replay.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

namespace fabricsim::traffic {

const char* kind_name(const ConnectionMatrixSpec&) { return "connection_matrix"; }
const char* kind_name(const BackgroundSpec&) { return "background"; }

void add_connection_matrix(const ConnectionMatrixSpec& spec, std::span<const std::uint32_t> gpus,
                           std::uint32_t workload, const Context&, Workload& out) {
  const ConnectionMatrix matrix = load_connection_matrix(spec.file);
  if (matrix.nodes > gpus.size()) {
    throw std::invalid_argument(spec.file + ": the matrix has " + std::to_string(matrix.nodes) +
                                " nodes but the placement gives " + std::to_string(gpus.size()) +
                                " GPUs");
  }
  // Connections in start order, file order among equal starts: one step per start time.
  std::vector<std::size_t> order(matrix.connections.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return matrix.connections[a].start < matrix.connections[b].start;
  });
  for (std::size_t i = 0; i < order.size();) {
    const core::Time at = matrix.connections[order[i]].start;
    Step step{.workload = workload, .kind = "connection_matrix", .delay = spec.start + at};
    for (; i < order.size() && matrix.connections[order[i]].start == at; ++i) {
      const Connection& c = matrix.connections[order[i]];
      step.demands.push_back({gpus[c.src], gpus[c.dst], c.bytes});
    }
    out.add(std::move(step));
  }
}

void add_background(const BackgroundSpec& spec, std::span<const std::uint32_t> gpus,
                    std::uint32_t workload, core::Rng& rng, const Context& context, Workload& out) {
  for (const Arrival& a : background_arrivals(spec, gpus, context.host_rate, rng)) {
    out.add(Step{.workload = workload,
                 .kind = "background",
                 .delay = a.start,
                 .demands = {{a.src, a.dst, a.bytes}}});
  }
}

}  // namespace fabricsim::traffic
