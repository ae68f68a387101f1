#include "traffic/collective.hpp"

#include <stdexcept>

namespace fabricsim::traffic {

const char* kind_name(const AllToAllSpec&) { return "all_to_all"; }

const char* kind_name(const CollectiveSpec& spec) {
  static constexpr const char* kNames[] = {"all_reduce", "reduce_scatter", "all_gather"};
  return kNames[static_cast<int>(spec.op)];
}

void add_all_to_all(const AllToAllSpec& spec, std::span<const std::uint32_t> gpus,
                    std::uint32_t workload, Workload& out) {
  const auto n = static_cast<std::uint32_t>(gpus.size());
  const std::uint32_t group = spec.group_size == 0 ? n : spec.group_size;
  if (group < 2 || n % group != 0) {
    throw std::invalid_argument("all_to_all group_size must be >= 2 and divide the GPU count");
  }
  Step step{.workload = workload, .kind = "all_to_all", .delay = spec.start};
  step.demands.reserve(static_cast<std::size_t>(n) * (group - 1));
  for (std::uint32_t base = 0; base < n; base += group) {
    for (std::uint32_t i = base; i < base + group; ++i) {
      for (std::uint32_t j = base; j < base + group; ++j) {
        if (i != j) step.demands.push_back({gpus[i], gpus[j], spec.bytes});
      }
    }
  }
  out.add(std::move(step));
}

void add_collective(const CollectiveSpec&, std::span<const std::uint32_t>, std::uint32_t,
                    Workload&) {
  throw std::logic_error("collectives are being built");
}

}  // namespace fabricsim::traffic
