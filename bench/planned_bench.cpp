// Planning time of the planned policy (bench/README.md): a 256-GPU all-to-all step on the
// 16 x 16 leaf-spine, and an all-to-all step and a skewed MoE dispatch on 1024 GPUs (32 x 32
// leaf-spine, and a k = 16 fat-tree), some with a failure. Prints, per case: the step's flows,
// which construction planned it, the best wall time of a few plans, pieces per flow, and the plan's
// largest link load against ideal spraying's (and the fractional solution's, its certified lower
// bound, and ecmp's).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "routing/planned.hpp"
#include "routing/router.hpp"
#include "topo/fat_tree.hpp"
#include "topo/leaf_spine.hpp"
#include "traffic/workload.hpp"

namespace fabricsim {
namespace {

constexpr int kRuns = 3;
const topo::LinkSpec kLink{core::Bitrate::gbps(400), core::Time::ns(500)};

std::vector<routing::StepFlow> all_to_all(std::uint32_t gpus, std::int64_t bytes) {
  std::vector<routing::StepFlow> flows;
  for (std::uint32_t i = 0; i < gpus; ++i) {
    for (std::uint32_t j = 0; j < gpus; ++j) {
      if (i != j) flows.push_back({i, j, bytes});
    }
  }
  return flows;
}

/// Flows i -> i + shift (one pairwise round).
std::vector<routing::StepFlow> shifted(std::uint32_t gpus, std::uint32_t shift,
                                       std::int64_t bytes) {
  std::vector<routing::StepFlow> flows;
  for (std::uint32_t i = 0; i < gpus; ++i) flows.push_back({i, (i + shift) % gpus, bytes});
  return flows;
}

/// A random derangement of `gpus` hosts (seeded), `bytes` each.
std::vector<routing::StepFlow> permutation(std::uint32_t gpus, std::int64_t bytes) {
  const traffic::Workload w =
      traffic::generate({traffic::PermutationSpec{.bytes = core::Bytes(bytes)}},
                        {.hosts = gpus, .host_rate = kLink.rate, .seed = 1});
  std::vector<routing::StepFlow> flows;
  for (const traffic::Demand& d : w.steps.front().demands)
    flows.push_back({d.src, d.dst, d.bytes.count()});
  return flows;
}

/// The first dispatch of one MoE layer on `gpus` GPUs: 1024 experts (one per GPU), top-8,
/// 4096 tokens per GPU of hidden 7168 in FP8, Zipf(1.1) expert load, one flow per
/// (source, destination GPU).
std::vector<routing::StepFlow> moe_dispatch(std::uint32_t gpus) {
  traffic::MoeSpec moe;
  moe.experts = gpus;
  moe.top_k = 8;
  moe.tokens_per_gpu = 4096;
  moe.hidden = 7168;
  moe.bytes_per_element = 1;
  moe.skew = {.dist = traffic::LoadSpec::Dist::zipf, .s = 1.1};
  const traffic::Workload w =
      traffic::generate({moe}, {.hosts = gpus, .host_rate = kLink.rate, .seed = 1});
  const auto step = std::find_if(w.steps.begin(), w.steps.end(),
                                 [](const traffic::Step& s) { return !s.demands.empty(); });
  std::vector<routing::StepFlow> flows;
  for (const traffic::Demand& d : step->demands) flows.push_back({d.src, d.dst, d.bytes.count()});
  return flows;
}

/// The largest link load (s) when ecmp hashes every flow whole.
double ecmp_max(const topo::Fabric& fabric, std::span<const routing::StepFlow> flows) {
  const routing::Ecmp ecmp(0);
  const routing::Router router(fabric, ecmp);
  std::vector<double> bytes(fabric.links.size(), 0.0);
  std::vector<routing::PathShare> out;
  for (std::uint32_t i = 0; i < flows.size(); ++i) {
    router.choose({flows[i].src_host, flows[i].dst_host, i, 0}, out);
    for (const topo::LinkId l : fabric.path(out[0].path))
      bytes[l] += static_cast<double>(flows[i].bytes);
  }
  double most = 0;
  for (topo::LinkId l = 0; l < bytes.size(); ++l)
    most = std::max(most, bytes[l] * 8.0 / static_cast<double>(fabric.links[l].rate.bps()));
  return most;
}

/// The two directions of the cable between switches `a` and `b`.
std::vector<topo::LinkId> cable(const topo::Fabric& fabric, const std::string& a,
                                const std::string& b) {
  std::vector<topo::LinkId> out;
  for (topo::LinkId l = 0; l < fabric.links.size(); ++l) {
    const std::string& from = fabric.nodes[fabric.links[l].src].name;
    const std::string& to = fabric.nodes[fabric.links[l].dst].name;
    if ((from == a && to == b) || (from == b && to == a)) out.push_back(l);
  }
  return out;
}

/// Every link of switch `name`.
std::vector<topo::LinkId> spine(const topo::Fabric& fabric, const std::string& name) {
  std::vector<topo::LinkId> out;
  for (topo::LinkId l = 0; l < fabric.links.size(); ++l) {
    if (fabric.nodes[fabric.links[l].src].name == name ||
        fabric.nodes[fabric.links[l].dst].name == name)
      out.push_back(l);
  }
  return out;
}

/// Plans `flows` kRuns times with routing told that `down` are down, and prints a row.
void run(const std::string& name, const topo::Fabric& fabric,
         std::span<const routing::StepFlow> flows, std::span<const topo::LinkId> down = {}) {
  const routing::Planned planned(0, 0);
  routing::Router router(fabric, planned);
  router.believe(down, false);
  routing::StepPlan plan;
  routing::PlanReport report;
  double best = 1e300;
  for (int i = 0; i < kRuns; ++i) {
    plan.clear();
    const auto start = std::chrono::steady_clock::now();
    report = routing::plan_step(flows, router, routing::PlannerOptions{}, plan);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    best = std::min(best, took.count());
  }
  const double ideal = report.spray_max;
  std::printf("%-22s %9zu %-7s %9.3f %8.2f %5u %9.4f", name.c_str(), flows.size(),
              report.exact ? "exact" : "balance", best,
              static_cast<double>(report.pieces) / static_cast<double>(flows.size()),
              report.most_pieces, report.max_load / ideal);
  if (report.exact) {
    std::printf(" %9s %9s %5s", "-", "-", "-");
  } else {
    std::printf(" %9.4f %9.4f %5u", report.fractional_max / ideal, report.lower_bound / ideal,
                report.iterations);
  }
  std::printf(" %9.4f %12.3f\n", ecmp_max(fabric, flows) / ideal, ideal * 1e6);
}

}  // namespace
}  // namespace fabricsim

int main() {
  using namespace fabricsim;
  std::printf("%-22s %9s %-7s %9s %8s %5s %9s %9s %9s %5s %9s %12s\n", "case", "flows", "plan",
              "wall_s", "pcs/flow", "most", "max/spray", "frac/spr", "bound/spr", "iter",
              "ecmp/spr", "spray_max_us");
  const topo::Fabric ls256 = topo::build_leaf_spine(
      {.leaves = 16, .spines = 16, .hosts_per_leaf = 16, .host_link = kLink, .fabric_link = kLink});
  run("a2a-256 all pairs", ls256, all_to_all(256, 1 << 20));
  run("a2a-256 round 1", ls256, shifted(256, 1, 1 << 20));
  run("a2a-256 round 6", ls256, shifted(256, 6, 1 << 20));
  run("a2a-256 all, spine down", ls256, all_to_all(256, 1 << 20), spine(ls256, "spine3"));
  run("a2a-256 all, cable down", ls256, all_to_all(256, 1 << 20), cable(ls256, "leaf0", "spine0"));
  const topo::Fabric ft128 =
      topo::build_fat_tree({.k = 8, .host_link = kLink, .tor_link = kLink, .core_link = kLink});
  run("perm-128 fat-tree k8", ft128, permutation(128, 1 << 20));
  run("a2a-128 fat-tree k8", ft128, all_to_all(128, 1 << 20));
  const std::vector<routing::StepFlow> a2a1024 = all_to_all(1024, 1 << 20);
  const std::vector<routing::StepFlow> moe = moe_dispatch(1024);
  const topo::Fabric ls1024 = topo::build_leaf_spine(
      {.leaves = 32, .spines = 32, .hosts_per_leaf = 32, .host_link = kLink, .fabric_link = kLink});
  run("a2a-1024 leaf-spine", ls1024, a2a1024);
  run("moe-1024 leaf-spine", ls1024, moe);
  run("moe-1024 ls, cable down", ls1024, moe, cable(ls1024, "leaf0", "spine0"));
  const topo::Fabric ft1024 =
      topo::build_fat_tree({.k = 16, .host_link = kLink, .tor_link = kLink, .core_link = kLink});
  run("a2a-1024 fat-tree k16", ft1024, a2a1024);
  run("moe-1024 fat-tree k16", ft1024, moe);
  run("moe-1024 ft, cable down", ft1024, moe, cable(ft1024, "agg0", "core0"));
  return 0;
}
