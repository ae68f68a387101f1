// The isolation of the MoE trace reader: the HDF5 decoding runs in a forked child, and
// whatever the child does (dies by a signal, aborts, exits as a sanitizer does, sends a
// forged shape or too much data), the parent refuses the file with a TraceError naming it.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <string>
#include <vector>

#include "io/moe_trace_reader.hpp"
#include "io/moe_trace_reader_decode.hpp"

namespace fabricsim::io::detail {
namespace {

const std::string kSample =
    std::string(FABRICSIM_SOURCE_DIR) + "/scenarios/traces/sample_moe_trace.h5";
const std::string kFile = "/some/trace.h5";

/// The TraceError message of reading kFile with `decode` in the child, or "".
std::string refusal(Decoder decode) {
  try {
    read_trace_in_child(kFile, decode);
  } catch (const TraceError& e) {
    return e.what();
  }
  return "";
}

std::string library_failed(const std::string& why) {
  return kFile + ": not a readable MoE routing trace (the HDF5 library failed on it: " + why + ")";
}

/// A shape of 4 tokens, 2 layers, top-2 of 8 experts.
void send_shape(TraceSink& sink) {
  sink.shape({.experts = 8, .layers = 2, .top_k = 2, .tokens = 4});
}

TEST(TraceChild, SampleReadThroughTheChildEqualsTheInProcessRead) {
  const traffic::MoeTrace child = read_trace_in_child(kSample, decode_moe_trace);
  const traffic::MoeTrace here = read_moe_trace_in_process(kSample);
  EXPECT_EQ(child.experts, 16u);
  EXPECT_EQ(child.layers, here.layers);
  EXPECT_EQ(child.top_k, here.top_k);
  EXPECT_EQ(child.source_gpu, here.source_gpu);
  EXPECT_EQ(child.expert_ids, here.expert_ids);
  EXPECT_EQ(read_moe_trace(kSample).expert_ids, here.expert_ids);
}

TEST(TraceChild, ADecoderThatAbortsIsRefusedWithTheSignal) {
  EXPECT_EQ(refusal([](const std::string&, TraceSink& sink) {
              send_shape(sink);
              std::abort();
            }),
            library_failed("signal 6, Aborted"));
}

TEST(TraceChild, ADecoderThatSegfaultsIsRefusedWithTheSignal) {
  const std::string message = refusal([](const std::string&, TraceSink&) { std::raise(SIGSEGV); });
#if defined(__SANITIZE_ADDRESS__)
  // ASan catches the SIGSEGV, reports it and exits 1.
  EXPECT_EQ(message, library_failed("exit status 1"));
#else
  EXPECT_EQ(message, library_failed("signal 11, Segmentation fault"));
#endif
}

TEST(TraceChild, ADecoderKilledHalfwayThroughTheTablesIsRefused) {
  EXPECT_EQ(refusal([](const std::string&, TraceSink& sink) {
              send_shape(sink);
              const std::vector<std::int32_t> half = {0, 1};
              sink.sources(half);
              std::raise(SIGKILL);
            }),
            library_failed("signal 9, Killed"));
}

TEST(TraceChild, ADecoderThatExitsAsASanitizerDoesIsRefusedWithTheStatus) {
  EXPECT_EQ(refusal([](const std::string&, TraceSink&) { ::_exit(1); }),
            library_failed("exit status 1"));
}

TEST(TraceChild, ADecoderThatEndsWithoutAResultIsRefused) {
  EXPECT_EQ(refusal([](const std::string&, TraceSink&) { ::_exit(0); }),
            library_failed("it ended without a result"));
}

TEST(TraceChild, AForgedShapeIsRefusedBeforeAnyTableIsSized) {
  // 2^40 tokens x 2^20 layers x 2 would be 2^61 entries; the parent checks it again.
  EXPECT_EQ(refusal([](const std::string&, TraceSink& sink) {
              sink.shape(
                  {.experts = 8, .layers = 1u << 20, .top_k = 2, .tokens = std::uint64_t{1} << 40});
            }),
            library_failed("it sent an impossible shape"));
}

TEST(TraceChild, MoreDataThanTheShapeSaysIsRefused) {
  EXPECT_EQ(refusal([](const std::string&, TraceSink& sink) {
              send_shape(sink);
              const std::vector<std::int32_t> five = {0, 1, 2, 3, 4};
              sink.sources(five);
            }),
            library_failed("it sent too much data"));
}

TEST(TraceChild, IdsBeforeTheSourcesAreRefused) {
  EXPECT_EQ(refusal([](const std::string&, TraceSink& sink) {
              send_shape(sink);
              const std::vector<std::int16_t> ids(16, 0);
              sink.ids(ids);
            }),
            library_failed("it sent data out of order"));
}

TEST(TraceChild, AnIncompleteTraceIsRefused) {
  // The child's decoder returns normally after half the sources: Done does not make it whole.
  EXPECT_EQ(refusal([](const std::string&, TraceSink& sink) {
              send_shape(sink);
              const std::vector<std::int32_t> half = {0, 1};
              sink.sources(half);
            }),
            library_failed("it sent an incomplete trace"));
}

TEST(TraceChild, TheChildsTraceErrorIsPassedOnAsItIs) {
  EXPECT_EQ(refusal([](const std::string& path, TraceSink&) {
              throw TraceError(path + ": missing dataset 'expert_ids'");
            }),
            kFile + ": missing dataset 'expert_ids'");
}

TEST(TraceChild, AWholeTraceArrivesInOrder) {
  const traffic::MoeTrace t = read_trace_in_child(kFile, [](const std::string&, TraceSink& sink) {
    send_shape(sink);
    const std::vector<std::int32_t> sources = {3, 2, 1, 0};
    std::vector<std::int16_t> ids(16);
    for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<std::int16_t>(i % 8);
    sink.sources(std::span(sources).first(1));
    sink.sources(std::span(sources).subspan(1));
    sink.ids(std::span(ids).first(5));
    sink.ids(std::span(ids).subspan(5));
  });
  EXPECT_EQ(t.source_gpu, (std::vector<std::int32_t>{3, 2, 1, 0}));
  ASSERT_EQ(t.expert_ids.size(), 16u);
  EXPECT_EQ(t.expert(3, 1, 1), 15 % 8);
  EXPECT_EQ(t.experts, 8u);
}

}  // namespace
}  // namespace fabricsim::io::detail
