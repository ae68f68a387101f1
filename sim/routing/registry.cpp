#include <stdexcept>

#include "routing/ethereal.hpp"
#include "routing/planned.hpp"
#include "routing/plugin_loader.hpp"
#include "routing/policies.hpp"
#include "routing/replay.hpp"
#include "routing/reps.hpp"

namespace fabricsim::routing {
namespace {

const PolicyInfo kPolicies[] = {
    {"ecmp", "per-flow hash of the 5-tuple (seeded salt) picks one equal-cost path",
     [](const PolicyParams& p) -> std::unique_ptr<Policy> {
       return std::make_unique<Ecmp>(p.salt);
     }},
    {"spray",
     "each packet takes a random equal-cost path (flow model: an even spread over all paths)",
     [](const PolicyParams&) -> std::unique_ptr<Policy> { return std::make_unique<Spray>(); }},
    {"spray_rr",
     "packets take the equal-cost paths in turn from an offset hashed on the 5-tuple "
     "(flow model: even spread)",
     [](const PolicyParams& p) -> std::unique_ptr<Policy> {
       return std::make_unique<SprayRoundRobin>(p.salt);
     }},
    {"flowlet",
     "a flow keeps its path (first: the ecmp hash) until idle > flowlet_gap, then draws one "
     "(flow model: ecmp)",
     [](const PolicyParams& p) -> std::unique_ptr<Policy> {
       return std::make_unique<Flowlet>(p.salt, p.flowlet_gap);
     }},
    {"adaptive",
     "each packet takes the less backlogged first hop of two random equal-cost paths "
     "(flow model: even spread)",
     [](const PolicyParams&) -> std::unique_ptr<Policy> { return std::make_unique<Adaptive>(); }},
    {"adaptive_hop",
     "every switch sends each packet out of its least backlogged live next hop toward the "
     "destination (per-hop adaptive routing; flow model: even spread)",
     [](const PolicyParams&) -> std::unique_ptr<Policy> {
       return std::make_unique<AdaptiveHop>();
     }},
    {"reps",
     "recycled-entropy spraying: a packet reuses a path whose packet was ACKed unmarked, else "
     "draws one of `entropies` fresh; lost paths fade out (flow model: even spread)",
     [](const PolicyParams& p) -> std::unique_ptr<Policy> {
       return std::make_unique<Reps>(p.entropies);
     }},
    {"split",
     "each flow becomes `subflows` equal subflows, each hashed like ecmp; "
     "subflows: auto = s/gcd(r,s) (s uplinks, r flows leaving the leaf in the step)",
     [](const PolicyParams& p) -> std::unique_ptr<Policy> {
       return std::make_unique<Split>(p.salt, p.subflows);
     }},
    {"ethereal",
     "the seed paper's host rule: per source and destination rack, n flows over s live paths: "
     "n - n mod s whole, the rest in s/gcd(n mod s, s) pieces, round-robin (source-routed)",
     [](const PolicyParams& p) -> std::unique_ptr<Policy> {
       return std::make_unique<Ethereal>(p.salt);
     }},
    {"planned",
     "the flows of a step are planned together and cut into pieces pinned to paths: exact "
     "even link loads for equal flows (s/gcd(r,s) pieces), else a min-max load balance; "
     "subflows: most pieces per flow (auto = uplinks)",
     [](const PolicyParams& p) -> std::unique_ptr<Policy> {
       return std::make_unique<Planned>(p.salt, p.subflows);
     }},
    {"replay",
     "replays routing.trace (a result file's /routing, or a CSV of paths): each flow cut and "
     "pinned as recorded, recorded per-packet choices in order; flows with no row take "
     "routing.fallback",
     [](const PolicyParams& p) -> std::unique_ptr<Policy> {
       PolicyParams fallback = p;
       fallback.name = p.fallback;
       fallback.trace = nullptr;
       fallback.fallback.clear();
       // Without a trace (a scenario always gives one) every flow goes to the fallback.
       return std::make_unique<Replay>(p.trace ? p.trace : std::make_shared<const ReplayTable>(),
                                       p.fallback.empty() ? nullptr : make_policy(fallback),
                                       p.salt);
     }},
};

}  // namespace

std::span<const PolicyInfo> policies() { return kPolicies; }

std::unique_ptr<Policy> make_policy(const PolicyParams& params) {
  const std::span<const PolicyInfo> plugin =
      params.plugin.empty() ? std::span<const PolicyInfo>() : plugin_policies(params.plugin);
  std::string known;
  for (const std::span<const PolicyInfo> table : {policies(), plugin}) {
    for (const PolicyInfo& info : table) {
      if (info.name == params.name) {
        std::unique_ptr<Policy> policy = info.make(params);
        params.params.check_all_read(params.name);
        return policy;
      }
      known += known.empty() ? "" : ", ";
      known += info.name;
    }
  }
  throw std::invalid_argument("unknown routing policy '" + params.name + "' (known: " + known +
                              ")");
}

}  // namespace fabricsim::routing
