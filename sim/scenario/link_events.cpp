#include "scenario/link_events.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "core/rng.hpp"
#include "scenario/suggest.hpp"
#include "topo/graph.hpp"

namespace fabricsim::scenario {
namespace {

[[noreturn]] void fail_event(const EventSpec& e, const std::string& what) {
  throw ScenarioError(e.where + ": events: " + what);
}

/// The fabric's nodes by name and its directed links by (src, dst), parallel cables in id order.
class LinkIndex {
 public:
  explicit LinkIndex(const topo::Fabric& fabric) : fabric_(fabric) {
    for (topo::NodeId n = 0; n < fabric.nodes.size(); ++n)
      by_name_.emplace(fabric.nodes[n].name, n);
    for (topo::LinkId l = 0; l < fabric.links.size(); ++l) {
      by_ends_[{fabric.links[l].src, fabric.links[l].dst}].push_back(l);
    }
  }

  topo::NodeId node(const EventSpec& e, const std::string& name) const {
    const auto it = by_name_.find(name);
    if (it != by_name_.end()) return it->second;
    std::vector<std::string> names;
    for (const topo::Node& n : fabric_.nodes) names.push_back(n.name);
    const std::string near = closest(name, names);
    fail_event(e, "no node named '" + name + "'" +
                      (near.empty() ? "" : "; did you mean '" + near + "'?") +
                      " (`fabricsim info` lists the fabric; nodes are named like " +
                      fabric_.nodes.front().name + " and " + fabric_.nodes.back().name + ")");
  }

  /// Both directions of every cable between a and b.
  void cables(topo::NodeId a, topo::NodeId b, std::vector<topo::LinkId>& out) const {
    for (const auto& ends : {std::pair{a, b}, std::pair{b, a}}) {
      const auto it = by_ends_.find(ends);
      if (it != by_ends_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
    }
  }

  /// One direction per cable (src kind a, dst kind b), each with its reverse (the i-th
  /// parallel link back), in link-id order.
  std::vector<std::pair<topo::LinkId, topo::LinkId>> tier(topo::NodeKind a,
                                                          topo::NodeKind b) const {
    std::vector<std::pair<topo::LinkId, topo::LinkId>> out;
    for (const auto& [ends, forward] : by_ends_) {
      if (fabric_.nodes[ends.first].kind != a || fabric_.nodes[ends.second].kind != b) continue;
      if (a == b && ends.first > ends.second) continue;  // each cable once
      const auto back = by_ends_.find({ends.second, ends.first});
      for (std::size_t i = 0; i < forward.size(); ++i)
        out.emplace_back(forward[i], back->second.at(i));
    }
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  const topo::Fabric& fabric_;
  std::unordered_map<std::string, topo::NodeId> by_name_;
  std::map<std::pair<topo::NodeId, topo::NodeId>, std::vector<topo::LinkId>> by_ends_;
};

}  // namespace

std::vector<LinkEvent> resolve_events(const topo::Fabric& fabric, const Scenario& scenario) {
  std::vector<LinkEvent> out;
  if (scenario.events.empty()) return out;
  const LinkIndex index(fabric);
  core::Rng rng(scenario.seed, "events.random");
  for (const EventSpec& e : scenario.events) {
    LinkEvent& event = out.emplace_back(LinkEvent{e.at, e.action, e.rate, {}});
    if (!e.node.empty()) {
      const topo::NodeId n = index.node(e, e.node);
      for (topo::LinkId l = 0; l < fabric.links.size(); ++l) {
        if (fabric.links[l].src == n || fabric.links[l].dst == n) event.links.push_back(l);
      }
    } else if (!e.link.empty()) {
      index.cables(index.node(e, e.link[0]), index.node(e, e.link[1]), event.links);
      if (event.links.empty()) fail_event(e, "no cable joins " + e.link[0] + " and " + e.link[1]);
    } else {
      auto cables = index.tier(*topo::node_kind_from(e.tier[0]), *topo::node_kind_from(e.tier[1]));
      if (cables.size() < e.random) {
        fail_event(e, "random: " + std::to_string(e.random) + " asks for more cables than the " +
                          std::to_string(cables.size()) + " between " + e.tier[0] + " and " +
                          e.tier[1]);
      }
      // The first N of a seeded partial shuffle: N distinct cables, the same for the same seed.
      for (std::uint32_t i = 0; i < e.random; ++i) {
        std::swap(cables[i], cables[i + rng.below(cables.size() - i)]);
        event.links.push_back(cables[i].first);
        event.links.push_back(cables[i].second);
      }
    }
    std::sort(event.links.begin(), event.links.end());
  }
  return out;
}

}  // namespace fabricsim::scenario
