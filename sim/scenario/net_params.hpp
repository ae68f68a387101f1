#pragma once
// Internal to scenario/: the `transport:` and `switch:` blocks (packet model parameters),
// read from a tree and written back by to_yaml().
#include "net/params.hpp"
#include "scenario/tree.hpp"

namespace YAML {
class Emitter;
}

namespace fabricsim::scenario {

net::TransportParams read_transport(const Tree& t);
/// `mtu` is the transport's: a port buffer must hold at least one packet.
net::SwitchParams read_switch(const Tree& t, core::Bytes mtu);

void emit_transport(YAML::Emitter& out, const net::TransportParams& transport);
void emit_switch(YAML::Emitter& out, const net::SwitchParams& switches);

}  // namespace fabricsim::scenario
