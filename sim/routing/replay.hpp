#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <tuple>
#include <vector>

#include "routing/policies.hpp"
#include "routing/replay_trace.hpp"

namespace fabricsim::routing {

/// A routing trace checked against the fabric: for each workload flow it names (hosts and
/// index), the pieces it is cut into and the paths each piece is pinned to; and the recorded
/// per-packet and per-hop choices of each (sub)flow and direction.
class ReplayTable {
 public:
  struct Piece {
    std::int64_t bytes;  // result file: the subflow's bytes; CSV: -1 (cut by weight)
    double weight;       // CSV: the row's fraction (1 when none is given)
    std::uint32_t first_share;
    std::uint32_t shares;
    std::uint64_t row;  // the piece's first row in the file
  };
  struct Flow {
    std::uint32_t first_piece;
    std::uint32_t pieces;
  };

  /// Resolves every row against the fabric. Throws TraceInputError naming the file and row
  /// for a host that is not one, an unknown node, path id or switch sequence, or a path that
  /// does not join the two hosts' edge switches.
  ReplayTable(const DecisionTrace& trace, const topo::Fabric& fabric);
  /// No rows: every flow goes to the fallback.
  ReplayTable() = default;

  /// The flow's pieces, or nullptr when the trace has no row for it.
  const Flow* find(std::uint32_t src_host, std::uint32_t dst_host, std::uint32_t index) const;
  std::span<const Piece> pieces(const Flow& flow) const {
    return {pieces_.data() + flow.first_piece, flow.pieces};
  }
  std::span<const PathShare> shares(const Piece& piece) const {
    return {shares_.data() + piece.first_share, piece.shares};
  }
  /// The bytes of each piece of `flow` when the workload flow has `bytes` (docs/routing.md,
  /// replay): a result file's own bytes, which must add up to `bytes`; CSV pieces get
  /// floor(bytes * w / W) each (W the flow's total weight), and the bytes left over go one
  /// each to the first pieces.
  void cut(const Flow& flow, std::int64_t bytes, std::vector<std::int64_t>& out) const;
  /// Throws naming the first row of a flow the workload does not have, given the number of
  /// workload flows between two hosts.
  void require_flows(
      const std::function<std::uint32_t(std::uint32_t src, std::uint32_t dst)>& flows) const;
  std::string where(std::uint64_t row) const { return trace_row(file_, csv_, row); }
  const std::string& file() const { return file_; }

  /// Every piece spreads evenly (1/n) over all the paths between its hosts.
  bool spreads_evenly() const { return spreads_evenly_; }
  /// Some piece spreads over several paths; its first row.
  bool spreads() const { return spread_row_ >= 0; }
  std::uint64_t spread_row() const { return static_cast<std::uint64_t>(spread_row_); }
  bool per_packet() const { return per_packet_; }
  bool per_hop() const { return per_hop_; }
  std::uint32_t most_pieces() const { return most_pieces_; }

  /// The recorded per-packet choices (path ids) of the (sub)flow in the key's direction, in
  /// call order; empty when none were recorded. Throws when the recorded flow joins other
  /// hosts (a run other than the one that recorded them).
  std::span<const std::uint32_t> packet_choices(const FlowKey& flow) const {
    return recorded(flow, packets_);
  }
  /// The recorded per-hop choices (link ids), likewise.
  std::span<const std::uint32_t> hop_choices(const FlowKey& flow) const {
    return recorded(flow, hops_);
  }

 private:
  struct Choices {  // per /flows id and direction (2 * id + reverse): values[offset[k]..)
    std::vector<std::uint32_t> offset;
    std::vector<std::uint32_t> values;
  };
  void resolve_flows(const DecisionTrace& trace, const topo::Fabric& fabric);
  void index_choices(const DecisionTrace& trace);
  Choices choices_of(const TraceChoices& log, std::uint32_t flows) const;
  std::span<const std::uint32_t> recorded(const FlowKey& flow, const Choices& choices) const;

  std::string file_ = "(no routing trace)";
  bool csv_ = false;
  std::map<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>, Flow> flows_;
  std::vector<Piece> pieces_;
  std::vector<PathShare> shares_;
  bool spreads_evenly_ = false;
  std::int64_t spread_row_ = -1;
  bool per_packet_ = false;
  bool per_hop_ = false;
  std::uint32_t most_pieces_ = 1;
  // Recorded choices: the first /flows id of each recorded workload flow, and each /flows
  // id's hosts.
  std::vector<std::uint32_t> first_flow_;
  std::vector<std::uint32_t> flow_src_, flow_dst_;
  Choices packets_;
  Choices hops_;
};

/// Replays a trace: plan() cuts each workload flow into the trace's pieces, pinned to its
/// paths; a per-packet trace's choose_packet()/choose_hop() give the recorded choice of each
/// call in order (a cursor in PacketRouteState). Flows without a row go to the fallback
/// policy. Unpinned directions (ACKs) and what is past the records: the fallback, or the ECMP
/// hash when there is none.
class Replay : public Policy {
 public:
  Replay(std::shared_ptr<const ReplayTable> table, std::unique_ptr<Policy> fallback,
         std::uint64_t salt)
      : table_(std::move(table)), fallback_(std::move(fallback)), ecmp_(salt) {}

  void plan(std::span<const StepFlow> flows, const Router& router, StepPlan& out) const override;
  std::uint32_t most_subflows(std::uint32_t uplinks, std::uint32_t paths) const override;
  bool spreads_evenly() const override {
    return table_->spreads_evenly() && (!fallback_ || fallback_->spreads_evenly());
  }
  bool per_packet() const override { return table_->per_packet(); }
  bool per_hop() const override { return table_->per_hop(); }
  topo::PathId choose_packet(const PacketContext& context, PacketRouteState& state) const override;
  std::uint32_t choose_hop(const HopContext& context) const override;
  void choose(const FlowKey& flow, Candidates candidates,
              std::vector<PathShare>& out) const override;
  /// Throws when the packet model cannot replay the trace: a piece spread over several paths
  /// needs per-packet records, and a fallback that routes packets one by one needs a trace
  /// that does.
  void check_packet_model() const;

 private:
  std::shared_ptr<const ReplayTable> table_;
  std::unique_ptr<Policy> fallback_;
  Ecmp ecmp_;
};

}  // namespace fabricsim::routing
