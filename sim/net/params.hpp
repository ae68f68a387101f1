#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/units.hpp"

namespace fabricsim::net {

/// How hosts send (`transport:` in a scenario). Packets are at most `mtu` bytes on the wire,
/// `header` of them headers; ACKs are header-only packets.
struct TransportParams {
  std::string kind = "ideal";  // a name from transports()
  core::Bytes mtu{4096};
  core::Bytes header{64};
  // dctcp only:
  core::Bytes initial_window{0};           // 0 = one bandwidth-delay product of the flow's route
  core::Time min_rto = core::Time::ms(1);  // retransmission timeout floor
  std::uint32_t reorder_threshold = 128;  // packets: a hole is lost once an ACK is this far past it
  // how overdue a packet must be, once a packet sent after it is acknowledged, to count as
  // lost; nullopt = auto: srtt + 4 rttvar (see WindowSender)
  std::optional<core::Time> reorder_window;
  bool tail_loss_probe = true;  // resend after max(2 srtt, srtt + 4 rttvar) of silence
  double gain = 1.0 / 16;       // g of the ECN-fraction average alpha

  bool operator==(const TransportParams&) const = default;
};

/// ECN marking on the instantaneous queue of a switch output port, at enqueue: never below
/// `kmin`, with probability rising linearly to `pmax` at `kmax`, always above `kmax`
/// (kmin == kmax is DCTCP's step marking at K).
struct EcnParams {
  core::Bytes kmin = core::Bytes(100 << 10);
  core::Bytes kmax = core::Bytes(100 << 10);
  double pmax = 1.0;

  bool operator==(const EcnParams&) const = default;
};

/// Probability that a packet arriving at a queue of `backlog` bytes is marked.
inline double ecn_mark_probability(const EcnParams& ecn, std::int64_t backlog) {
  if (backlog <= ecn.kmin.count()) return 0.0;
  if (backlog > ecn.kmax.count()) return 1.0;
  return ecn.pmax * static_cast<double>(backlog - ecn.kmin.count()) /
         static_cast<double>(ecn.kmax.count() - ecn.kmin.count());
}

/// A shared-buffer switch: all its output ports draw on `size` bytes, and a port accepts a
/// packet only while its queue stays below alpha x (size - bytes used in the switch)
/// (the dynamic threshold).
struct SharedBufferParams {
  core::Bytes size = core::Bytes(16 << 20);
  double alpha = 1.0;

  bool operator==(const SharedBufferParams&) const = default;
};

/// Switch output ports (`switch:` in a scenario). Packets that do not fit are dropped
/// (drop-tail). The `ideal` transport ignores limits and marks: its buffers are unlimited.
struct SwitchParams {
  core::Time latency{};  // per switch crossed (store-and-forward)
  std::optional<core::Bytes> buffer_per_port = core::Bytes(1 << 20);  // nullopt: unlimited
  std::optional<SharedBufferParams> shared_buffer;                    // nullopt: off
  std::optional<EcnParams> ecn = EcnParams{};                         // nullopt: no marking

  bool operator==(const SwitchParams&) const = default;
};

/// A row of the transport table `fabricsim list` prints (the valid `transport.kind` values).
struct TransportInfo {
  std::string_view name;
  std::string_view help;
};
std::span<const TransportInfo> transports();

}  // namespace fabricsim::net
