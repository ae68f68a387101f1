#pragma once
// Internal to scenario/: the reader and the YAML emitter of each workload kind. Each family
// of kinds lives in its own file (workload_*.cpp); read_workload() dispatches on `kind` and
// to_yaml() on the spec type.
#include <cstdint>
#include <string>

#include "scenario/tree.hpp"
#include "traffic/workload.hpp"

namespace YAML {
class Emitter;
}

namespace fabricsim::scenario {

/// Reads `placement:` of a workload item (absent: every host, contiguous).
traffic::Placement read_placement(const Tree& item, const std::string& path, std::uint32_t hosts);
void emit_placement(YAML::Emitter& out, const traffic::Placement& placement);
/// The shortest decimal text that reads back as exactly `v`.
std::string exact_number(double v);
/// Reads `order:` of a workload item (absent: staggered).
traffic::SendOrder read_send_order(const Tree& item, const std::string& path);

traffic::PermutationSpec read_permutation(const Tree& item, const std::string& path,
                                          std::uint32_t hosts);
traffic::AllToAllSpec read_all_to_all(const Tree& item, const std::string& path,
                                      std::uint32_t hosts);
/// all_reduce, reduce_scatter, all_gather (`kind` says which).
traffic::CollectiveSpec read_collective(const Tree& item, const std::string& path,
                                        std::uint32_t hosts, const std::string& kind);
traffic::MoeSpec read_moe(const Tree& item, const std::string& path, std::uint32_t hosts);
traffic::ConnectionMatrixSpec read_connection_matrix(const Tree& item, const std::string& path,
                                                     std::uint32_t hosts);
traffic::BackgroundSpec read_background(const Tree& item, const std::string& path,
                                        std::uint32_t hosts);

void emit_workload(YAML::Emitter& out, const traffic::PermutationSpec& spec);
void emit_workload(YAML::Emitter& out, const traffic::AllToAllSpec& spec);
void emit_workload(YAML::Emitter& out, const traffic::CollectiveSpec& spec);
void emit_workload(YAML::Emitter& out, const traffic::MoeSpec& spec);
void emit_workload(YAML::Emitter& out, const traffic::ConnectionMatrixSpec& spec);
void emit_workload(YAML::Emitter& out, const traffic::BackgroundSpec& spec);

}  // namespace fabricsim::scenario
