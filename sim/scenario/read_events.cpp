// `events:`: link failures and rate changes at given times.
#include <algorithm>

#include "scenario/read.hpp"
#include "scenario/suggest.hpp"
#include "topo/graph.hpp"

namespace fabricsim::scenario {
namespace {

const Keys kEventKeys{"at", "action", "rate", "node", "link", "random", "tier"};
const Keys kActions{"down", "up", "rate"};

/// A list of exactly two node names (`link`) or node kinds (`tier`).
std::vector<std::string> read_pair(const Tree& t, const std::string& path, std::string_view what) {
  if (!t.is_list() || t.items.size() != 2) {
    fail(t.where(), path, "expected a list of two " + std::string(what) + ", got " + describe(t));
  }
  return {scalar(t.items[0], child(path, "0"), std::string(what)),
          scalar(t.items[1], child(path, "1"), std::string(what))};
}

EventSpec read_event(const Tree& t, const std::string& path) {
  check_map(t, path, kEventKeys);
  EventSpec e;
  e.where = t.where().str();
  const Tree* at = t.find("at");
  if (at == nullptr)
    fail(t.where(), child(path, "at"), "missing: when the event happens, such as 100us");
  e.at = read_time(*at, child(path, "at"), true);
  const Tree* action = t.find("action");
  if (action == nullptr)
    fail(t.where(), child(path, "action"), "missing: one of " + join(kActions));
  const std::string& name = read_choice(*action, child(path, "action"), "action", kActions);
  e.action = name == "down" ? EventSpec::Action::down
             : name == "up" ? EventSpec::Action::up
                            : EventSpec::Action::rate;
  const Tree* rate = t.find("rate");
  if (e.action == EventSpec::Action::rate) {
    if (rate == nullptr)
      fail(action->where(), child(path, "rate"),
           "missing: action rate needs a rate, such as 200Gbps");
    e.rate = read_rate(*rate, child(path, "rate"));
  } else if (rate != nullptr) {
    fail(rate->where(), child(path, "rate"),
         "only action rate takes a rate (this event's action is " + name + ")");
  }
  const Tree* node = t.find("node");
  const Tree* link = t.find("link");
  const Tree* random = t.find("random");
  const Tree* tier = t.find("tier");
  const int targets = (node != nullptr) + (link != nullptr) + (random != nullptr);
  if (targets != 1) {
    fail(t.where(), path,
         std::string(targets == 0 ? "names no links" : "names its links more than one way") +
             ": give exactly one of node (every link of a node), link: [a, b] (the cables between "
             "two nodes) or random: N with tier: [kind, kind]");
  }
  if (node != nullptr) e.node = scalar(*node, child(path, "node"), "a node name such as spine0");
  if (link != nullptr)
    e.link = read_pair(*link, child(path, "link"), "node names such as [leaf1, spine2]");
  if (random != nullptr) {
    e.random = read_u32(*random, child(path, "random"), 1);
    if (tier == nullptr)
      fail(random->where(), child(path, "tier"),
           "missing: random needs tier: [kind, kind], such as [leaf, spine]");
    e.tier = read_pair(*tier, child(path, "tier"), "node kinds such as [leaf, spine]");
    for (std::size_t i = 0; i < 2; ++i) {
      if (!topo::node_kind_from(e.tier[i])) {
        fail(tier->items[i].where(), child(path, "tier." + std::to_string(i)),
             "unknown node kind '" + e.tier[i] + "'" +
                 valid_choices(e.tier[i], topo::node_kind_names()));
      }
    }
  } else if (tier != nullptr) {
    fail(tier->where(), child(path, "tier"), "only random takes a tier");
  }
  return e;
}

}  // namespace

std::vector<EventSpec> read_events(const Tree& list) {
  if (!list.is_list()) {
    fail(list.where(), "events",
         "expected a list of events (- {at: 0us, node: spine0, action: down}), got " +
             describe(list));
  }
  std::vector<EventSpec> events;
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    events.push_back(read_event(list.items[i], "events." + std::to_string(i)));
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const EventSpec& a, const EventSpec& b) { return a.at < b.at; });
  return events;
}

const char* to_string(EventSpec::Action action) {
  switch (action) {
    case EventSpec::Action::down:
      return "down";
    case EventSpec::Action::up:
      return "up";
    case EventSpec::Action::rate:
      return "rate";
  }
  return "unknown";
}

}  // namespace fabricsim::scenario
