// An example routing plug-in (docs/routing.md, "Writing a plug-in"): policy `rotate` sends
// workload flow k whole over candidate (k + offset) mod n of its n live equal-cost paths, so
// consecutive flows take consecutive paths instead of hashed ones.
#include <memory>

#include "routing/plugin.hpp"

namespace {

using fabricsim::routing::Candidates;
using fabricsim::routing::FlowKey;
using fabricsim::routing::PathShare;
using fabricsim::routing::Policy;
using fabricsim::routing::PolicyParams;

class Rotate : public Policy {
 public:
  explicit Rotate(std::uint64_t offset) : offset_(offset) {}
  void choose(const FlowKey& flow, Candidates candidates,
              std::vector<PathShare>& out) const override {
    out.assign({{candidates[(flow.app_flow + offset_) % candidates.size()], 1.0}});
  }

 private:
  std::uint64_t offset_;
};

std::unique_ptr<Policy> make_rotate(const PolicyParams& p) {
  return std::make_unique<Rotate>(p.params.count("offset", 0));
}

}  // namespace

FABRICSIM_ROUTING_PLUGIN({"rotate",
                          "workload flow k takes candidate (k + offset) mod n of its n paths "
                          "(params: offset, default 0)",
                          &make_rotate})
