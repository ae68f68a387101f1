#include "io/moe_trace.hpp"

namespace fabricsim::io {

traffic::MoeTrace read_moe_trace(const std::string& path) {
  throw TraceError(path + ": MoE routing traces are being built");
}

}  // namespace fabricsim::io
