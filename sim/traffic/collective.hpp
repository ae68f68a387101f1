#pragma once
#include <span>
#include <string>

#include "traffic/send_order.hpp"
#include "traffic/step.hpp"

namespace fabricsim::traffic {

/// How a collective moves its data, round by round (docs/collectives.md).
enum class Algorithm { direct, pairwise, ring, double_binary_tree, halving_doubling };
/// The YAML name of an algorithm ("double_binary_tree").
const char* algorithm_name(Algorithm algorithm);

/// Every GPU sends `bytes` to every other GPU of its group (group_size 0: the whole job).
/// direct: all pairs at once, one round, each GPU taking its peers in `order`; pairwise: N-1
/// rounds, each after the previous, in round r GPU i sends to its r-th peer of `order`
/// (staggered: i + r mod N). `chunks` cuts `bytes` into pipelined chunks (the same rule as
/// CollectiveSpec).
struct AllToAllSpec {
  core::Bytes bytes{1 << 20};
  core::Time start{};
  std::uint32_t group_size = 0;
  Algorithm algorithm = Algorithm::direct;
  std::uint32_t chunks = 1;
  SendOrder order = SendOrder::staggered;
  Placement placement;

  bool operator==(const AllToAllSpec&) const = default;
};

/// A collective on a buffer of `bytes` per GPU over the job's N GPUs, with real per-round
/// flows. The buffer is cut into `chunks` pipelined pieces: round s of chunk c starts when
/// round s-1 of chunk c and round s of chunk c-1 have ended. `iterations` repeat it, with
/// `compute` time between them. `order` is the peer order of direct's all-pairs rounds (the
/// other algorithms send to one or two peers per round). Bytes are per GPU; times
/// in ps.
struct CollectiveSpec {
  enum class Op { all_reduce, reduce_scatter, all_gather } op = Op::all_reduce;
  Algorithm algorithm = Algorithm::ring;
  core::Bytes bytes{1 << 20};
  std::uint32_t chunks = 1;
  SendOrder order = SendOrder::staggered;
  std::uint32_t iterations = 1;
  core::Time compute{};
  core::Time start{};
  Placement placement;

  bool operator==(const CollectiveSpec&) const = default;
};

const char* kind_name(const AllToAllSpec& spec);
const char* kind_name(const CollectiveSpec& spec);
/// The algorithms an operation supports (the first is the default).
std::span<const Algorithm> algorithms_for(CollectiveSpec::Op op);
/// The algorithms of all_to_all (the first is the default).
std::span<const Algorithm> all_to_all_algorithms();
/// Empty when `algorithm` can run `op` on `gpus` GPUs; else why not.
std::string unsupported(CollectiveSpec::Op op, Algorithm algorithm, std::uint32_t gpus);
/// Flows (demands) `spec` creates on `gpus` GPUs, all chunks and iterations, saturating at
/// UINT64_MAX; an upper bound when tiny chunks leave some pieces empty.
std::uint64_t collective_flows(const CollectiveSpec& spec, std::uint32_t gpus);

/// Appends the steps of one job; `gpus` are its hosts in rank order.
void add_all_to_all(const AllToAllSpec& spec, std::span<const std::uint32_t> gpus,
                    std::uint32_t workload, Workload& out);
void add_collective(const CollectiveSpec& spec, std::span<const std::uint32_t> gpus,
                    std::uint32_t workload, Workload& out);

}  // namespace fabricsim::traffic
