// Checks that the shipped topologies/*.yaml files describe the fabrics their comments claim.
// yaml-cpp belongs to scenario/, so this reads the flat `key: value` layout these files use.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "core/unit_parse.hpp"
#include "topo/topology.hpp"

namespace fabricsim::topo {
namespace {

std::string trim(std::string s) {
  const auto first = s.find_first_not_of(" {}");
  const auto last = s.find_last_not_of(" {}");
  return first == std::string::npos ? "" : s.substr(first, last - first + 1);
}

/// Flattens "key: value" and "key: {a: x, b: y}" lines into "key" / "key.a" entries.
std::map<std::string, std::string> read_flat_yaml(const std::string& relative) {
  std::ifstream in(std::string(FABRICSIM_SOURCE_DIR) + "/" + relative);
  EXPECT_TRUE(in) << relative;
  std::map<std::string, std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto colon = line.find(':');
    const std::string key = trim(line.substr(0, colon));
    const std::string value = trim(line.substr(colon + 1));
    if (line.find('{') == std::string::npos) {
      out[key] = value;
      continue;
    }
    std::stringstream fields(value);
    std::string field;
    while (std::getline(fields, field, ',')) {
      const auto c = field.find(':');
      out[key + "." + trim(field.substr(0, c))] = trim(field.substr(c + 1));
    }
  }
  return out;
}

LeafSpineSpec spec_from(const std::map<std::string, std::string>& kv) {
  LeafSpineSpec spec;
  EXPECT_EQ(kv.at("kind"), "leaf_spine");
  spec.leaves = static_cast<std::uint32_t>(std::stoul(kv.at("leaves")));
  spec.spines = static_cast<std::uint32_t>(std::stoul(kv.at("spines")));
  spec.hosts_per_leaf = static_cast<std::uint32_t>(std::stoul(kv.at("hosts_per_leaf")));
  spec.links_per_pair = static_cast<std::uint32_t>(std::stoul(kv.at("links_per_pair")));
  spec.host_link = {core::parse_bitrate(kv.at("host_link.rate")),
                    core::parse_time(kv.at("host_link.latency"))};
  spec.fabric_link = {core::parse_bitrate(kv.at("fabric_link.rate")),
                      core::parse_time(kv.at("fabric_link.latency"))};
  return spec;
}

TEST(TopologyFiles, PaperFabricIs256HostsNonBlocking) {
  // 16 leaves x 16 hosts = 256 GPUs; 16 x 400G down = 16 x 400G up: 1:1.
  const LeafSpineSpec spec = spec_from(read_flat_yaml("topologies/leafspine-16x16-400g.yaml"));
  EXPECT_EQ(spec.host_link.rate, core::Bitrate::gbps(400));
  EXPECT_EQ(spec.fabric_link.latency, core::Time::ns(500));
  const FabricStats stats = describe(spec, build_leaf_spine(spec));
  EXPECT_EQ(stats.hosts, 256u);
  EXPECT_EQ(stats.switches, 32u);
  EXPECT_EQ(stats.min_paths, 16u);
  EXPECT_DOUBLE_EQ(stats.oversubscription, 1.0);
}

TEST(TopologyFiles, SmallExampleIsTwoToOneOversubscribed) {
  // 4 hosts x 100G into a leaf, 2 spines x 100G out: 2:1.
  const LeafSpineSpec spec = spec_from(read_flat_yaml("topologies/leafspine-4x2-100g.yaml"));
  EXPECT_EQ(spec.host_link.latency, core::Time::us(1));
  const FabricStats stats = describe(spec, build_leaf_spine(spec));
  EXPECT_EQ(stats.hosts, 16u);
  EXPECT_EQ(stats.max_paths, 2u);
  EXPECT_DOUBLE_EQ(stats.oversubscription, 2.0);
}

}  // namespace
}  // namespace fabricsim::topo
