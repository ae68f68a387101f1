#include "net/params.hpp"

namespace fabricsim::net {
namespace {

constexpr TransportInfo kTransports[] = {
    {"ideal", "no congestion control and no ACKs: line rate into unlimited buffers"},
    {"dctcp",
     "window with ECN-fraction decrease (alpha), selective ACKs, loss detection by send time "
     "that tolerates reordering, tail-loss probes, retransmission timeout with a floor"},
};

}  // namespace

std::span<const TransportInfo> transports() { return kTransports; }

}  // namespace fabricsim::net
