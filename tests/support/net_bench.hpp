#pragma once
// A packet model on a leaf-spine, driven directly (no engine), for tests in tests/net/.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>

#include "net/packet_model.hpp"
#include "topo/leaf_spine.hpp"

namespace fabricsim::net {

/// Builds the fabric and the model, starts flows with distinct tuples, records deliveries.
class NetBench : public PacketListener {
 public:
  NetBench(const topo::LeafSpineSpec& spec, const std::string& policy, const PacketParams& params)
      : fabric(topo::build_leaf_spine(spec)),
        policy_(routing::make_policy({.name = policy})),
        router(fabric, *policy_),
        model(queue, fabric, router, params, *this) {}

  void on_flow_delivered(std::uint32_t flow, core::Time now) override { delivered[flow] = now.ps(); }

  std::uint32_t start(std::uint32_t src, std::uint32_t dst, std::int64_t bytes) {
    const auto port = static_cast<std::uint32_t>(started_++);
    return model.start_flow(src, dst, core::Bytes(bytes), {src, dst, port, 4791});
  }

  /// Runs to the end; returns the most events ever pending at once.
  std::size_t run() {
    std::size_t most = queue.pending();
    while (queue.run_next()) most = std::max(most, queue.pending());
    return most;
  }

  /// Conservation: every flow delivered all it asked for, once; every link delivered at its
  /// far end all it put on the wire; and the wire bytes hosts sent equal the wire bytes hosts
  /// received plus the bytes switches dropped.
  void expect_conserved() {
    for (std::uint32_t f = 0; f < started_; ++f) {
      const FlowStats& s = model.flow(f);
      EXPECT_EQ(s.sent_bytes, s.bytes) << "flow " << f;
      EXPECT_EQ(s.delivered_bytes, s.bytes) << "flow " << f;
      EXPECT_EQ(s.delivered_packets, s.packets) << "flow " << f;
      EXPECT_EQ(s.end.ps(), delivered.at(f)) << "flow " << f;
    }
    const std::span<const LinkStats> links = model.links();
    std::int64_t sent = 0;
    std::int64_t received = 0;
    std::int64_t dropped = 0;
    for (std::size_t l = 0; l < links.size(); ++l) {
      EXPECT_EQ(links[l].tx_bytes, links[l].rx_bytes) << "link " << l;
      EXPECT_EQ(links[l].queue_bytes, 0) << "link " << l;
      dropped += links[l].dropped_bytes;
    }
    for (std::uint32_t h = 0; h < fabric.host_count(); ++h) {
      sent += links[fabric.host_uplink[h]].tx_bytes;
      received += links[fabric.host_downlink[h]].rx_bytes;
    }
    EXPECT_EQ(sent, received + dropped);
    EXPECT_EQ(model.active_flows(), 0u);
  }

  std::uint32_t started() const { return started_; }

  topo::Fabric fabric;
  core::EventQueue queue;

 private:
  std::unique_ptr<routing::Policy> policy_;
  std::uint32_t started_ = 0;

 public:
  routing::Router router;
  PacketModel model;
  std::map<std::uint32_t, std::int64_t> delivered;
};

}  // namespace fabricsim::net
