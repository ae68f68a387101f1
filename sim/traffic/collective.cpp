#include "traffic/collective.hpp"

#include <bit>
#include <stdexcept>
#include <string>

namespace fabricsim::traffic {
namespace {

using Op = CollectiveSpec::Op;

/// One transfer of a round, between ranks: the chunk is cut into `den` near-equal pieces and
/// the transfer carries pieces [first, first + num).
struct Send {
  std::uint32_t from;
  std::uint32_t to;
  std::uint64_t num;
  std::uint64_t den;
  std::uint64_t first = 0;
};
using Round = std::vector<Send>;

/// Bytes of pieces [first, first + num) of `total` bytes cut into `den` pieces, where the
/// first total % den pieces carry one byte more (so all den pieces sum to `total` exactly).
std::int64_t range_bytes(std::int64_t total, std::uint64_t den, std::uint64_t first,
                         std::uint64_t num) {
  const auto d = static_cast<std::int64_t>(den);
  const auto lo = static_cast<std::int64_t>(first);
  const auto hi = static_cast<std::int64_t>(first + num);
  const std::int64_t bigger = std::max<std::int64_t>(0, std::min(hi, total % d) - lo);
  return (hi - lo) * (total / d) + bigger;
}

/// Ring: every rank sends one shard (1/N of the buffer) to its successor, `rounds` times.
/// In round s rank i forwards shard (i - s) mod N: in a reduce-scatter that is the partial
/// sum it just received; in the all-gather that follows it, the reduced shard it holds.
std::vector<Round> ring(std::uint32_t n, std::uint32_t rounds) {
  std::vector<Round> out(rounds);
  for (std::uint32_t s = 0; s < rounds; ++s) {
    for (std::uint32_t i = 0; i < n; ++i)
      out[s].push_back({i, (i + 1) % n, 1, n, (i + n - s % n) % n});
  }
  return out;
}

/// Direct, one round: reduce-scatter sends shard j of every rank to rank j; all-gather
/// sends rank i's own shard i to every other rank; the peers in `order`.
Round direct(std::uint32_t n, bool gather, SendOrder order) {
  Round r;
  r.reserve(std::size_t{n} * (n - 1));
  for (const auto& [i, j] : all_pairs(order, n, n)) r.push_back({i, j, 1, n, gather ? i : j});
  return r;
}

/// Recursive halving reduce-scatter (N a power of two): at distance d = N/2, N/4, ..., 1
/// rank i holds the 2d shards of its aligned block and sends the d of them that belong to
/// its partner's half (i XOR d). It ends holding shard i, reduced.
std::vector<Round> halving(std::uint32_t n) {
  std::vector<Round> out;
  for (std::uint32_t d = n / 2; d >= 1; d /= 2) {
    Round r;
    for (std::uint32_t i = 0; i < n; ++i) r.push_back({i, i ^ d, d, n, (i ^ d) & ~(d - 1)});
    out.push_back(std::move(r));
  }
  return out;
}

/// Recursive doubling all-gather: at distance d = 1, 2, ..., N/2 rank i sends the d shards
/// it holds (its aligned block of d) to rank i XOR d, doubling what both hold.
std::vector<Round> doubling(std::uint32_t n) {
  std::vector<Round> out;
  for (std::uint32_t d = 1; d < n; d *= 2) {
    Round r;
    for (std::uint32_t i = 0; i < n; ++i) r.push_back({i, i ^ d, d, n, i & ~(d - 1)});
    out.push_back(std::move(r));
  }
  return out;
}

/// Double binary tree: two trees each carry half the buffer. Tree A is a heap on the ranks
/// (parent of i is (i-1)/2, root 0); tree B mirrors it (rank N-1-i, root N-1), so A's inner
/// nodes are B's leaves. Reduce: D rounds up, the deepest level first (D = depth of rank
/// N-1); broadcast: D rounds down. Each round moves one level of both trees.
std::vector<Round> double_binary_tree(std::uint32_t n) {
  const std::uint32_t depth = std::bit_width(n) - 1;
  const auto level = [](std::uint32_t i) {
    return static_cast<std::uint32_t>(std::bit_width(i + 1) - 1);
  };
  std::vector<Round> out;
  for (const bool down : {false, true}) {
    for (std::uint32_t r = 0; r < depth; ++r) {
      // Up: level depth - r sends to its parents; down: parents send to level r + 1.
      const std::uint32_t lvl = down ? r + 1 : depth - r;
      Round round;
      for (std::uint32_t i = 1; i < n; ++i) {
        if (level(i) != lvl) continue;
        for (const std::uint32_t tree : {0u, 1u}) {
          const std::uint32_t child = tree == 0 ? i : n - 1 - i;
          const std::uint32_t parent = tree == 0 ? (i - 1) / 2 : n - 1 - (i - 1) / 2;
          round.push_back(down ? Send{parent, child, 1, 2, tree} : Send{child, parent, 1, 2, tree});
        }
      }
      out.push_back(std::move(round));
    }
  }
  return out;
}

/// The rounds of `op` with `algorithm` on n ranks (checked by unsupported() first).
std::vector<Round> rounds_of(Op op, Algorithm algorithm, SendOrder order, std::uint32_t n) {
  const bool reduce = op != Op::all_gather;
  const bool gather = op != Op::reduce_scatter;
  std::vector<Round> out;
  const auto append = [&out](std::vector<Round> more) {
    for (Round& r : more) out.push_back(std::move(r));
  };
  switch (algorithm) {
    case Algorithm::ring:
      append(ring(n, (reduce ? n - 1 : 0) + (gather ? n - 1 : 0)));
      break;
    case Algorithm::direct:
      if (reduce) out.push_back(direct(n, false, order));
      if (gather) out.push_back(direct(n, true, order));
      break;
    case Algorithm::halving_doubling:
      if (reduce) append(halving(n));
      if (gather) append(doubling(n));
      break;
    case Algorithm::double_binary_tree:
      append(double_binary_tree(n));
      break;
    case Algorithm::pairwise:
      break;
  }
  return out;
}

/// Appends `rounds` for a buffer of `bytes` cut into `chunks` pipelined chunks. Pipelining
/// rule: round s of chunk c depends on round s-1 of chunk c (the data it forwards) and on
/// round s of chunk c-1 (a rank works through its chunks in order), so rounds of different
/// chunks overlap as a wavefront. The first round of chunk 0 waits for `after` and then
/// `base.delay`. Returns the step that ends it all (the last round of the last chunk).
std::uint32_t emit(const std::vector<Round>& rounds, std::int64_t bytes, std::uint32_t chunks,
                   std::span<const std::uint32_t> gpus, const Step& base,
                   const std::vector<std::uint32_t>& after, Workload& out) {
  std::vector<std::uint32_t> previous_chunk(rounds.size());
  for (std::uint32_t c = 0; c < chunks; ++c) {
    const std::int64_t chunk = range_bytes(bytes, chunks, c, 1);
    for (std::size_t s = 0; s < rounds.size(); ++s) {
      Step step = base;
      step.deps = s == 0 ? (c == 0 ? after : std::vector<std::uint32_t>{})
                         : std::vector{previous_chunk[s - 1]};
      if (c > 0) step.deps.push_back(previous_chunk[s]);
      if (c > 0 || s > 0) step.delay = {};
      step.demands.reserve(rounds[s].size());
      for (const Send& send : rounds[s]) {
        const std::int64_t b = range_bytes(chunk, send.den, send.first, send.num);
        if (b > 0) step.demands.push_back({gpus[send.from], gpus[send.to], core::Bytes(b)});
      }
      previous_chunk[s] = out.add(std::move(step));
    }
  }
  return previous_chunk.back();
}

}  // namespace

const char* algorithm_name(Algorithm algorithm) {
  static constexpr const char* kNames[] = {"direct", "pairwise", "ring", "double_binary_tree",
                                           "halving_doubling"};
  return kNames[static_cast<int>(algorithm)];
}

const char* kind_name(const AllToAllSpec&) { return "all_to_all"; }

const char* kind_name(const CollectiveSpec& spec) {
  static constexpr const char* kNames[] = {"all_reduce", "reduce_scatter", "all_gather"};
  return kNames[static_cast<int>(spec.op)];
}

std::span<const Algorithm> algorithms_for(Op op) {
  static constexpr Algorithm kAllReduce[] = {Algorithm::ring, Algorithm::double_binary_tree,
                                             Algorithm::halving_doubling, Algorithm::direct};
  static constexpr Algorithm kHalf[] = {Algorithm::ring, Algorithm::halving_doubling,
                                        Algorithm::direct};
  if (op == Op::all_reduce) return kAllReduce;
  return kHalf;
}

std::span<const Algorithm> all_to_all_algorithms() {
  static constexpr Algorithm kAlgorithms[] = {Algorithm::direct, Algorithm::pairwise};
  return kAlgorithms;
}

std::string unsupported(Op op, Algorithm algorithm, std::uint32_t gpus) {
  bool known = false;
  for (const Algorithm a : algorithms_for(op)) known = known || a == algorithm;
  if (!known) {
    return std::string(algorithm_name(algorithm)) + " does not run " +
           kind_name(CollectiveSpec{.op = op});
  }
  if (gpus < 2) return "a collective needs at least 2 GPUs";
  if (algorithm == Algorithm::halving_doubling && !std::has_single_bit(gpus)) {
    return "halving_doubling needs a power-of-two GPU count, not " + std::to_string(gpus);
  }
  return "";
}

std::uint64_t collective_flows(const CollectiveSpec& spec, std::uint32_t gpus) {
  const std::uint64_t n = gpus;
  const std::uint64_t phases = spec.op == Op::all_reduce ? 2 : 1;
  std::uint64_t per_chunk = 0;
  switch (spec.algorithm) {
    case Algorithm::ring:
      per_chunk = phases * (n - 1) * n;
      break;
    case Algorithm::direct:
      per_chunk = phases * n * (n - 1);
      break;
    case Algorithm::halving_doubling:
      per_chunk = phases * n * static_cast<std::uint64_t>(std::bit_width(n) - 1);
      break;
    case Algorithm::double_binary_tree:
      per_chunk = 2 * 2 * (n - 1);
      break;
    case Algorithm::pairwise:
      break;
  }
  // Saturates instead of wrapping: chunks and iterations are each below 2^32.
  const long double flows = static_cast<long double>(per_chunk) * spec.chunks * spec.iterations;
  return flows >= 1.8e19L ? UINT64_MAX : static_cast<std::uint64_t>(flows);
}

void add_all_to_all(const AllToAllSpec& spec, std::span<const std::uint32_t> gpus,
                    std::uint32_t workload, Workload& out) {
  const auto n = static_cast<std::uint32_t>(gpus.size());
  const std::uint32_t group = spec.group_size == 0 ? n : spec.group_size;
  if (group < 2 || n % group != 0) {
    throw std::invalid_argument("all_to_all group_size must be >= 2 and divide the GPU count");
  }
  if (spec.chunks < 1) throw std::invalid_argument("all_to_all chunks must be >= 1");
  // Every group runs the same rounds at once; a send carries the whole chunk (den = 1).
  // Pairwise round r is every rank's turn r; direct lists all turns in one round.
  std::vector<Round> all_groups;
  if (spec.algorithm == Algorithm::pairwise) {
    for (std::uint32_t r = 1; r < group; ++r) {
      Round& round = all_groups.emplace_back();
      for (std::uint32_t i = 0; i < n; ++i) {
        round.push_back({i, i - i % group + send_peer(spec.order, i % group, r, group), 1, 1});
      }
    }
  } else {
    Round& round = all_groups.emplace_back();
    for (const auto& [i, j] : all_pairs(spec.order, n, group)) round.push_back({i, j, 1, 1});
  }
  const Step base{.workload = workload, .kind = "all_to_all", .delay = spec.start};
  emit(all_groups, spec.bytes.count(), spec.chunks, gpus, base, {}, out);
}

void add_collective(const CollectiveSpec& spec, std::span<const std::uint32_t> gpus,
                    std::uint32_t workload, Workload& out) {
  const auto n = static_cast<std::uint32_t>(gpus.size());
  if (const std::string why = unsupported(spec.op, spec.algorithm, n); !why.empty()) {
    throw std::invalid_argument(why);
  }
  if (spec.chunks < 1 || spec.iterations < 1) {
    throw std::invalid_argument("collective chunks and iterations must be >= 1");
  }
  const std::vector<Round> rounds = rounds_of(spec.op, spec.algorithm, spec.order, n);
  std::vector<std::uint32_t> after;
  for (std::uint32_t it = 0; it < spec.iterations; ++it) {
    const auto iteration = static_cast<std::int32_t>(it);
    if (it > 0 && spec.compute.ps() > 0) {
      // Compute between iterations: a step without flows that lasts `compute`.
      after = {out.add(Step{.workload = workload,
                            .kind = "compute",
                            .iteration = iteration - 1,
                            .deps = after,
                            .compute = spec.compute})};
    }
    const Step base{.workload = workload,
                    .kind = kind_name(spec),
                    .iteration = iteration,
                    .delay = it == 0 ? spec.start : core::Time{}};
    after = {emit(rounds, spec.bytes.count(), spec.chunks, gpus, base, after, out)};
  }
}

}  // namespace fabricsim::traffic
