#include "io/hdf5_writer.hpp"

#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "io/hdf5_columns.hpp"
#include "io/hdf5_topology.hpp"
#include "metrics/moe_stats.hpp"

namespace fabricsim::io {
namespace {

namespace fs = std::filesystem;

// Why: HDF5 1.10 closes every file still open at exit, and a file whose final flush failed
// (a full disk) stays registered half torn down, so that close dereferences freed memory
// and the process dies by SIGSEGV after reporting the error. Every handle here is closed
// explicitly, so the exit-time sweep has nothing to do; turning it off (before the first
// HDF5 call, hence at static initialisation) makes a failed write end with its message.
[[maybe_unused]] const bool kNoExitSweep = H5dont_atexit() >= 0;

void write_root_attributes(hid_t file, const metrics::RunInfo& info) {
  write_attribute(file, "schema_version", static_cast<std::int32_t>(kSchemaVersion));
  write_attribute(file, "fabricsim_version", std::string(FABRICSIM_VERSION));
  write_attribute(file, "git_sha", std::string(FABRICSIM_GIT_SHA));
  write_attribute(file, "name", info.name);
  write_attribute(file, "scenario_yaml", info.scenario_yaml);
  write_attribute(file, "overrides", info.overrides);
  write_attribute(file, "seed", info.seed);
  write_attribute(file, "model", info.model);
  write_attribute(file, "status", info.status);
  write_attribute(file, "sim_end_ps", info.sim_end_ps);
  write_attribute(file, "events", info.events);
  write_attribute(file, "wall_seconds", info.wall_seconds);
  write_attribute(file, "warnings", info.warnings);
  write_attribute(file, "command_line", info.command_line);
  write_attribute(file, "start_time_utc", info.start_time_utc);
  write_attribute(file, "host_name", info.host_name);
}

void write_inputs(hid_t file, const std::vector<metrics::InputFile>& inputs) {
  using metrics::InputFile;
  const Handle g = create_group(file, "inputs");
  write_column(g.get(), "role", column(inputs, &InputFile::role), "text");
  write_column(g.get(), "path", column(inputs, &InputFile::path), "text");
  write_column(g.get(), "bytes", column(inputs, &InputFile::bytes), "bytes");
  write_column(g.get(), "sha256", column(inputs, &InputFile::sha256), "text");
}

void write_flows(hid_t file, const std::vector<metrics::FlowRecord>& flows) {
  using metrics::FlowRecord;
  const Handle g = create_group(file, "flows");
  write_column(g.get(), "id", column(flows, &FlowRecord::id), "id");
  write_column(g.get(), "src", column(flows, &FlowRecord::src), "id");
  write_column(g.get(), "dst", column(flows, &FlowRecord::dst), "id");
  write_column(g.get(), "bytes", column(flows, &FlowRecord::bytes), "bytes");
  write_column(g.get(), "start_ps", column(flows, &FlowRecord::start_ps), "ps");
  write_column(g.get(), "end_ps", column(flows, &FlowRecord::end_ps), "ps");
  write_column(g.get(), "step_id", column(flows, &FlowRecord::step_id), "id");
  write_column(g.get(), "app_flow", column(flows, &FlowRecord::app_flow), "id");
  write_column(g.get(), "path_id", column(flows, &FlowRecord::path_id), "id");
  write_column(g.get(), "packets", column(flows, &FlowRecord::packets), "packets");
  write_column(g.get(), "retransmits", column(flows, &FlowRecord::retransmits), "packets");
  write_column(g.get(), "reordered_packets", column(flows, &FlowRecord::reordered_packets),
               "packets");
  write_column(g.get(), "max_reorder", column(flows, &FlowRecord::max_reorder), "packets");
  write_column(g.get(), "probes", column(flows, &FlowRecord::probes), "expiries");
  write_column(g.get(), "timeouts", column(flows, &FlowRecord::timeouts), "expiries");
}

void write_app_flows(hid_t file, const std::vector<metrics::AppFlowRecord>& flows) {
  using metrics::AppFlowRecord;
  const Handle g = create_group(file, "app_flows");
  write_column(g.get(), "id", column(flows, &AppFlowRecord::id), "id");
  write_column(g.get(), "src", column(flows, &AppFlowRecord::src), "id");
  write_column(g.get(), "dst", column(flows, &AppFlowRecord::dst), "id");
  write_column(g.get(), "bytes", column(flows, &AppFlowRecord::bytes), "bytes");
  write_column(g.get(), "start_ps", column(flows, &AppFlowRecord::start_ps), "ps");
  write_column(g.get(), "end_ps", column(flows, &AppFlowRecord::end_ps), "ps");
  write_column(g.get(), "subflows", column(flows, &AppFlowRecord::subflows), "1");
  write_column(g.get(), "step_id", column(flows, &AppFlowRecord::step_id), "id");
}

void write_steps(hid_t file, const std::vector<metrics::StepRecord>& steps) {
  using metrics::StepRecord;
  const Handle g = create_group(file, "steps");
  write_column(g.get(), "id", column(steps, &StepRecord::id), "id");
  write_column(g.get(), "workload", column(steps, &StepRecord::workload), "id");
  write_column(g.get(), "kind", column(steps, &StepRecord::kind), "text");
  write_column(g.get(), "layer", column(steps, &StepRecord::layer), "index");
  write_column(g.get(), "iteration", column(steps, &StepRecord::iteration), "index");
  write_column(g.get(), "start_ps", column(steps, &StepRecord::start_ps), "ps");
  write_column(g.get(), "end_ps", column(steps, &StepRecord::end_ps), "ps");
  write_column(g.get(), "bound_ps", column(steps, &StepRecord::bound_ps), "ps");
  write_column(g.get(), "bound_by", column(steps, &StepRecord::bound_by), "text");
  write_column(g.get(), "bound_node", column(steps, &StepRecord::bound_node), "id");
}

// /links/summary; /links/events when the scenario changed links; /links/series when
// something was sampled: time_ps [T] and the [T x L] matrices, L = the fabric's links.
void write_links(hid_t file, std::size_t link_count, const std::vector<metrics::LinkRecord>& links,
                 const std::vector<metrics::LinkEventRecord>& events,
                 const metrics::LinkSeries& series) {
  using metrics::LinkRecord;
  const Handle g = create_group(file, "links");
  const Handle summary = create_group(g.get(), "summary");
  write_column(summary.get(), "link_id", column(links, &LinkRecord::link_id), "id");
  write_column(summary.get(), "tx_bytes", column(links, &LinkRecord::tx_bytes), "bytes");
  write_column(summary.get(), "busy_fraction", column(links, &LinkRecord::busy_fraction),
               "fraction");
  write_column(summary.get(), "max_queue_bytes", column(links, &LinkRecord::max_queue_bytes),
               "bytes");
  write_column(summary.get(), "drops", column(links, &LinkRecord::drops), "packets");
  write_column(summary.get(), "dropped_bytes", column(links, &LinkRecord::dropped_bytes), "bytes");
  write_column(summary.get(), "ecn_marks", column(links, &LinkRecord::ecn_marks), "packets");
  write_column(summary.get(), "lost_bytes", column(links, &LinkRecord::lost_bytes), "bytes");
  if (!events.empty()) {
    using metrics::LinkEventRecord;
    const Handle e = create_group(g.get(), "events");
    write_column(e.get(), "time_ps", column(events, &LinkEventRecord::time_ps), "ps");
    write_column(e.get(), "link_id", column(events, &LinkEventRecord::link_id), "id");
    write_column(e.get(), "kind", column(events, &LinkEventRecord::kind), "text");
    write_column(e.get(), "value", column(events, &LinkEventRecord::value), "bps");
  }

  if (series.time_ps.empty()) return;
  const std::size_t samples = series.time_ps.size();
  if (series.queue_bytes.size() != samples * link_count ||
      series.tx_bytes.size() != samples * link_count) {
    throw WriteFailure("link series holds " + std::to_string(series.queue_bytes.size()) + " and " +
                       std::to_string(series.tx_bytes.size()) + " cells, expected " +
                       std::to_string(samples) + " samples x " + std::to_string(link_count) +
                       " links");
  }
  const Handle g_series = create_group(g.get(), "series");
  write_column(g_series.get(), "time_ps", series.time_ps, "ps");
  const auto matrix = [&](const char* name, const std::vector<std::int64_t>& data) {
    write_dataset(g_series.get(), name, TypeOf<std::int64_t>::mem(), TypeOf<std::int64_t>::file(),
                  {samples, link_count}, data.data(), "bytes");
  };
  matrix("queue_bytes", series.queue_bytes);
  matrix("tx_bytes", series.tx_bytes);
}

// /moe/w<k>/: per workload, dense cubes over [iterations x layers]: expert_tokens [.. x experts],
// gpu_tokens [.. x GPUs], dropped_tokens, and the imbalance of each layer (max/mean and Gini of
// the expert tokens, max/mean of the GPU tokens). Cells with no record stay 0; several
// records for one cell add up.
void write_moe(hid_t file, const std::vector<metrics::ExpertTokens>& records) {
  if (records.empty()) return;
  std::map<std::uint32_t, std::vector<const metrics::ExpertTokens*>> by_workload;
  for (const auto& r : records) {
    if (r.layer < 0 || r.iteration < 0) {
      throw WriteFailure("expert_tokens record of workload " + std::to_string(r.workload) +
                         " has a negative layer or iteration");
    }
    by_workload[r.workload].push_back(&r);
  }
  const Handle moe = create_group(file, "moe");
  for (const auto& [workload, rows] : by_workload) {
    std::size_t iterations = 0, layers = 0, experts = 0, gpus = 0;
    for (const auto* r : rows) {
      iterations = std::max(iterations, static_cast<std::size_t>(r->iteration) + 1);
      layers = std::max(layers, static_cast<std::size_t>(r->layer) + 1);
      experts = std::max(experts, r->tokens.size());
      gpus = std::max(gpus, r->gpu_tokens.size());
    }
    const std::size_t cells = iterations * layers;
    std::vector<std::int64_t> expert_cube(cells * experts, 0), gpu_cube(cells * gpus, 0),
        dropped(cells, 0);
    for (const auto* r : rows) {
      const std::size_t cell =
          static_cast<std::size_t>(r->iteration) * layers + static_cast<std::size_t>(r->layer);
      for (std::size_t e = 0; e < r->tokens.size(); ++e)
        expert_cube[cell * experts + e] += r->tokens[e];
      for (std::size_t g = 0; g < r->gpu_tokens.size(); ++g)
        gpu_cube[cell * gpus + g] += r->gpu_tokens[g];
      dropped[cell] += r->dropped;
    }
    std::vector<double> max_mean(cells), gini(cells), gpu_max_mean(cells);
    for (std::size_t c = 0; c < cells; ++c) {
      const std::span<const std::int64_t> row(expert_cube.data() + c * experts, experts);
      max_mean[c] = metrics::max_over_mean(row);
      gini[c] = metrics::gini(row);
      gpu_max_mean[c] = metrics::max_over_mean({gpu_cube.data() + c * gpus, gpus});
    }
    const Handle g = create_group(moe.get(), "w" + std::to_string(workload));
    const auto cube = [&](const char* name, const auto& data, std::vector<hsize_t> shape,
                          const char* units) {
      using T = typename std::decay_t<decltype(data)>::value_type;
      write_dataset(g.get(), name, TypeOf<T>::mem(), TypeOf<T>::file(), shape, data.data(), units);
    };
    cube("expert_tokens", expert_cube, {iterations, layers, experts}, "tokens");
    cube("gpu_tokens", gpu_cube, {iterations, layers, gpus}, "tokens");
    cube("dropped_tokens", dropped, {iterations, layers}, "tokens");
    cube("max_over_mean", max_mean, {iterations, layers}, "1");
    cube("gini", gini, {iterations, layers}, "1");
    cube("gpu_max_over_mean", gpu_max_mean, {iterations, layers}, "1");
  }
}

// /routing when the run recorded its routing: attributes record, policy, per_packet, per_hop;
// /routing/decisions; with record: packets, /routing/packets and /routing/hops.
void write_routing(hid_t file, const metrics::RoutingRecord& routing) {
  if (routing.record == "none") return;
  using metrics::RoutingChoice;
  using metrics::RoutingDecision;
  const Handle g = create_group(file, "routing");
  write_attribute(g.get(), "record", routing.record);
  write_attribute(g.get(), "policy", routing.policy);
  write_attribute(g.get(), "per_packet", static_cast<std::int32_t>(routing.per_packet));
  write_attribute(g.get(), "per_hop", static_cast<std::int32_t>(routing.per_hop));
  const std::vector<RoutingDecision>& rows = routing.decisions;
  const Handle d = create_group(g.get(), "decisions");
  write_column(d.get(), "flow_id", column(rows, &RoutingDecision::flow_id), "id");
  write_column(d.get(), "app_flow", column(rows, &RoutingDecision::app_flow), "id");
  write_column(d.get(), "subflow", column(rows, &RoutingDecision::subflow), "index");
  write_column(d.get(), "path_id", column(rows, &RoutingDecision::path_id), "id");
  write_column(d.get(), "fraction", column(rows, &RoutingDecision::fraction), "fraction");
  write_column(d.get(), "bytes", column(rows, &RoutingDecision::bytes), "bytes");
  if (routing.record != "packets") return;
  const auto choices = [&](const char* name, const std::vector<RoutingChoice>& log,
                           const char* value) {
    const Handle t = create_group(g.get(), name);
    write_column(t.get(), "flow_id", column(log, &RoutingChoice::flow_id), "id");
    write_column(t.get(), "reverse", column(log, &RoutingChoice::reverse), "bool");
    write_column(t.get(), value, column(log, &RoutingChoice::value), "id");
  };
  choices("packets", routing.packets, "path_id");
  choices("hops", routing.hops, "link_id");
}

// Writes the complete file at `file_path`; every handle is closed before it returns, the
// groups (scoped in each write_*) before the file. The file is closed "strong", so even an
// object a failed write left open is closed with it.
void write_file(const std::string& file_path, const topo::Fabric& fabric,
                const metrics::Results& results, const std::function<void()>& after_create) {
  Handle access = owned(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "H5Pcreate(file access)");
  check(H5Pset_fclose_degree(access.get(), H5F_CLOSE_STRONG), "H5Pset_fclose_degree");
  Handle file = owned(H5Fcreate(file_path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()),
                      H5Fclose, "H5Fcreate");
  check(access.close(), "H5Pclose(file access)");
  write_root_attributes(file.get(), results.info);
  if (after_create) after_create();
  write_inputs(file.get(), results.info.inputs);
  std::vector<topo::PathId> used_paths;
  for (const metrics::FlowRecord& f : results.flows) {
    if (f.path_id >= 0) used_paths.push_back(static_cast<topo::PathId>(f.path_id));
  }
  // Every path the routing record names, so that it resolves past the listing limit.
  for (const metrics::RoutingDecision& d : results.routing.decisions)
    used_paths.push_back(d.path_id);
  for (const metrics::RoutingChoice& c : results.routing.packets) used_paths.push_back(c.value);
  write_topology(file.get(), fabric, std::move(used_paths));
  write_app_flows(file.get(), results.app_flows);
  write_flows(file.get(), results.flows);
  write_steps(file.get(), results.steps);
  write_links(file.get(), fabric.links.size(), results.links, results.link_events,
              results.link_series);
  write_moe(file.get(), results.expert_tokens);
  write_routing(file.get(), results.routing);
  check(file.close(), "H5Fclose");
}

// Removes a leftover partial file, but never a folder that happens to carry its name.
void discard(const fs::path& partial) {
  std::error_code ec;
  if (fs::is_regular_file(partial, ec)) fs::remove(partial, ec);
}

}  // namespace

std::string partial_path(const std::string& path) {
  return path + "." + std::to_string(::getpid()) + ".partial";
}

void write_results(const std::string& path, const topo::Fabric& fabric,
                   const metrics::Results& results, const std::function<void()>& after_create) {
  if (path.empty()) throw OutputError("cannot write results: empty output path");
  const std::string failed = "cannot write results to '" + path + "': ";
  std::error_code ec;
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) {
    fs::create_directories(parent, ec);
    if (ec) {
      throw OutputError(failed + "cannot create folder '" + parent.string() + "': " + ec.message());
    }
  }
  // Errors are reported through OutputError; HDF5's own stderr dump would only add noise.
  if (H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr) < 0) {
    throw OutputError(failed + "cannot turn off HDF5's error printing");
  }

  const std::string partial = partial_path(path);
  try {
    write_file(partial, fabric, results, after_create);
  } catch (const WriteFailure& e) {
    discard(partial);
    throw OutputError(failed + e.what());
  } catch (...) {
    discard(partial);
    throw;
  }
  fs::rename(partial, path, ec);
  if (ec) {
    discard(partial);
    throw OutputError(failed + "cannot rename '" + partial + "' onto it: " + ec.message());
  }
}

}  // namespace fabricsim::io
