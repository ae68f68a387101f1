#include "traffic/replay.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "traffic/workload.hpp"

namespace fabricsim::traffic {
namespace {

using core::Bitrate;
using core::Bytes;
using core::Time;

const std::string kSampleMatrix = std::string(FABRICSIM_SOURCE_DIR) + "/scenarios/traces/sample.cm";

TEST(ConnectionMatrix, SampleImportsExactlyTheListedConnections) {
  // scenarios/traces/sample.cm, line by line.
  const ConnectionMatrix m = load_connection_matrix(kSampleMatrix);
  EXPECT_EQ(m.nodes, 8u);
  const std::vector<Connection> expected{
      {0, 4, 1, Time::us(0), Bytes(1000000)},  {1, 5, 2, Time::us(0), Bytes(1000000)},
      {2, 6, 3, Time::us(10), Bytes(2000000)}, {4, 0, 4, Time::us(50), Bytes(500000)},
      {5, 0, 5, Time::us(50), Bytes(500000)},  {6, 0, 6, Time::us(50), Bytes(500000)},
      {7, 0, 7, Time::us(50), Bytes(500000)},
  };
  EXPECT_EQ(m.connections, expected);
}

TEST(ConnectionMatrix, GeneratesOneStepPerStartTimeOnThePlacedGpus) {
  // Listed placement: node i runs on host 15 - i. Three distinct starts (0, 10, 50 us) make
  // three steps, released at start offset (5 us) + the connection's start.
  Placement placement{.kind = Placement::Kind::listed};
  for (std::uint32_t i = 0; i < 8; ++i) placement.hosts.push_back(15 - i);
  const ConnectionMatrixSpec spec{
      .file = kSampleMatrix, .start = Time::us(5), .placement = placement};
  const Workload w = generate({spec}, Context{.hosts = 16});
  ASSERT_EQ(w.steps.size(), 3u);
  const std::vector<Time> delays{Time::us(5), Time::us(15), Time::us(55)};
  const std::vector<std::size_t> flows{2, 1, 4};
  for (std::size_t s = 0; s < 3; ++s) {
    EXPECT_EQ(w.steps[s].kind, "connection_matrix");
    EXPECT_EQ(w.steps[s].delay, delays[s]) << "step " << s;
    EXPECT_EQ(w.steps[s].demands.size(), flows[s]) << "step " << s;
    EXPECT_TRUE(w.steps[s].deps.empty());
  }
  EXPECT_EQ(w.steps[0].demands[1].src, 15u - 1);  // 1->5 in file order
  EXPECT_EQ(w.steps[0].demands[1].dst, 15u - 5);
  EXPECT_EQ(w.steps[2].demands[3].src, 15u - 7);  // 7->0
  EXPECT_EQ(w.steps[2].demands[3].dst, 15u);
  EXPECT_EQ(w.steps[1].demands[0].bytes, Bytes(2000000));
}

ConnectionMatrix parse(const std::string& text) {
  std::istringstream in(text);
  return parse_connection_matrix(in, "m.cm");
}

TEST(ConnectionMatrix, ToleratesSpacingCommentsAndFractionalMicroseconds) {
  const ConnectionMatrix m = parse(
      "  # header next\n\nNodes\t3   # three\nConnections 2\n"
      "   2 ->  0   size 7 start 0.5\n"  // keys in any order, id optional
      "1->2 id 9 start 3.000001 size 100\r\n");
  ASSERT_EQ(m.connections.size(), 2u);
  EXPECT_EQ(m.connections[0], (Connection{2, 0, -1, Time::ns(500), Bytes(7)}));
  EXPECT_EQ(m.connections[1], (Connection{1, 2, 9, Time::ps(3'000'001), Bytes(100)}));
}

/// The message of parsing `text`, or "" when it parses.
std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(ConnectionMatrix, ErrorsNameFileAndLine) {
  const std::string head = "Nodes 4\nConnections 1\n";
  EXPECT_EQ(error_of(head + "0->4 start 0 size 10\n"),
            "m.cm:3: node 4 is out of range (Nodes 4: valid 0..3)");
  EXPECT_EQ(error_of(head + "0->1 start 0\n"), "m.cm:3: missing size");
  EXPECT_EQ(error_of(head + "0->1 start 0 size 0\n"),
            "m.cm:3: size '0' is not a byte count in 1..1125899906842624 (1024TiB)");
  EXPECT_EQ(error_of(head + "0->1 start -1 size 5\n"),
            "m.cm:3: start '-1' is not a time in microseconds (e.g. 0, 12.5; at most 6 decimals; "
            "valid 0..1000000000000)");
  EXPECT_EQ(error_of(head + "0->1 start 0 size 5 flow 3\n"),
            "m.cm:3: unknown key 'flow' (valid: id, start, size)");
  EXPECT_EQ(error_of(head + "2->2 start 0 size 5\n"), "m.cm:3: connection from node 2 to itself");
  EXPECT_EQ(error_of(head + "0 1 start 0 size 5\n"),
            "m.cm:3: expected 'src->dst id K start <us> size <bytes>'");
  EXPECT_EQ(error_of("Nodes 4\n\nConnections 2\n0->1 start 0 size 5\n"),
            "m.cm:3: header says Connections 2 but the file lists 1");
  EXPECT_EQ(error_of("0->1 start 0 size 5\n").rfind("m.cm:1: a connection before the 'Nodes N'", 0),
            0u);
  EXPECT_EQ(error_of("Nodes 4\n"), "m.cm: missing the 'Nodes N' or 'Connections C' header");
  EXPECT_EQ(error_of("Nodes four\n"),
            "m.cm:1: expected 'Nodes <count>' with a count in 0..4294967295");
}

TEST(ConnectionMatrix, MoreNodesThanPlacedGpusIsAnError) {
  const ConnectionMatrixSpec spec{.file = kSampleMatrix, .placement = {.gpus = 4}};
  EXPECT_THROW(generate({spec}, Context{.hosts = 16}), std::invalid_argument);
}

/// The mean of a piecewise-linear CDF, from its knots: each segment holds probability
/// dF spread uniformly between its two sizes, so contributes dF x (a + b) / 2.
double table_mean(const FlowSizeCdf& cdf) {
  const auto p = cdf.points();
  double mean = 0;
  for (std::size_t i = 1; i < p.size(); ++i)
    mean += (p[i].cdf - p[i - 1].cdf) * 0.5 * (p[i - 1].bytes + p[i].bytes);
  return mean;
}

TEST(FlowSizeCdf, TableMeansAreThePublishedOnes) {
  // In 1460-byte packets the web-search mean is 1140.98 and data mining's 5116.6 (as the
  // pFabric/PIAS scripts quote: ~1138 x 1460 and 5117 x 1460).
  EXPECT_NEAR(table_mean(FlowSizeCdf::of(FlowSizeCdf::Name::web_search)), 1140.98 * 1460, 1);
  EXPECT_NEAR(table_mean(FlowSizeCdf::of(FlowSizeCdf::Name::data_mining)), 5116.6 * 1460, 1);
  EXPECT_NEAR(FlowSizeCdf::of(FlowSizeCdf::Name::web_search).mean_bytes(), 1140.98 * 1460, 1);
}

TEST(FlowSizeCdf, DrawsFollowTheTable) {
  // 2M draws: the sample mean's standard error is < 0.6% for data mining (per-draw standard
  // deviation ~59 MB, from the 1% of flows between 97 MB and 973 MB) and ~0.2% for web
  // search; 3% is more than 5 standard errors.
  for (const auto name : {FlowSizeCdf::Name::web_search, FlowSizeCdf::Name::data_mining}) {
    const FlowSizeCdf cdf = FlowSizeCdf::of(name);
    core::Rng rng(7, "cdf");
    constexpr int kDraws = 2'000'000;
    double sum = 0;
    std::vector<std::int64_t> sizes(kDraws);
    for (auto& s : sizes) {
      s = cdf.draw(rng).count();
      sum += static_cast<double>(s);
    }
    EXPECT_NEAR(sum / kDraws / table_mean(cdf), 1.0, 0.03) << FlowSizeCdf::name_of(name);
    // The empirical CDF at every knot matches the table within 0.003 (std error < 0.0004).
    std::sort(sizes.begin(), sizes.end());
    for (const FlowSizeCdf::Point& p : cdf.points()) {
      const auto below =
          std::upper_bound(sizes.begin(), sizes.end(), static_cast<std::int64_t>(p.bytes));
      const double fraction = static_cast<double>(below - sizes.begin()) / kDraws;
      // Knots at one size (P(size = 6 packets) = 0.15) hold the mass of the last of them.
      double at_most = 0;
      for (const FlowSizeCdf::Point& q : cdf.points())
        at_most = q.bytes <= p.bytes ? q.cdf : at_most;
      EXPECT_NEAR(fraction, at_most, 0.003) << FlowSizeCdf::name_of(name) << " at " << p.bytes;
    }
  }
}

BackgroundSpec web_search(double load, Time duration) {
  return BackgroundSpec{.load = load,
                        .sizes = {.cdf = FlowSizeCdf::Name::web_search},
                        .duration = duration,
                        .start = Time::us(100),
                        .max_flows = 10'000'000};
}

std::vector<std::uint32_t> hosts(std::uint32_t n) {
  std::vector<std::uint32_t> v(n);
  std::iota(v.begin(), v.end(), 0u);
  return v;
}

TEST(Background, OffersTheTargetLoadOverTheWindow) {
  // 64 hosts at 100 Gb/s, load 0.4, 1 s: each host offers 0.4 x 12.5 GB/s = 5 GB in flows of
  // mean 1.666 MB, ~3000 flows per host, ~192,000 in all. The total's relative standard error
  // is sqrt(E[X^2]) / (mean sqrt(N)) ~ 2.3 / 438 ~ 0.5%; 3% is 6 of them.
  const BackgroundSpec spec = web_search(0.4, Time::ms(1000));
  core::Rng rng(3, "workload.0");
  const std::vector<Arrival> a = background_arrivals(spec, hosts(64), Bitrate::gbps(100), rng);
  const double expected_flows = expected_background_flows(spec, 64, Bitrate::gbps(100));
  EXPECT_NEAR(expected_flows, 64 * 0.4 * 12.5e9 / table_mean(FlowSizeCdf::of(spec.sizes.cdf)), 1);
  EXPECT_NEAR(static_cast<double>(a.size()) / expected_flows, 1.0, 0.02);  // Poisson: sd 0.23%
  double bytes = 0;
  for (const Arrival& x : a) bytes += static_cast<double>(x.bytes.count());
  EXPECT_NEAR(bytes / (64 * 12.5e9 * 1.0), 0.4, 0.4 * 0.03);
}

TEST(Background, ArrivalsAreSortedInsideTheWindowBetweenDistinctPlacedHosts) {
  const BackgroundSpec spec = web_search(0.8, Time::ms(20));
  const std::vector<std::uint32_t> gpus{3, 9, 4, 12, 7};
  core::Rng rng(1, "workload.0");
  const std::vector<Arrival> a = background_arrivals(spec, gpus, Bitrate::gbps(400), rng);
  ASSERT_GT(a.size(), 100u);  // expected 5 x 0.8 x 50 GB/s x 20 ms / 1.67 MB = 2400
  const std::set<std::uint32_t> placed(gpus.begin(), gpus.end());
  std::set<std::uint32_t> sources, destinations;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (i > 0) {
      EXPECT_LE(a[i - 1].start, a[i].start) << i;
    }
    EXPECT_GE(a[i].start, Time::us(100));
    EXPECT_LT(a[i].start, Time::us(100) + Time::ms(20));
    EXPECT_NE(a[i].src, a[i].dst);
    EXPECT_TRUE(placed.count(a[i].src) && placed.count(a[i].dst)) << a[i].src << "->" << a[i].dst;
    sources.insert(a[i].src);
    destinations.insert(a[i].dst);
  }
  EXPECT_EQ(sources, placed);
  EXPECT_EQ(destinations, placed);
}

TEST(Background, SameSeedSameFlowsOtherSeedOthers) {
  const BackgroundSpec spec{
      .load = 0.5, .sizes = {.cdf = FlowSizeCdf::Name::data_mining}, .duration = Time::ms(50)};
  const auto run = [&](std::uint64_t seed) {
    const Workload w =
        generate({spec}, Context{.hosts = 8, .host_rate = Bitrate::gbps(100), .seed = seed});
    std::vector<std::tuple<std::int64_t, std::uint32_t, std::uint32_t, std::int64_t>> out;
    for (const Step& s : w.steps) {
      EXPECT_EQ(s.kind, "background");
      EXPECT_EQ(s.demands.size(), 1u);
      out.emplace_back(s.delay.ps(), s.demands[0].src, s.demands[0].dst,
                       s.demands[0].bytes.count());
    }
    return out;
  };
  const auto a = run(1);
  EXPECT_GT(a.size(), 10u);  // expected 8 x 0.5 x 12.5 GB/s x 50 ms / 7.47 MB = 335
  EXPECT_EQ(a, run(1));
  EXPECT_NE(a, run(2));
}

TEST(Background, MaxFlowsStopsARunawaySpec) {
  BackgroundSpec spec = web_search(1.0, Time::ms(100));
  spec.max_flows = 1000;  // expected 16 x 12.5 GB/s x 0.1 s / 1.67 MB = 12,000
  core::Rng rng(1, "x");
  EXPECT_THROW(background_arrivals(spec, hosts(16), Bitrate::gbps(100), rng),
               std::invalid_argument);
}

TEST(FlowSizes, FixedSizesAreExactAndDrawNothing) {
  const FlowSizes fixed{.dist = FlowSizes::Dist::fixed, .bytes = Bytes(1500)};
  EXPECT_EQ(fixed.mean_bytes(), 1500.0);
  core::Rng rng(1, "sizes");
  core::Rng untouched = rng;
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(fixed.draw(rng), Bytes(1500));
  EXPECT_EQ(rng.next(), untouched.next());
}

TEST(FlowSizes, ExponentialSampleMeansMatchTheRoundedMean) {
  // Y = max(1, round(X)) with X exponential of mean m has E[Y] = 1 + e^{-1.5/m} / (1 - e^{-1/m}):
  // m + O(1/m) for large m, but 2.2005 for m = 2, 10 % above the m of the continuous law.
  // 400,000 draws: the standard error of the sample mean is about m / 632 (0.16 %); 2 % is
  // over 12 of them, and 10 % at m = 2 would be 60.
  for (const double m : {2.0, 1500.0, 1048576.0}) {
    const FlowSizes exp{.dist = FlowSizes::Dist::exponential,
                        .bytes = Bytes(static_cast<std::int64_t>(m))};
    const double mean = exp.mean_bytes();
    EXPECT_NEAR(mean, 1.0 + std::exp(-1.5 / m) / (1.0 - std::exp(-1.0 / m)), 1e-6 * m) << m;
    if (m > 1000) {
      EXPECT_NEAR(mean, m, 1e-6 * m);
    }
    core::Rng rng(11, "sizes");
    constexpr int kDraws = 400'000;
    double sum = 0;
    std::int64_t smallest = exp.bytes.count();
    for (int i = 0; i < kDraws; ++i) {
      const std::int64_t y = exp.draw(rng).count();
      smallest = std::min(smallest, y);
      sum += static_cast<double>(y);
    }
    EXPECT_NEAR(sum / kDraws / mean, 1.0, 0.02) << m;
    EXPECT_GE(smallest, 1) << m;
  }
  const FlowSizes two{.dist = FlowSizes::Dist::exponential, .bytes = Bytes(2)};
  EXPECT_NEAR(two.mean_bytes(), 2.2005, 1e-4);
}

TEST(Background, FixedAndExponentialSizesOfferTheTargetLoad) {
  // 16 sources at 10 Gb/s, load 0.5, 20 ms: each offers 0.5 x 1.25 GB/s x 20 ms = 12.5 MB,
  // ~8,333 flows of 1500 B, ~133,000 in all. Fixed sizes: the Poisson count's relative
  // standard error is 0.27 %; exponential sizes double the variance per flow: 0.39 %. 3 % is
  // far outside both.
  for (const FlowSizes::Dist dist : {FlowSizes::Dist::fixed, FlowSizes::Dist::exponential}) {
    const BackgroundSpec spec{
        .load = 0.5, .sizes = {.dist = dist, .bytes = Bytes(1500)}, .duration = Time::ms(20)};
    core::Rng rng(5, "workload.0");
    const std::vector<Arrival> a = background_arrivals(spec, hosts(16), Bitrate::gbps(10), rng);
    const double expected = expected_background_flows(spec, 16, Bitrate::gbps(10));
    EXPECT_NEAR(expected, 16 * 0.5 * 1.25e9 * 0.02 / spec.sizes.mean_bytes(), 1e-6 * expected);
    double bytes = 0;
    for (const Arrival& x : a) {
      bytes += static_cast<double>(x.bytes.count());
      if (dist == FlowSizes::Dist::fixed) {
        EXPECT_EQ(x.bytes, Bytes(1500));
      }
    }
    EXPECT_NEAR(static_cast<double>(a.size()) / expected, 1.0, 0.03);
    EXPECT_NEAR(bytes / (16 * 1.25e9 * 0.02), 0.5, 0.5 * 0.03);
  }
}

TEST(Background, SourcesSendOnlyToListedDestinationsOtherThanThemselves) {
  // Placement of 8 hosts (host 10 + rank); sources are ranks 0, 1, 2, destinations 2 and 5:
  // ranks 0 and 1 split their flows between 2 and 5, rank 2 sends only to 5. Each source
  // offers load 0.25 of 10 Gb/s: ~4,170 flows of 1500 B in 20 ms.
  std::vector<std::uint32_t> gpus(8);
  std::iota(gpus.begin(), gpus.end(), 10u);
  const BackgroundSpec spec{.load = 0.25,
                            .sizes = {.dist = FlowSizes::Dist::fixed, .bytes = Bytes(1500)},
                            .duration = Time::ms(20),
                            .sources = {0, 1, 2},
                            .destinations = {2, 5}};
  core::Rng rng(2, "workload.0");
  const std::vector<Arrival> a = background_arrivals(spec, gpus, Bitrate::gbps(10), rng);
  std::map<std::pair<std::uint32_t, std::uint32_t>, int> pairs;
  std::map<std::uint32_t, double> offered;
  for (const Arrival& x : a) {
    ++pairs[{x.src, x.dst}];
    offered[x.src] += static_cast<double>(x.bytes.count());
  }
  std::set<std::pair<std::uint32_t, std::uint32_t>> seen;
  for (const auto& [pair, count] : pairs) seen.insert(pair);
  const std::set<std::pair<std::uint32_t, std::uint32_t>> expected{
      {10, 12}, {10, 15}, {11, 12}, {11, 15}, {12, 15}};
  ASSERT_EQ(seen, expected);
  // Ranks 0 and 1 pick each destination with probability 1/2 (~2,080 each, sd 46).
  for (const std::uint32_t src : {10u, 11u}) {
    const double ratio = static_cast<double>(pairs[{src, 12u}]) / pairs[{src, 15u}];
    EXPECT_NEAR(ratio, 1.0, 0.1) << src;
  }
  for (const auto& [src, bytes] : offered) {
    EXPECT_NEAR(bytes / (1.25e9 * 0.02), 0.25, 0.25 * 0.03) << src;  // sd 1.5 %
  }
}

TEST(Background, ASourceWhoseOnlyDestinationIsItselfIsAnError) {
  const BackgroundSpec spec{.sources = {0, 1}, .destinations = {1}};
  core::Rng rng(1, "x");
  EXPECT_THROW(background_arrivals(spec, hosts(4), Bitrate::gbps(10), rng), std::invalid_argument);
  const BackgroundSpec past{.destinations = {4}};
  EXPECT_THROW(background_arrivals(past, hosts(4), Bitrate::gbps(10), rng), std::invalid_argument);
}

}  // namespace
}  // namespace fabricsim::traffic
