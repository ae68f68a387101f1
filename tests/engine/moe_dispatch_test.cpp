// MoE dispatch on the sample routing trace: per_gpu sends one copy per (token, destination
// GPU), per_expert one per (token, expert). The expected copies are counted here straight
// from the trace, independently of the generator.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "io/moe_trace_reader.hpp"
#include "traffic/workload.hpp"

namespace fabricsim::engine {
namespace {

const std::string kSample =
    std::string(FABRICSIM_SOURCE_DIR) + "/scenarios/traces/sample_moe_trace.h5";
constexpr std::int64_t kTokenBytes = 1024 * 2;  // hidden 1024, 2 bytes per element

/// Dispatch bytes of each layer for the sample trace on 8 GPUs (round robin: expert e on
/// GPU e mod 8, so experts e and e + 8 share a GPU).
std::vector<std::int64_t> dispatch_bytes(const traffic::MoeTrace& trace,
                                         traffic::Dispatch dispatch) {
  traffic::MoeSpec spec;
  spec.experts = 16;
  spec.top_k = 2;
  spec.layers = 4;
  spec.hidden = 1024;
  spec.routing_trace = kSample;
  spec.dispatch = dispatch;
  spec.placement.gpus = 8;
  traffic::Context context{.hosts = 8, .seed = 1};
  context.moe_trace = [&](const std::string&) -> const traffic::MoeTrace& { return trace; };
  const traffic::Workload w = traffic::generate({spec}, context);
  std::vector<std::int64_t> out(4, 0);
  for (const traffic::Step& step : w.steps) {
    if (step.kind != "dispatch") continue;
    for (const traffic::Demand& d : step.demands) out[step.layer] += d.bytes.count();
  }
  return out;
}

TEST(MoeDispatch, SampleTraceSendsOneCopyPerTokenAndDestinationGpu) {
  // Per layer: per_gpu copies = sum over tokens of |{GPUs of its 2 experts} - {its GPU}|;
  // per_expert copies = sum over tokens of the experts not on its GPU. They differ by the
  // tokens whose two experts share a remote GPU (measured over the 4 layers: 13,825 against
  // 14,321 copies; 572 of 8,192 token-layers have both experts on one GPU).
  const traffic::MoeTrace trace = io::read_moe_trace(kSample);
  ASSERT_EQ(trace.tokens(), 2048u);
  std::vector<std::int64_t> per_gpu(4, 0), per_expert(4, 0);
  for (std::size_t t = 0; t < trace.tokens(); ++t) {
    for (std::uint32_t l = 0; l < 4; ++l) {
      std::set<std::int32_t> remote;
      for (std::uint32_t k = 0; k < 2; ++k) {
        const std::int32_t gpu = trace.expert(t, l, k) % 8;
        if (gpu == trace.source_gpu[t]) continue;
        remote.insert(gpu);
        ++per_expert[l];
      }
      per_gpu[l] += static_cast<std::int64_t>(remote.size());
    }
  }
  std::int64_t merged = 0;
  for (std::uint32_t l = 0; l < 4; ++l) {
    merged += per_expert[l] - per_gpu[l];
    per_gpu[l] *= kTokenBytes;
    per_expert[l] *= kTokenBytes;
  }
  EXPECT_GT(merged, 0) << "the sample has tokens whose experts share a GPU";
  EXPECT_EQ(dispatch_bytes(trace, traffic::Dispatch::per_gpu), per_gpu);
  EXPECT_EQ(dispatch_bytes(trace, traffic::Dispatch::per_expert), per_expert);
}

}  // namespace
}  // namespace fabricsim::engine
