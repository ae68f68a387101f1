#include <algorithm>

#include "core/unit_parse.hpp"
#include "scenario/read.hpp"
#include "scenario/suggest.hpp"
#include "scenario/validate.hpp"
#include "scenario/workloads.hpp"

namespace fabricsim::scenario {
namespace {
const Keys kPermutationKeys{"kind", "bytes", "start", "placement"};
const Keys kPlacementKeys{"kind", "gpus", "first", "stride", "hosts"};
const Keys kPlacementKinds{"contiguous", "strided", "random", "listed"};
}  // namespace

traffic::Placement read_placement(const Tree& item, const std::string& path, std::uint32_t hosts) {
  traffic::Placement p;
  const Tree* t = item.find("placement");
  if (t == nullptr) return p;
  const std::string where = child(path, "placement");
  check_map(*t, where, kPlacementKeys);
  if (const Tree* v = t->find("kind")) {
    const std::string& kind = read_choice(*v, child(where, "kind"), "placement", kPlacementKinds);
    p.kind = static_cast<traffic::Placement::Kind>(
        std::find(kPlacementKinds.begin(), kPlacementKinds.end(), kind) - kPlacementKinds.begin());
  }
  if (const Tree* v = t->find("gpus"))
    p.gpus = static_cast<std::uint32_t>(read_count(*v, child(where, "gpus"), 0, hosts));
  if (const Tree* v = t->find("first"))
    p.first = static_cast<std::uint32_t>(read_count(*v, child(where, "first"), 0, hosts - 1));
  if (const Tree* v = t->find("stride")) p.stride = read_u32(*v, child(where, "stride"), 1);
  if (const Tree* v = t->find("hosts")) {
    if (!v->is_list())
      fail(v->where(), child(where, "hosts"),
           "expected a list of host indices, got " + describe(*v));
    for (std::size_t i = 0; i < v->items.size(); ++i) {
      p.hosts.push_back(static_cast<std::uint32_t>(
          read_count(v->items[i], child(child(where, "hosts"), std::to_string(i)), 0, hosts - 1)));
    }
  }
  const bool listed = p.kind == traffic::Placement::Kind::listed;
  if (listed != !p.hosts.empty()) {
    fail(t->where(), where,
         listed ? "kind: listed needs a non-empty `hosts` list" : "`hosts` goes with kind: listed");
  }
  const std::uint64_t n = traffic::placed_count(p, hosts);
  const std::uint64_t stride = p.kind == traffic::Placement::Kind::strided ? p.stride : 1;
  const bool fits =
      p.kind == traffic::Placement::Kind::random ? n <= hosts : p.first + (n - 1) * stride < hosts;
  if (!listed && !fits) {
    fail(t->where(), where,
         std::to_string(n) + " GPUs from host " + std::to_string(p.first) + " (stride " +
             std::to_string(stride) + ") run past the last host " + std::to_string(hosts - 1));
  }
  return p;
}

traffic::SendOrder read_send_order(const Tree& item, const std::string& path) {
  const Tree* v = item.find("order");
  if (v == nullptr) return traffic::SendOrder::staggered;
  Keys names;
  for (const traffic::SendOrder o : traffic::send_orders())
    names.emplace_back(traffic::send_order_name(o));
  const std::string& name = read_choice(*v, child(path, "order"), "send order", names);
  return name == traffic::send_order_name(traffic::SendOrder::staggered)
             ? traffic::SendOrder::staggered
             : traffic::SendOrder::synchronized;
}

traffic::PermutationSpec read_permutation(const Tree& item, const std::string& path,
                                          std::uint32_t hosts) {
  check_map(item, path, kPermutationKeys);
  traffic::PermutationSpec spec;
  if (const Tree* v = item.find("bytes")) spec.bytes = read_bytes(*v, child(path, "bytes"));
  if (const Tree* v = item.find("start")) spec.start = read_time(*v, child(path, "start"), true);
  spec.placement = read_placement(item, path, hosts);
  return spec;
}

const Keys& workload_kind_names() {
  static const Keys names = [] {
    Keys out;
    for (const traffic::WorkloadKind& kind : traffic::workload_kinds()) out.emplace_back(kind.name);
    return out;
  }();
  return names;
}

traffic::WorkloadSpec read_workload(const Tree& item, const std::string& path,
                                    std::uint32_t hosts) {
  if (!item.is_map()) {
    fail(item.where(), path,
         "expected a map with a kind (" + join(workload_kind_names()) + "), got " + describe(item));
  }
  const Tree* kind_node = item.find("kind");
  if (kind_node == nullptr) {
    fail(item.where(), path, "missing key 'kind' (valid: " + join(workload_kind_names()) + ")");
  }
  const std::string& kind =
      read_choice(*kind_node, child(path, "kind"), "workload kind", workload_kind_names());
  if (hosts < 2) {
    fail(kind_node->where(), child(path, "kind"),
         "a " + kind + " needs at least 2 hosts; the topology has " + std::to_string(hosts));
  }
  if (kind == "permutation") return read_permutation(item, path, hosts);
  if (kind == "all_to_all") return read_all_to_all(item, path, hosts);
  if (kind == "moe") return read_moe(item, path, hosts);
  if (kind == "connection_matrix") return read_connection_matrix(item, path, hosts);
  if (kind == "background") return read_background(item, path, hosts);
  return read_collective(item, path, hosts, kind);
}

}  // namespace fabricsim::scenario
