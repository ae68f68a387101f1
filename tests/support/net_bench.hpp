#pragma once
// A packet model on a leaf-spine, driven directly (no engine), for tests in tests/net/.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "net/packet_model.hpp"
#include "topo/leaf_spine.hpp"

namespace fabricsim::net {

/// A scripted action at a time (NetBench::at): calls its lambda when the event fires.
class Action : public core::Handler {
 public:
  explicit Action(std::function<void()> action) : action_(std::move(action)) {}
  void on_event(std::uint32_t, core::Time) override { action_(); }

 private:
  std::function<void()> action_;
};

/// Builds the fabric and the model, starts flows with distinct tuples, records deliveries.
class NetBench : public model::DeliveryListener {
 public:
  NetBench(const topo::LeafSpineSpec& spec, const std::string& policy, const PacketParams& params)
      : fabric(topo::build_leaf_spine(spec)),
        policy_(routing::make_policy({.name = policy})),
        router(fabric, *policy_),
        model(queue, fabric, router, params, *this) {}

  void on_delivered(std::uint32_t flow, std::int64_t end_ps) override { delivered[flow] = end_ps; }

  std::uint32_t start(std::uint32_t src, std::uint32_t dst, std::int64_t bytes) {
    const auto port = static_cast<std::uint32_t>(started_++);
    return model.start_flow(src, dst, core::Bytes(bytes), {src, dst, port, 0});
  }

  /// Runs to the end; returns the most events ever pending at once.
  std::size_t run() {
    std::size_t most = queue.pending();
    while (queue.run_next()) most = std::max(most, queue.pending());
    return most;
  }

  /// Runs `action` at `when` (>= queue.now()), e.g. a link failure mid-flow.
  void at(core::Time when, std::function<void()> action) {
    actions_.push_back(std::make_unique<Action>(std::move(action)));
    queue.schedule(when, *actions_.back());
  }

  /// Routing learns that `link` is up or down (Router::believe of that one link).
  bool believe(topo::LinkId link, bool up) {
    return router.believe(std::span<const topo::LinkId>(&link, 1), up);
  }

  /// Conservation: every flow delivered all it asked for, once; every link delivered at its
  /// far end all it put on the wire, but for what it lost when it went down; and the wire
  /// bytes hosts handed to their uplinks equal the wire bytes hosts received plus every byte
  /// dropped.
  void expect_conserved() {
    for (std::uint32_t f = 0; f < started_; ++f) {
      const FlowStats& s = model.flow(f);
      EXPECT_EQ(s.sent_bytes, s.bytes) << "flow " << f;
      EXPECT_EQ(s.delivered_bytes, s.bytes) << "flow " << f;
      EXPECT_EQ(s.delivered_packets, s.packets) << "flow " << f;
      EXPECT_EQ(s.end.ps(), delivered.at(f)) << "flow " << f;
    }
    const std::span<const LinkStats> links = model.links();
    // tx counts a packet when its serialization starts, rx when it reaches the far end: a
    // packet started and then lost with its link (PacketModel::set_link) is in tx and in
    // lost_bytes, never in rx. Without failures lost_bytes is 0: tx = rx.
    std::int64_t handed = 0;
    std::int64_t received = 0;
    std::int64_t dropped = 0;
    for (std::size_t l = 0; l < links.size(); ++l) {
      EXPECT_EQ(links[l].tx_bytes, links[l].rx_bytes + links[l].lost_bytes) << "link " << l;
      EXPECT_LE(links[l].lost_bytes, links[l].dropped_bytes) << "link " << l;
      EXPECT_EQ(links[l].queue_bytes, 0) << "link " << l;
      dropped += links[l].dropped_bytes;
    }
    // What a host hands its uplink either starts (tx) or is dropped there before it starts
    // (dropped - lost: waiting, or refused, while the uplink was down). Switch ports' drops
    // need no such term: what they drop some host's uplink sent. Without failures no uplink
    // drops anything and this is sent (uplink tx) = received + dropped.
    for (std::uint32_t h = 0; h < fabric.host_count(); ++h) {
      const LinkStats& up = links[fabric.host_uplink[h]];
      handed += up.tx_bytes + (up.dropped_bytes - up.lost_bytes);
      received += links[fabric.host_downlink[h]].rx_bytes;
    }
    EXPECT_EQ(handed, received + dropped);
    EXPECT_EQ(model.active_flows(), 0u);
  }

  std::uint32_t started() const { return started_; }

  topo::Fabric fabric;
  core::EventQueue queue;

 private:
  std::unique_ptr<routing::Policy> policy_;
  std::uint32_t started_ = 0;
  std::vector<std::unique_ptr<Action>> actions_;

 public:
  routing::Router router;
  PacketModel model;
  std::map<std::uint32_t, std::int64_t> delivered;
};

}  // namespace fabricsim::net
