#include "routing/replay.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numeric>
#include <sstream>
#include <unordered_map>

#include "routing/router.hpp"
#include "routing/step_plan.hpp"

namespace fabricsim::routing {
namespace {

using Key = std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>;

/// The nodes a path crosses: its source edge switch, then where each link arrives.
std::vector<topo::NodeId> nodes_of(const topo::Fabric& fabric, std::size_t pair, topo::PathId p) {
  std::vector<topo::NodeId> nodes{fabric.edge_node[pair / fabric.edge_count()]};
  for (const topo::LinkId l : fabric.catalog.links(pair, p)) nodes.push_back(fabric.links[l].dst);
  return nodes;
}

std::string names_of(const topo::Fabric& fabric, const std::vector<topo::NodeId>& nodes) {
  std::string out;
  for (const topo::NodeId n : nodes) out += (out.empty() ? "" : " ") + fabric.nodes[n].name;
  return out;
}

/// Turns trace rows into paths: a path id, or the switch names a path crosses.
class PathResolver {
 public:
  PathResolver(const DecisionTrace& trace, const topo::Fabric& fabric)
      : trace_(trace), fabric_(fabric) {}

  topo::PathId resolve(const TraceDecision& d) {
    const std::uint32_t hosts = fabric_.host_count();
    for (const std::uint32_t h : {d.src_host, d.dst_host}) {
      if (h >= hosts) {
        fail(d, "unknown flow: host " + std::to_string(h) + " is not a host index (valid: 0.." +
                    std::to_string(hosts - 1) + ")");
      }
    }
    pairs_count_ = fabric_.pairs_between_hosts(d.src_host, d.dst_host, pairs_);
    if (!trace_.csv) return check_id(d, d.path_id);
    const std::string& text = d.path;
    if (std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(c) != 0; })) {
      return check_id(d, static_cast<topo::PathId>(std::stoull(text)));
    }
    std::vector<topo::NodeId> wanted;
    std::istringstream words(text);
    for (std::string name; words >> name;) wanted.push_back(node(d, name));
    for (std::uint32_t i = 0; i < pairs_count_; ++i) {
      const topo::PathRange range = fabric_.catalog.range(pairs_[i]);
      for (topo::PathId p = range.first; p < range.first + range.count; ++p) {
        if (nodes_of(fabric_, pairs_[i], p) == wanted) return p;
      }
    }
    const topo::PathRange first = fabric_.catalog.range(pairs_[0]);
    fail(d, "'" + text + "' is not a path from host " + std::to_string(d.src_host) + " to host " +
                std::to_string(d.dst_host) + " (valid: its " + std::to_string(first.count) +
                " equal-cost paths, e.g. '" +
                names_of(fabric_, nodes_of(fabric_, pairs_[0], first.first)) + "')");
  }

  /// The number of paths between the last resolved row's hosts.
  std::uint64_t paths_between() const {
    std::uint64_t n = 0;
    for (std::uint32_t i = 0; i < pairs_count_; ++i) n += fabric_.catalog.range(pairs_[i]).count;
    return n;
  }

 private:
  [[noreturn]] void fail(const TraceDecision& d, const std::string& what) const {
    throw TraceInputError(trace_.where(d.row) + ": " + what);
  }

  topo::PathId check_id(const TraceDecision& d, std::uint64_t p) const {
    const topo::PathCatalog& catalog = fabric_.catalog;
    if (p >= catalog.path_count()) {
      fail(d, "unknown path id " + std::to_string(p) + " (valid: 0.." +
                  std::to_string(catalog.path_count() - 1) + ")");
    }
    const auto id = static_cast<topo::PathId>(p);
    const std::size_t pair = catalog.pair_of(id);
    if (std::find(pairs_.begin(), pairs_.begin() + pairs_count_, pair) ==
        pairs_.begin() + pairs_count_) {
      fail(d, "path " + std::to_string(p) + " (" + names_of(fabric_, nodes_of(fabric_, pair, id)) +
                  ") does not join host " + std::to_string(d.src_host) + "'s edge switch to host " +
                  std::to_string(d.dst_host) + "'s");
    }
    return id;
  }

  topo::NodeId node(const TraceDecision& d, const std::string& name) {
    if (node_of_.empty()) {
      for (topo::NodeId n = 0; n < fabric_.nodes.size(); ++n) node_of_[fabric_.nodes[n].name] = n;
    }
    const auto it = node_of_.find(name);
    if (it == node_of_.end()) fail(d, "unknown node '" + name + "' in path '" + d.path + "'");
    return it->second;
  }

  const DecisionTrace& trace_;
  const topo::Fabric& fabric_;
  std::unordered_map<std::string, topo::NodeId> node_of_;
  std::array<std::size_t, topo::kMaxPorts> pairs_{};
  std::uint32_t pairs_count_ = 0;
};

bool contains(const Candidates& candidates, topo::PathId path) {
  for (const topo::PathId p : candidates) {
    if (p == path) return true;
  }
  return false;
}

}  // namespace

ReplayTable::ReplayTable(const DecisionTrace& trace, const topo::Fabric& fabric)
    : file_(trace.file), csv_(trace.csv), per_packet_(trace.per_packet), per_hop_(trace.per_hop) {
  resolve_flows(trace, fabric);
  if (!trace.csv) index_choices(trace);
}

void ReplayTable::resolve_flows(const DecisionTrace& trace, const topo::Fabric& fabric) {
  // The rows of each workload flow, in file order.
  std::map<Key, std::vector<std::size_t>> rows_of;
  for (std::size_t i = 0; i < trace.decisions.size(); ++i) {
    const TraceDecision& d = trace.decisions[i];
    rows_of[{d.src_host, d.dst_host, d.index}].push_back(i);
  }
  PathResolver resolver(trace, fabric);
  const auto fail = [&](const TraceDecision& d, const std::string& what) {
    throw TraceInputError(trace.where(d.row) + ": " + what);
  };
  bool even = true;
  for (const auto& [key, rows] : rows_of) {
    Flow flow{static_cast<std::uint32_t>(pieces_.size()), 0};
    const TraceDecision& head = trace.decisions[rows.front()];
    std::uint64_t paths = 0;  // between the flow's hosts
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const TraceDecision& d = trace.decisions[rows[r]];
      const topo::PathId path = resolver.resolve(d);
      paths = resolver.paths_between();
      // A CSV row is a piece; a result file's rows of one subflow are one piece.
      const bool same_piece = !trace.csv && r > 0 && d.subflow == flow.pieces - 1;
      if (trace.csv && (d.fraction < 0) != (head.fraction < 0)) {
        fail(d, "give a fraction on every row of this flow or on none (line " +
                    std::to_string(head.row) + (head.fraction < 0 ? " has none)" : " has one)"));
      }
      if (!trace.csv && !same_piece && d.subflow != flow.pieces) {
        fail(d, "subflow " + std::to_string(d.subflow) + " of workload flow " +
                    std::to_string(d.app_flow) + " comes after " + std::to_string(flow.pieces) +
                    " subflow(s) (valid: its subflows in order from 0)");
      }
      if (same_piece && d.bytes != pieces_.back().bytes) {
        fail(d, "subflow " + std::to_string(d.subflow) + " has " + std::to_string(d.bytes) +
                    " bytes here and " + std::to_string(pieces_.back().bytes) +
                    " on its first row");
      }
      if (!same_piece) {
        pieces_.push_back({.bytes = d.bytes,
                           .weight = d.fraction > 0 ? d.fraction : 1.0,
                           .first_share = static_cast<std::uint32_t>(shares_.size()),
                           .shares = 0,
                           .row = d.row});
        ++flow.pieces;
      }
      shares_.push_back({path, trace.csv ? 1.0 : d.fraction});
      if (++pieces_.back().shares == 2 && spread_row_ < 0) {
        spread_row_ = static_cast<std::int64_t>(pieces_.back().row);
      }
    }
    // Even: every piece on every path between the hosts, each at 1/n (as EvenSpread has it).
    for (const Piece& piece : pieces(flow)) {
      const double share = 1.0 / static_cast<double>(paths);
      const std::span<const PathShare> s = shares(piece);
      even = even && s.size() == paths && std::all_of(s.begin(), s.end(), [&](const PathShare& p) {
               return p.fraction == share;
             });
    }
    most_pieces_ = std::max(most_pieces_, flow.pieces);
    flows_[key] = flow;
  }
  spreads_evenly_ = even && !flows_.empty();
}

const ReplayTable::Flow* ReplayTable::find(std::uint32_t src_host, std::uint32_t dst_host,
                                           std::uint32_t index) const {
  const auto it = flows_.find({src_host, dst_host, index});
  return it == flows_.end() ? nullptr : &it->second;
}

void ReplayTable::cut(const Flow& flow, std::int64_t bytes, std::vector<std::int64_t>& out) const {
  out.clear();
  const std::span<const Piece> all = pieces(flow);
  if (all.front().bytes >= 0) {
    std::int64_t sum = 0;
    for (const Piece& p : all) {
      out.push_back(p.bytes);
      sum += p.bytes;
    }
    if (sum != bytes) {
      throw TraceInputError(where(all.front().row) + ": the trace cuts this flow into " +
                            std::to_string(sum) + " bytes, the workload flow has " +
                            std::to_string(bytes) + " bytes");
    }
    return;
  }
  long double total = 0;
  for (const Piece& p : all) total += p.weight;
  std::int64_t given = 0;
  for (const Piece& p : all) {
    const auto share = static_cast<std::int64_t>(
        std::floor(static_cast<long double>(bytes) * static_cast<long double>(p.weight) / total));
    out.push_back(std::clamp<std::int64_t>(share, 0, bytes - given));
    given += out.back();
  }
  for (std::size_t i = 0; given < bytes; i = (i + 1) % out.size(), ++given) ++out[i];
}

void ReplayTable::require_flows(
    const std::function<std::uint32_t(std::uint32_t, std::uint32_t)>& flows) const {
  // The lowest such row, so the message names the first bad row of the file.
  const std::pair<const Key, Flow>* bad = nullptr;
  for (const auto& entry : flows_) {
    const auto [src, dst, index] = entry.first;
    if (index < flows(src, dst)) continue;
    if (bad == nullptr ||
        pieces_[entry.second.first_piece].row < pieces_[bad->second.first_piece].row)
      bad = &entry;
  }
  if (bad == nullptr) return;
  const auto [src, dst, index] = bad->first;
  throw TraceInputError(where(pieces_[bad->second.first_piece].row) +
                        ": unknown flow: the workload has " + std::to_string(flows(src, dst)) +
                        " flow(s) from host " + std::to_string(src) + " to host " +
                        std::to_string(dst) + ", this row is for index " + std::to_string(index));
}

void ReplayTable::index_choices(const DecisionTrace& trace) {
  std::uint32_t flows = 0;
  for (const TraceDecision& d : trace.decisions) flows = std::max(flows, d.flow_id + 1);
  flow_src_.assign(flows, 0);
  flow_dst_.assign(flows, 0);
  for (const TraceDecision& d : trace.decisions) {
    if (d.app_flow >= first_flow_.size()) first_flow_.resize(d.app_flow + 1, UINT32_MAX);
    first_flow_[d.app_flow] = std::min(first_flow_[d.app_flow], d.flow_id - d.subflow);
    flow_src_[d.flow_id] = d.src_host;
    flow_dst_[d.flow_id] = d.dst_host;
  }
  packets_ = choices_of(trace.packets, flows);
  hops_ = choices_of(trace.hops, flows);
}

ReplayTable::Choices ReplayTable::choices_of(const TraceChoices& log, std::uint32_t flows) const {
  // Counting sort by (flow, direction); within one, the file's (call) order.
  Choices out;
  out.offset.assign(2 * std::size_t{flows} + 1, 0);
  for (std::size_t i = 0; i < log.value.size(); ++i) {
    if (log.flow_id[i] >= flows) {
      throw TraceInputError(file_ + ": a per-packet record names flow " +
                            std::to_string(log.flow_id[i]) +
                            ", which /routing/decisions does not have");
    }
    ++out.offset[2 * std::size_t{log.flow_id[i]} + log.reverse[i] + 1];
  }
  std::partial_sum(out.offset.begin(), out.offset.end(), out.offset.begin());
  std::vector<std::uint32_t> next(out.offset.begin(), out.offset.end() - 1);
  out.values.resize(log.value.size());
  for (std::size_t i = 0; i < log.value.size(); ++i) {
    out.values[next[2 * std::size_t{log.flow_id[i]} + log.reverse[i]]++] = log.value[i];
  }
  return out;
}

std::span<const std::uint32_t> ReplayTable::recorded(const FlowKey& flow,
                                                     const Choices& choices) const {
  if (choices.values.empty() || flow.app_flow >= first_flow_.size()) return {};
  const std::uint64_t id = std::uint64_t{first_flow_[flow.app_flow]} + flow.subflow;
  if (id >= flow_src_.size()) return {};
  const std::uint32_t src = flow.reverse ? flow.dst_host : flow.src_host;
  const std::uint32_t dst = flow.reverse ? flow.src_host : flow.dst_host;
  if (flow_src_[id] != src || flow_dst_[id] != dst) {
    throw TraceInputError(file_ + ": the per-packet records of flow " + std::to_string(id) +
                          " are for host " + std::to_string(flow_src_[id]) + " to host " +
                          std::to_string(flow_dst_[id]) + ", but this run's flow joins host " +
                          std::to_string(src) + " to host " + std::to_string(dst) +
                          " (per-packet records replay only in the scenario that recorded them)");
  }
  const std::size_t k = 2 * id + (flow.reverse ? 1 : 0);
  return {choices.values.data() + choices.offset[k], choices.offset[k + 1] - choices.offset[k]};
}

void Replay::plan(std::span<const StepFlow> flows, const Router& router, StepPlan& out) const {
  // The flows the trace has no row for are planned together by the fallback, as a step of
  // their own.
  std::vector<StepFlow> rest;
  std::vector<const ReplayTable::Flow*> traced(flows.size(), nullptr);
  for (std::size_t i = 0; i < flows.size(); ++i) {
    const StepFlow& f = flows[i];
    traced[i] = table_->find(f.src_host, f.dst_host, f.index);
    if (traced[i] != nullptr) continue;
    if (!fallback_) {
      throw TraceInputError(table_->file() + ": no row for the workload flow from host " +
                            std::to_string(f.src_host) + " to host " + std::to_string(f.dst_host) +
                            " index " + std::to_string(f.index) + " (" + std::to_string(f.bytes) +
                            " bytes); add one, or name a policy for such flows in "
                            "routing.fallback");
    }
    rest.push_back(f);
  }
  StepPlan rest_plan;
  if (!rest.empty()) fallback_->plan(rest, router, rest_plan);
  const std::span<const StepPlan::Piece> rest_pieces = rest_plan.pieces();
  std::size_t next_rest = 0;    // the next fallback piece
  std::uint32_t rest_flow = 0;  // the fallback's flow index of the next untraced flow
  std::vector<std::int64_t> bytes;
  for (std::size_t i = 0; i < flows.size(); ++i) {
    const auto flow = static_cast<std::uint32_t>(i);
    if (traced[i] == nullptr) {
      for (; next_rest < rest_pieces.size() && rest_pieces[next_rest].flow == rest_flow;
           ++next_rest) {
        const StepPlan::Piece& p = rest_pieces[next_rest];
        const std::span<const PathShare> shares = rest_plan.shares(p);
        if (shares.empty()) {
          out.add(flow, p.bytes);
        } else {
          out.add(flow, p.bytes, shares);
        }
      }
      ++rest_flow;
      continue;
    }
    const StepFlow& f = flows[i];
    table_->cut(*traced[i], f.bytes, bytes);
    const Candidates live = router.candidates(f.src_host, f.dst_host);
    const std::span<const ReplayTable::Piece> pieces = table_->pieces(*traced[i]);
    for (std::size_t k = 0; k < pieces.size(); ++k) {
      const std::span<const PathShare> shares = table_->shares(pieces[k]);
      for (const PathShare& s : shares) {
        if (contains(live, s.path)) continue;
        throw TraceInputError(table_->where(pieces[k].row) + ": path " + std::to_string(s.path) +
                              " crosses a link that is down when the flow from host " +
                              std::to_string(f.src_host) + " to host " +
                              std::to_string(f.dst_host) + " starts");
      }
      out.add(flow, bytes[k], shares);
    }
  }
}

void Replay::check_packet_model() const {
  if (table_->spreads() && !table_->per_packet()) {
    throw TraceInputError(
        table_->where(table_->spread_row()) +
        ": this flow spreads over several paths, and the packet model replays a spread only "
        "from per-packet records (record the run in the packet model with routing: {record: "
        "packets})");
  }
  if (fallback_ && fallback_->per_packet() && !table_->per_packet()) {
    throw TraceInputError(table_->file() +
                          ": routing.fallback routes packets one by one but the trace routes "
                          "whole flows; in the packet model give a fallback that routes whole "
                          "flows (ecmp, split)");
  }
}

std::uint32_t Replay::most_subflows(std::uint32_t uplinks, std::uint32_t paths) const {
  return std::max(table_->most_pieces(), fallback_ ? fallback_->most_subflows(uplinks, paths) : 1);
}

void Replay::choose(const FlowKey& flow, Candidates candidates, std::vector<PathShare>& out) const {
  if (fallback_) {
    fallback_->choose(flow, candidates, out);
  } else {
    ecmp_.choose(flow, candidates, out);
  }
}

topo::PathId Replay::choose_packet(const PacketContext& context, PacketRouteState& state) const {
  const std::span<const std::uint32_t> recorded = table_->packet_choices(context.flow);
  if (state.replayed >= recorded.size() && fallback_ && fallback_->per_packet()) {
    return fallback_->choose_packet(context, state);
  }
  const topo::PathId path = state.replayed < recorded.size()
                                ? recorded[state.replayed++]
                                : ecmp_.hashed(context.flow, context.candidates);
  state.path = path;
  ++state.packets;
  state.last = context.now;
  return path;
}

std::uint32_t Replay::choose_hop(const HopContext& context) const {
  PacketRouteState& state = context.state;
  const std::span<const std::uint32_t> recorded = table_->hop_choices(context.flow);
  if (state.hops_replayed < recorded.size()) {
    const topo::LinkId link = recorded[state.hops_replayed++];
    const auto it = std::find(context.next_hops.begin(), context.next_hops.end(), link);
    if (it != context.next_hops.end())
      return static_cast<std::uint32_t>(it - context.next_hops.begin());
  }
  return fallback_ && fallback_->per_hop() ? fallback_->choose_hop(context) : 0;
}

}  // namespace fabricsim::routing
