#include "traffic/moe.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "core/limits.hpp"
#include "traffic/expert_load.hpp"

namespace fabricsim::traffic {
namespace {

/// Draws which experts every token goes to, one layer at a time: from popularity weights
/// (shifted by the bias balancer), evened out (balanced), or replayed from a trace.
class Router {
 public:
  Router(const MoeSpec& spec, std::uint32_t gpus, const MoeTrace* trace)
      : spec_(spec),
        gpus_(gpus),
        trace_(trace),
        previous_gpu_(spec.skew.affinity > 0 ? std::size_t{gpus} * spec.tokens_per_gpu : 0) {}

  /// The experts of every token in `layer`, token by token (tokens of GPU 0 first unless
  /// replayed). `weights` is the popularity of this layer and iteration; `home` the GPU of
  /// each expert. The result is reused from layer to layer.
  const TokenExperts& route(std::uint32_t layer, std::span<const double> weights,
                            std::span<const std::uint32_t> home, core::Rng& rng) {
    tokens_.top_k = spec_.top_k;
    tokens_.source.clear();
    tokens_.experts.clear();
    if (trace_ != nullptr) {
      for (std::size_t t = 0; t < trace_->tokens(); ++t) {
        tokens_.source.push_back(static_cast<std::uint32_t>(trace_->source_gpu[t]));
        for (std::uint32_t k = 0; k < trace_->top_k; ++k) {
          tokens_.experts.push_back(static_cast<std::uint32_t>(trace_->expert(t, layer, k)));
        }
      }
    } else if (spec_.balancer.kind == BalancerSpec::Kind::balanced) {
      even_out();
    } else {
      sample(layer, weights, home, rng);
    }
    return tokens_;
  }

 private:
  /// BASE layers: each source spreads its tokens x top_k evenly. Source s deals experts
  /// round robin from expert (s x extra) mod E on, top_k consecutive ones per token, so the
  /// remainders (extra = tokens x top_k mod E) start at a different expert per source and
  /// every expert ends within one token of the others; a token's experts are distinct.
  void even_out() {
    const std::uint64_t per_gpu = std::uint64_t{spec_.tokens_per_gpu} * spec_.top_k;
    const std::uint64_t extra = per_gpu % spec_.experts;
    for (std::uint32_t s = 0; s < gpus_; ++s) {
      const std::uint64_t first = (s * extra) % spec_.experts;
      for (std::uint64_t slot = 0; slot < per_gpu; ++slot) {
        if (slot % spec_.top_k == 0) tokens_.source.push_back(s);
        tokens_.experts.push_back(static_cast<std::uint32_t>((first + slot) % spec_.experts));
      }
    }
  }

  /// Each token draws top_k distinct experts; with affinity its first expert is, with that
  /// probability, one on the GPU its first expert used in the previous layer.
  void sample(std::uint32_t layer, std::span<const double> weights,
              std::span<const std::uint32_t> home, core::Rng& rng) {
    const ExpertSampler all(weights);
    std::uint32_t usable = 0;
    for (const double w : weights) usable += w > 0;
    if (usable < spec_.top_k) {
      throw std::invalid_argument("moe load leaves " + std::to_string(usable) +
                                  " experts with tokens, fewer than top_k");
    }
    const bool affine = !previous_gpu_.empty() && layer > 0;
    if (affine) build_local_samplers(weights, home);
    std::vector<std::uint32_t> chosen;
    chosen.reserve(spec_.top_k);
    for (std::uint32_t s = 0; s < gpus_; ++s) {
      for (std::uint32_t t = 0; t < spec_.tokens_per_gpu; ++t) {
        const std::size_t token = std::size_t{s} * spec_.tokens_per_gpu + t;
        chosen.clear();
        if (affine && rng.uniform() < spec_.skew.affinity) {
          const ExpertSampler& local = local_[previous_gpu_[token]];
          if (!local.empty()) chosen.push_back(local.draw(rng));
        }
        all.fill(spec_.top_k, rng, chosen);
        tokens_.source.push_back(s);
        tokens_.experts.insert(tokens_.experts.end(), chosen.begin(), chosen.end());
        if (!previous_gpu_.empty()) previous_gpu_[token] = home[chosen.front()];
      }
    }
  }

  /// One sampler per GPU over the experts it hosts (others weigh 0).
  void build_local_samplers(std::span<const double> weights, std::span<const std::uint32_t> home) {
    local_.clear();
    std::vector<double> w(weights.size());
    for (std::uint32_t g = 0; g < gpus_; ++g) {
      for (std::size_t e = 0; e < w.size(); ++e) w[e] = home[e] == g ? weights[e] : 0.0;
      local_.emplace_back(w);
    }
  }

  const MoeSpec& spec_;
  std::uint32_t gpus_;
  const MoeTrace* trace_;
  std::vector<std::uint32_t> previous_gpu_;  // per token: GPU of its first expert last layer
  std::vector<ExpertSampler> local_;
  TokenExperts tokens_;
};

/// Checks a routing trace against the spec and the group; returns it.
const MoeTrace& checked_trace(const MoeSpec& spec, std::uint32_t gpus, const Context& context) {
  if (!context.moe_trace)
    throw std::invalid_argument("moe routing_trace: no trace loader available");
  const MoeTrace& trace = context.moe_trace(spec.routing_trace);
  const std::string where = "moe routing trace " + spec.routing_trace + ": ";
  if (trace.experts != spec.experts || trace.top_k != spec.top_k) {
    throw std::invalid_argument(where + "has " + std::to_string(trace.experts) + " experts, top-" +
                                std::to_string(trace.top_k) + "; the workload says " +
                                std::to_string(spec.experts) + ", top-" +
                                std::to_string(spec.top_k));
  }
  if (trace.layers < spec.layers) {
    throw std::invalid_argument(where + "has " + std::to_string(trace.layers) +
                                " layers; the workload needs " + std::to_string(spec.layers));
  }
  for (const std::int32_t g : trace.source_gpu) {
    if (g < 0 || static_cast<std::uint32_t>(g) >= gpus) {
      throw std::invalid_argument(where + "a token starts on GPU " + std::to_string(g) + " of a " +
                                  std::to_string(gpus) + "-GPU group");
    }
  }
  for (const std::int16_t e : trace.expert_ids) {
    if (e < 0 || static_cast<std::uint32_t>(e) >= spec.experts) {
      throw std::invalid_argument(where + "expert id " + std::to_string(e) + " out of range");
    }
  }
  // The most one GPU could send per direction: every token of the trace x top_k x a token's
  // bytes. Checked, so a long trace with a wide hidden size cannot wrap the demand sizes.
  const std::uint32_t widest = std::max(
      {spec.bytes_per_element, spec.dispatch_bytes_per_element, spec.combine_bytes_per_element});
  const std::uint64_t bytes = core::saturating_mul(
      core::saturating_mul(core::saturating_mul(trace.tokens(), spec.top_k), spec.hidden), widest);
  if (bytes > static_cast<std::uint64_t>(core::kMaxInputBytes.count())) {
    throw std::invalid_argument(where + std::to_string(trace.tokens()) + " tokens x top_k " +
                                std::to_string(spec.top_k) + " x hidden " +
                                std::to_string(spec.hidden) + " x " + std::to_string(widest) +
                                " bytes could put more than the limit of 1024TiB on one GPU");
  }
  return trace;
}

/// Expert compute of the busiest GPU: tokens x FLOPs per token / FLOP/s, rounded up to 1 ps.
core::Time compute_time(std::span<const std::int64_t> gpu_tokens, const MoeSpec& spec,
                        double factor) {
  const std::int64_t busiest = *std::max_element(gpu_tokens.begin(), gpu_tokens.end());
  const double seconds =
      static_cast<double>(busiest) * spec.flops_per_token * factor / spec.gpu_flops;
  const double ps = std::ceil(seconds * 1e12);
  if (!(ps <= static_cast<double>(core::kMaxInputTime.ps()))) {
    throw std::invalid_argument("moe: expert compute of " + std::to_string(seconds) +
                                " s per layer (tokens x flops_per_token / gpu_flops) is more than "
                                "the limit of 1000000s");
  }
  return core::Time::ps(static_cast<std::int64_t>(ps));
}

/// Appends the steps of one layer pass (dispatch -> compute -> combine) after `last`.
std::uint32_t add_layer_steps(const MoeSpec& spec, std::span<const std::uint32_t> group,
                              const LayerTraffic& traffic, std::int32_t layer,
                              std::int32_t iteration, double compute_factor, std::uint32_t workload,
                              std::int64_t last, Workload& out) {
  const auto gpus = static_cast<std::uint32_t>(group.size());
  const auto bpe = [&](std::uint32_t v) {
    return std::int64_t{v == 0 ? spec.bytes_per_element : v};
  };
  const std::int64_t dispatch_bytes = spec.hidden * bpe(spec.dispatch_bytes_per_element);
  const std::int64_t combine_bytes = spec.hidden * bpe(spec.combine_bytes_per_element);
  const Step base{.workload = workload, .layer = layer, .iteration = iteration};
  Step dispatch = base, combine = base;
  dispatch.kind = "dispatch";
  combine.kind = "combine";
  // Combine demand i returns dispatch demand i: in turn k GPU g sends its dispatch to its
  // k-th peer and (staggered) its combine to g - k, whose tokens it got in turn k.
  for (const auto& [src, dst] : all_pairs(spec.order, gpus, gpus)) {
    const std::int64_t tokens = traffic.pair_tokens[std::size_t{src} * gpus + dst];
    if (tokens == 0) continue;  // tokens for a local expert stay on the GPU (no pair src == dst)
    dispatch.demands.push_back({group[src], group[dst], core::Bytes(tokens * dispatch_bytes)});
    combine.demands.push_back({group[dst], group[src], core::Bytes(tokens * combine_bytes)});
  }
  // The first step of the job waits for `start`; every other one for the step before it.
  const auto chain = [&](Step& step) {
    if (last < 0)
      step.delay = spec.start;
    else
      step.deps.push_back(static_cast<std::uint32_t>(last));
    last = out.add(std::move(step));
  };
  chain(dispatch);
  if (spec.flops_per_token > 0) {
    Step compute = base;
    compute.kind = "compute";
    compute.compute = compute_time(traffic.load.gpu_tokens, spec, compute_factor);
    chain(compute);
  }
  chain(combine);
  return static_cast<std::uint32_t>(last);
}

/// Auxiliary-loss-free balancing: an expert loaded above the mean loses gamma of bias (its
/// weight shrinks by e^-gamma), one below gains gamma.
void update_bias(std::span<const std::int64_t> tokens, double gamma, std::span<double> bias) {
  const double mean =
      static_cast<double>(std::accumulate(tokens.begin(), tokens.end(), std::int64_t{0})) /
      static_cast<double>(tokens.size());
  for (std::size_t e = 0; e < tokens.size(); ++e) {
    const auto n = static_cast<double>(tokens[e]);
    bias[e] += n > mean ? -gamma : n < mean ? gamma : 0.0;
  }
}

}  // namespace

const char* kind_name(const MoeSpec&) { return "moe"; }

const char* dispatch_name(Dispatch dispatch) {
  return dispatch == Dispatch::per_gpu ? "per_gpu" : "per_expert";
}

void add_moe(const MoeSpec& spec, std::span<const std::uint32_t> group, std::uint32_t workload,
             core::Rng& rng, const Context& context, Workload& out) {
  const auto gpus = static_cast<std::uint32_t>(group.size());
  if (gpus < 2) throw std::invalid_argument("moe needs at least 2 GPUs");
  if (spec.top_k == 0 || spec.top_k > spec.experts) {
    throw std::invalid_argument("moe top_k must be in 1..experts");
  }
  if (spec.layers == 0 || spec.iterations == 0)
    throw std::invalid_argument("moe needs layers and iterations >= 1");
  const MoeTrace* trace =
      spec.routing_trace.empty() ? nullptr : &checked_trace(spec, gpus, context);

  // Popularity per layer: drawn once (vary none, iteration), or once per layer (layer, both);
  // re-drawn at each iteration for iteration and both.
  using Vary = LoadSpec::Vary;
  const bool per_layer = spec.skew.vary == Vary::layer || spec.skew.vary == Vary::both;
  const bool per_iteration = spec.skew.vary == Vary::iteration || spec.skew.vary == Vary::both;
  const bool shuffle = spec.skew.vary != Vary::none;
  std::vector<std::vector<double>> popularity(per_layer ? spec.layers : 1);
  const auto draw_popularity = [&] {
    for (auto& w : popularity) w = expert_weights(spec.skew, spec.experts, shuffle, rng);
  };
  draw_popularity();

  // Placement and replicas follow the expected load: the trace's first layer, else the
  // popularity of the first layer and iteration.
  std::vector<double> expected = popularity.front();
  if (trace != nullptr) {
    std::fill(expected.begin(), expected.end(), 0.0);
    for (std::size_t t = 0; t < trace->tokens(); ++t) {
      for (std::uint32_t k = 0; k < trace->top_k; ++k) expected[trace->expert(t, 0, k)] += 1.0;
    }
  }
  const bool replicate = spec.balancer.kind == BalancerSpec::Kind::replicate;
  const ExpertMap map =
      map_experts(spec.expert_placement, expected, gpus, replicate ? spec.balancer.replicas : 0);

  Router router(spec, gpus, trace);
  const bool bias = spec.balancer.kind == BalancerSpec::Kind::bias;
  std::vector<double> biases(bias ? std::size_t{spec.layers} * spec.experts : 0, 0.0);
  std::vector<double> weights(spec.experts);
  std::vector<LayerTraffic> layers(spec.layers);
  std::int64_t last = -1;
  for (std::uint32_t i = 0; i < spec.iterations; ++i) {
    if (i > 0 && per_iteration) draw_popularity();
    for (std::uint32_t l = 0; l < spec.layers; ++l) {
      const std::vector<double>& base = popularity[per_layer ? l : 0];
      // The bias shifts the routing score; as a sampling weight that is w x e^bias.
      for (std::uint32_t e = 0; e < spec.experts; ++e) {
        weights[e] = bias ? base[e] * std::exp(biases[std::size_t{l} * spec.experts + e]) : base[e];
      }
      const TokenExperts& tokens = router.route(l, weights, map.home, rng);
      const bool per_gpu = spec.dispatch == Dispatch::per_gpu;
      layers[l] = layer_traffic(routed_counts(tokens, gpus, spec.experts), gpus, map,
                                spec.capacity_factor, per_gpu ? &tokens : nullptr);
      if (bias) {
        update_bias(layers[l].load.tokens, spec.balancer.gamma,
                    std::span<double>(biases).subspan(std::size_t{l} * spec.experts, spec.experts));
      }
      const auto [layer, iteration] =
          std::pair{static_cast<std::int32_t>(l), static_cast<std::int32_t>(i)};
      last = add_layer_steps(spec, group, layers[l], layer, iteration, 1.0, workload, last, out);
      ExpertLoad load = layers[l].load;
      load.workload = workload;
      load.layer = layer;
      load.iteration = iteration;
      out.expert_loads.push_back(std::move(load));
    }
    // Backward: the layers in reverse, same routing, gradients both ways.
    for (std::uint32_t l = spec.layers; spec.backward && l-- > 0;) {
      last = add_layer_steps(spec, group, layers[l], static_cast<std::int32_t>(l),
                             static_cast<std::int32_t>(i), kBackwardComputeFactor, workload, last,
                             out);
    }
  }
}

}  // namespace fabricsim::traffic
