#pragma once
// Internal to io/ (and its tests): the two halves of reading an MoE routing trace.
// decode_moe_trace is the only code that calls HDF5 on the file; read_moe_trace runs it in a
// forked child (trace_child.cpp), which streams the shape and the tables to the parent
// through a pipe, so that a crash inside libhdf5 on a malformed file kills only the child.
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "traffic/moe_trace.hpp"

namespace fabricsim::io::detail {

/// Largest trace read into memory: expert_ids elements (2 bytes each), 4 GiB in all.
constexpr std::uint64_t kMaxTraceElements = std::uint64_t{1} << 31;
/// Expert ids are int16, so at most this many experts.
constexpr std::int64_t kMaxExperts = 32'767;

/// What the header of a trace says, checked before any table is allocated.
struct TraceShape {
  std::uint32_t experts = 0;
  std::uint32_t layers = 0;
  std::uint32_t top_k = 0;
  std::uint32_t reserved = 0;
  std::uint64_t tokens = 0;

  std::uint64_t elements() const { return tokens * layers * top_k; }
};

/// Why `shape` is not one the reader accepts (a zero or too large dimension, more entries
/// than kMaxTraceElements, top_k > experts), or nothing. The parent applies it again to what
/// the child sends, so it never sizes a table from an unchecked figure.
std::optional<std::string> shape_problem(const TraceShape& shape);

/// Receives a decoded trace: shape() once, then source_gpu in order, then expert_ids in order,
/// in slabs.
class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void shape(const TraceShape& shape) = 0;
  virtual void sources(std::span<const std::int32_t> slab) = 0;
  virtual void ids(std::span<const std::int16_t> slab) = 0;
};

/// Reads the trace's HDF5 objects into `sink` (the tables in slabs of a few MiB, so the
/// reader never holds a second copy). Throws TraceError naming the file. Calls libhdf5.
void decode_moe_trace(const std::string& path, TraceSink& sink);

/// The checks on the values: every expert id in [0, experts), the top_k ids of a token in a
/// layer distinct, every source GPU >= 0. Throws TraceError naming the file.
void check_trace_values(const std::string& path, const traffic::MoeTrace& trace);

/// The message of a TraceError about `path`.
std::string trace_message(const std::string& path, const std::string& problem);

/// Runs `decode(path, sink)` in a forked child and rebuilds the trace in this process from
/// what the child sends; a child that dies (signal, abort, sanitizer exit) or sends anything
/// but a well-formed trace becomes a TraceError "PATH: not a readable MoE routing trace (the
/// HDF5 library failed on it: signal N ...)". The values are not checked here.
using Decoder = void (*)(const std::string& path, TraceSink& sink);
traffic::MoeTrace read_trace_in_child(const std::string& path, Decoder decode);

}  // namespace fabricsim::io::detail
