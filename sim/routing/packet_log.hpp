#pragma once
#include <cstdint>
#include <vector>

namespace fabricsim::routing {

/// One per-packet or per-hop choice a policy made: for which (sub)flow and direction, and
/// what it chose (a path id, or for a hop the link id the packet leaves by).
struct LoggedChoice {
  std::uint32_t app_flow;
  std::uint32_t subflow;
  std::uint32_t value;
  std::uint8_t reverse;
};

/// Every per-packet and per-hop choice of a run in call order (`routing: {record: packets}`):
/// the Router appends to it each time it asks the policy.
struct PacketLog {
  std::vector<LoggedChoice> packets;
  std::vector<LoggedChoice> hops;
};

}  // namespace fabricsim::routing
