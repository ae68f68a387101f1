#pragma once
#include <cstdint>
#include <vector>

#include "core/units.hpp"
#include "scenario/scenario.hpp"
#include "topo/fabric.hpp"

namespace fabricsim::scenario {

/// A scenario event resolved against the built fabric: the directed links it acts on, both
/// directions of every cable it names, in link-id order.
struct LinkEvent {
  core::Time at;
  EventSpec::Action action;
  core::Bitrate rate;  // action rate
  std::vector<topo::LinkId> links;
};

/// Resolves `scenario.events` against `fabric`: node names, cables between two nodes, and
/// `random: N` cables between two tiers drawn from the scenario seed (stream "events.random",
/// N distinct cables per event). Throws ScenarioError naming the event's file:line for an
/// unknown node (with a "did you mean"), two nodes with no cable between them, or fewer
/// cables in a tier than asked for.
std::vector<LinkEvent> resolve_events(const topo::Fabric& fabric, const Scenario& scenario);

}  // namespace fabricsim::scenario
