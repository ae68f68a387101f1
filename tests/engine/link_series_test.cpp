// The packet model's link time series and counters, through the engine.
#include <gtest/gtest.h>

#include <algorithm>

#include "engine/simulation.hpp"
#include "support/small_fabric.hpp"

namespace fabricsim::engine {
namespace {

using core::Time;

/// 2 leaves x 1 spine x 2 hosts, 100 Gb/s: a 256 KiB all-to-all sends 4 flows up each
/// leaf's one uplink, fed by 2 host links, so the uplinks queue. With 2 spines and
/// spraying, packets of one flow take paths with different queues and arrive out of order.
scenario::Scenario oversubscribed(const std::string& model, Time interval, std::uint32_t spines = 1,
                                  const std::string& policy = "ecmp") {
  scenario::Scenario s = test_support::small_fabric(2, spines, 2, policy,
                                                    traffic::AllToAllSpec{core::Bytes(256 << 10)});
  s.model = model;
  s.output.sample_interval = interval;
  return s;
}

metrics::Results run(const scenario::Scenario& s) {
  Simulation sim(s);
  return sim.run();
}

TEST(LinkSeries, PacketModelSamplesEveryIntervalBeforeTheEndOfTheRun) {
  const std::int64_t interval = Time::us(2).ps();
  Simulation sim(oversubscribed("packet", Time::ps(interval)));
  const metrics::Results r = sim.run();
  ASSERT_EQ(r.info.status, "complete");
  const metrics::LinkSeries& s = r.link_series;
  // Samples at 0, 2, 4, ... us, all strictly before sim_end: ceil(sim_end / interval).
  const std::int64_t end = r.info.sim_end_ps;
  const auto samples = static_cast<std::size_t>((end + interval - 1) / interval);
  ASSERT_GE(samples, 10u);
  ASSERT_EQ(s.time_ps.size(), samples);
  for (std::size_t t = 0; t < samples; ++t)
    EXPECT_EQ(s.time_ps[t], static_cast<std::int64_t>(t) * interval);
  const std::size_t links = r.links.size();
  ASSERT_EQ(s.queue_bytes.size(), samples * links);
  ASSERT_EQ(s.tx_bytes.size(), samples * links);

  for (std::size_t l = 0; l < links; ++l) {
    EXPECT_EQ(s.tx_bytes[l], 0) << "nothing is sent at time 0, link " << l;
    for (std::size_t t = 1; t < samples; ++t) {
      EXPECT_GE(s.tx_bytes[t * links + l], s.tx_bytes[(t - 1) * links + l]) << "link " << l;
    }
    for (std::size_t t = 0; t < samples; ++t) {
      EXPECT_LE(s.queue_bytes[t * links + l], r.links[l].max_queue_bytes) << "link " << l;
    }
    EXPECT_LE(s.tx_bytes[(samples - 1) * links + l], r.links[l].tx_bytes) << "link " << l;
  }
  // Host uplinks carry their host's 3 flows from the first packet on.
  for (std::uint32_t h = 0; h < 4; ++h) {
    const std::size_t l = sim.fabric().host_uplink[h];
    EXPECT_GT(s.tx_bytes[(samples - 1) * links + l], s.tx_bytes[links + l]) << "host " << h;
    EXPECT_GT(s.tx_bytes[links + l], 0) << "host " << h;
  }
}

TEST(LinkSeries, PacketModelFillsTheFlowAndLinkCounters) {
  const metrics::Results ecmp = run(oversubscribed("packet", Time::us(2)));
  EXPECT_TRUE(std::any_of(ecmp.links.begin(), ecmp.links.end(), [](const metrics::LinkRecord& l) {
    return l.max_queue_bytes > 0;
  })) << "the 2:1 uplinks queue";
  for (const metrics::FlowRecord& f : ecmp.flows) {
    EXPECT_EQ(f.reordered_packets, 0u) << "one path per flow keeps packets in order, flow " << f.id;
    // 256 KiB in packets of 4,032 B: 66 packets, each sent once (ideal transport).
    EXPECT_EQ(f.packets, 66u) << "flow " << f.id;
    EXPECT_EQ(f.retransmits, 0u) << "flow " << f.id;
  }
  // The series sees the uplinks' queues while they build, not only their peak afterwards.
  EXPECT_TRUE(std::any_of(ecmp.link_series.queue_bytes.begin(), ecmp.link_series.queue_bytes.end(),
                          [](std::int64_t q) { return q > 0; }));
  const metrics::Results spray = run(oversubscribed("packet", Time::us(2), 2, "spray"));
  EXPECT_TRUE(std::any_of(spray.flows.begin(), spray.flows.end(),
                          [](const metrics::FlowRecord& f) { return f.reordered_packets > 0; }));
}

TEST(LinkSeries, FlowModelAndSamplingOffWriteNoSeriesAndZeroPacketCounters) {
  const metrics::Results fluid = run(oversubscribed("flow", Time::us(2)));
  EXPECT_TRUE(fluid.link_series.time_ps.empty());
  EXPECT_TRUE(fluid.link_series.tx_bytes.empty());
  for (const metrics::FlowRecord& f : fluid.flows) {
    EXPECT_EQ(f.packets + f.retransmits + f.reordered_packets + f.max_reorder, 0u);
  }
  for (const metrics::LinkRecord& l : fluid.links) {
    EXPECT_EQ(l.max_queue_bytes + l.dropped_bytes, 0);
    EXPECT_EQ(l.drops + l.ecn_marks, 0u);
  }
  const metrics::Results off = run(oversubscribed("packet", Time::ps(0)));
  EXPECT_TRUE(off.link_series.time_ps.empty());
  EXPECT_TRUE(off.link_series.queue_bytes.empty());
  EXPECT_EQ(off.info.status, "complete");
}

TEST(LinkSeries, SamplingChangesNoSimulatedResult) {
  const metrics::Results off = run(oversubscribed("packet", Time::ps(0)));
  const metrics::Results on = run(oversubscribed("packet", Time::ns(100)));
  ASSERT_GT(on.link_series.time_ps.size(), 100u);
  EXPECT_EQ(on.flows, off.flows);
  EXPECT_EQ(on.steps, off.steps);
  EXPECT_EQ(on.links, off.links);
  EXPECT_EQ(on.info.sim_end_ps, off.info.sim_end_ps);
  EXPECT_EQ(on.info.events, off.info.events) << "sample events are not counted";
  EXPECT_EQ(on.info.warnings, "");
}

}  // namespace
}  // namespace fabricsim::engine
