#pragma once
#include <cstdint>
#include <functional>
#include <memory>

#include "metrics/results.hpp"
#include "scenario/scenario.hpp"
#include "topo/fabric.hpp"

namespace fabricsim::engine {

/// Where a run stands, for progress lines.
struct Progress {
  core::Time now;
  std::uint64_t flows_done;   // application-level flows fully delivered
  std::uint64_t flows_total;  // application-level flows in the whole workload
  std::uint64_t events;
  std::int64_t bytes_done;   // bytes of the (sub)flows fully delivered
  std::int64_t bytes_total;  // bytes of every demand in the whole workload
};

/// One run of a scenario: builds the fabric, the traffic and the routing policy, drives the
/// chosen model on one event queue, and collects the results.
class Simulation {
 public:
  explicit Simulation(const scenario::Scenario& scenario);
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  const topo::Fabric& fabric() const;
  /// Runs to the end. `on_progress` (may be empty) is called every few thousand events.
  metrics::Results run(const std::function<void(const Progress&)>& on_progress = {});

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fabricsim::engine
