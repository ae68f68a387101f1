#pragma once
#include <span>
#include <string>
#include <vector>

#include "traffic/send_order.hpp"
#include "traffic/step.hpp"

namespace fabricsim::traffic {

/// Expected popularity of each expert (how the router spreads tokens), as relative weights:
/// uniform; Zipf, p_rank proportional to 1/(rank+1)^s; lognormal, w = exp(sigma x N(0,1));
/// hot, the first round(fraction x E) experts share `share` of the tokens. `vary` says how
/// often the ranking is re-drawn (which experts are hot): never, per layer, per iteration, or
/// per layer and iteration. `affinity` is the probability that a token's first expert in
/// layer l+1 sits on the GPU of its first expert in layer l.
struct LoadSpec {
  enum class Dist { uniform, zipf, lognormal, hot } dist = Dist::uniform;
  double s = 1.0;         // zipf exponent, >= 0
  double sigma = 1.0;     // lognormal: standard deviation of log(weight), >= 0
  double fraction = 0.1;  // hot: fraction of experts that are hot, in (0, 1]
  double share = 0.5;     // hot: fraction of tokens they take, in [0, 1]
  enum class Vary { none, layer, iteration, both } vary = Vary::none;
  double affinity = 0;  // in [0, 1]

  bool operator==(const LoadSpec&) const = default;
};
using SkewSpec = LoadSpec;  // YAML key `skew:` (or `load:`)

/// Which GPU of the expert-parallel group hosts each expert. round_robin: expert e on GPU
/// e mod G; contiguous: experts split into G equal consecutive blocks; listed: `gpus[e]`;
/// balanced: largest expected load first onto the least-loaded GPU with a free slot.
struct ExpertPlacement {
  enum class Kind { round_robin, contiguous, listed, balanced } kind = Kind::round_robin;
  std::vector<std::uint32_t> gpus;  // listed: the group rank of each expert's GPU

  bool operator==(const ExpertPlacement&) const = default;
};

/// How the router evens out expert load. bias: auxiliary-loss-free per-expert bias added to
/// the routing score, moved by +-gamma each iteration against the observed load; balanced:
/// every expert gets the same number of tokens (BASE layers); replicate: the `replicas`
/// hottest experts get a second copy on another GPU and split their tokens with it.
/// Dropping over capacity is `capacity_factor`, which applies with any balancer.
struct BalancerSpec {
  enum class Kind { none, bias, balanced, replicate } kind = Kind::none;
  double gamma = 0.1;          // bias: step of the bias per iteration (log-weight units)
  std::uint32_t replicas = 1;  // replicate: how many experts get a replica

  bool operator==(const BalancerSpec&) const = default;
};

/// How many copies of a token dispatch sends when several of its top_k experts share a GPU.
/// per_gpu: one per (token, destination GPU), as DeepEP-style dispatchers do; per_expert:
/// one per (token, expert), as an all-to-all over expert-sorted tokens does. Combine returns
/// as many copies as dispatch sent.
enum class Dispatch { per_gpu, per_expert };

/// An MoE model on the job's GPUs (its expert-parallel group): `layers` MoE layers run
/// `iterations` times; each layer dispatches tokens to their top_k experts, computes, and
/// combines them back; an optional backward pass repeats the layers in reverse order.
/// Dispatch's flows leave each GPU in `order` over destination GPUs; combine's flows are
/// dispatch's reversed, in the same positions.
struct MoeSpec {
  std::uint32_t experts = 64;
  std::uint32_t top_k = 2;
  std::uint32_t tokens_per_gpu = 4096;
  std::uint32_t hidden = 4096;
  std::uint32_t bytes_per_element = 2;           // default of the two below
  std::uint32_t dispatch_bytes_per_element = 0;  // 0: bytes_per_element
  std::uint32_t combine_bytes_per_element = 0;   // 0: bytes_per_element
  SkewSpec skew;                                 // the expert load (YAML `skew:` or `load:`)
  ExpertPlacement expert_placement;
  BalancerSpec balancer;
  double capacity_factor = 0;  // 0: dropless; else capacity = routed / experts x factor
  double flops_per_token = 0;  // per token per expert (forward); 0: no compute step
  double gpu_flops = 400e12;   // FLOP/s one GPU sustains on expert compute
  std::uint32_t layers = 1;
  std::uint32_t iterations = 1;
  bool backward = false;
  std::string routing_trace;  // replayed token -> expert routing; "" = drawn from `skew`
  Dispatch dispatch = Dispatch::per_gpu;
  SendOrder order = SendOrder::staggered;
  core::Time start{};
  Placement placement;

  bool operator==(const MoeSpec&) const = default;
};

/// Backward expert compute costs this many times the forward (two matmuls per forward one).
inline constexpr double kBackwardComputeFactor = 2.0;

const char* kind_name(const MoeSpec& spec);
/// The YAML name of a dispatch rule ("per_gpu").
const char* dispatch_name(Dispatch dispatch);

/// Appends the steps and expert loads of one MoE job; `gpus` are its hosts in rank order.
/// Throws std::invalid_argument when the spec does not fit the group or the trace.
void add_moe(const MoeSpec& spec, std::span<const std::uint32_t> gpus, std::uint32_t workload,
             core::Rng& rng, const Context& context, Workload& out);

}  // namespace fabricsim::traffic
