#include <yaml-cpp/yaml.h>

#include "core/unit_parse.hpp"
#include "scenario/read.hpp"
#include "scenario/suggest.hpp"
#include "scenario/validate.hpp"
#include "scenario/workloads.hpp"

namespace fabricsim::scenario {

traffic::ConnectionMatrixSpec read_connection_matrix(const Tree& item, const std::string& path,
                                                     std::uint32_t) {
  fail(item.where(), path, "connection matrices are being built");
}

traffic::BackgroundSpec read_background(const Tree& item, const std::string& path, std::uint32_t) {
  fail(item.where(), path, "background traffic is being built");
}

void emit_workload(YAML::Emitter&, const traffic::ConnectionMatrixSpec&) {}
void emit_workload(YAML::Emitter&, const traffic::BackgroundSpec&) {}

}  // namespace fabricsim::scenario
