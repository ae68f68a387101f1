// Reads an untrusted MoE routing trace in a forked child. libhdf5 trusts the structure of the
// files it opens; a crafted one can make it read or write out of bounds (fuzz_moe_trace found
// a heap-buffer-overflow in H5Aexists), which no check of ours can prevent. So the child does
// all the HDF5 calls and streams the checked shape and the tables through a pipe; the parent
// never calls HDF5 on the trace, sizes its tables only from a shape it checks again, and turns
// a child that dies or sends anything malformed into a TraceError.
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <exception>
#include <fstream>
#include <optional>
#include <string>

#include "core/sanitizers.hpp"
#include "io/moe_trace_reader.hpp"
#include "io/moe_trace_reader_decode.hpp"

namespace fabricsim::io::detail {
namespace {

enum class Frame : std::uint32_t { kShape = 1, kSources = 2, kIds = 3, kError = 4, kDone = 5 };

struct FrameHeader {
  Frame kind;
  std::uint32_t reserved = 0;
  std::uint64_t bytes = 0;
};

/// The longest error message a child may send.
constexpr std::uint64_t kMaxMessage = 4096;

bool write_all(int fd, const void* data, std::size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

/// Reads exactly `size` bytes; false at end of file or on an error.
bool read_all(int fd, void* data, std::size_t size) {
  char* p = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t n = ::read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

/// The child's sink: every call becomes one frame on the pipe. A failed write means the
/// parent is gone; the child just ends.
class PipeSink final : public TraceSink {
 public:
  explicit PipeSink(int fd) : fd_(fd) {}
  void send(Frame kind, const void* data, std::size_t bytes) {
    const FrameHeader header{kind, 0, bytes};
    if (!write_all(fd_, &header, sizeof header) || !write_all(fd_, data, bytes)) ::_exit(1);
  }
  void shape(const TraceShape& s) override { send(Frame::kShape, &s, sizeof s); }
  void sources(std::span<const std::int32_t> slab) override {
    send(Frame::kSources, slab.data(), slab.size_bytes());
  }
  void ids(std::span<const std::int16_t> slab) override {
    send(Frame::kIds, slab.data(), slab.size_bytes());
  }

 private:
  int fd_;
};

/// The child streams its slabs and keeps no table, so it needs little memory beyond what it
/// shares with the parent. Capping its address space at the inherited size plus
/// kChildBudget makes a file on which libhdf5 would allocate gigabytes (fill values, chunk
/// sizes from a corrupt index) fail fast with an error instead. Not under AddressSanitizer,
/// whose shadow memory reserves terabytes of address space.
constexpr std::uint64_t kChildBudget = std::uint64_t{1} << 30;

void limit_child_memory() {
#ifndef FABRICSIM_ASAN
  std::uint64_t pages = 0;
  if (!(std::ifstream("/proc/self/statm") >> pages)) return;
  const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  const rlim_t limit = pages * page + kChildBudget;
  const rlimit cap{limit, limit};
  ::setrlimit(RLIMIT_AS, &cap);
#endif
}

[[noreturn]] void child_main(int fd, const std::string& path, Decoder decode) {
  // Ctrl-C reaches the child too; the parent's handler (remove the partial output, exit 130)
  // is the parent's business.
  ::signal(SIGINT, SIG_DFL);
  ::signal(SIGTERM, SIG_DFL);
  ::signal(SIGPIPE, SIG_DFL);
  limit_child_memory();
  PipeSink sink(fd);
  try {
    decode(path, sink);
    sink.send(Frame::kDone, nullptr, 0);
  } catch (const std::exception& e) {
    const std::string message = std::string(e.what()).substr(0, kMaxMessage);
    sink.send(Frame::kError, message.data(), message.size());
  } catch (...) {
    ::_exit(1);
  }
  // _exit: no atexit handlers, no stdio flush, no HDF5 shutdown of the parent's copied state.
  ::_exit(0);
}

/// The parent's side: what the child sent, checked frame by frame.
class Receiver {
 public:
  explicit Receiver(int fd) : fd_(fd) {}

  /// Reads frames until Done, Error, end of file or a malformed frame.
  void run() {
    FrameHeader h{};
    while (read_all(fd_, &h, sizeof h)) {
      if (!take(h)) return;
    }
  }

  bool done = false;
  std::optional<std::string> error;      // the child's TraceError
  std::optional<std::string> malformed;  // what was wrong with what it sent
  traffic::MoeTrace trace;

 private:
  bool bad(const std::string& why) {
    malformed = why;
    return false;
  }

  /// Handles one frame; false when reading must stop.
  bool take(const FrameHeader& h) {
    switch (h.kind) {
      case Frame::kShape: {
        TraceShape s;
        if (have_shape_ || h.bytes != sizeof s || !read_all(fd_, &s, sizeof s))
          return bad("a bad shape record");
        if (shape_problem(s)) return bad("an impossible shape");
        have_shape_ = true;
        trace.experts = s.experts;
        trace.layers = s.layers;
        trace.top_k = s.top_k;
        // Bounded by the checked shape, and only reserved: pages are touched as data arrives,
        // so a small file whose header claims a huge trace costs what the child delivers.
        tokens_ = s.tokens;
        elements_ = s.elements();
        trace.source_gpu.reserve(tokens_);
        trace.expert_ids.reserve(elements_);
        return true;
      }
      case Frame::kSources:
        if (!have_shape_) return bad("data before the shape");
        return fill(trace.source_gpu, tokens_, h.bytes);
      case Frame::kIds:
        if (!have_shape_ || trace.source_gpu.size() != tokens_) return bad("data out of order");
        return fill(trace.expert_ids, elements_, h.bytes);
      case Frame::kError: {
        if (h.bytes > kMaxMessage) return bad("an oversized message");
        std::string text(h.bytes, '\0');
        if (!read_all(fd_, text.data(), text.size())) return bad("a cut message");
        error = std::move(text);
        return false;
      }
      case Frame::kDone:
        if (!have_shape_ || trace.source_gpu.size() != tokens_ ||
            trace.expert_ids.size() != elements_) {
          return bad("an incomplete trace");
        }
        done = true;
        return false;
    }
    return bad("an unknown record");
  }

  /// Appends one slab to `table`, which may hold `expected` entries in all.
  template <typename T>
  bool fill(std::vector<T>& table, std::uint64_t expected, std::uint64_t bytes) {
    const std::size_t have = table.size();
    if (bytes % sizeof(T) != 0 || bytes / sizeof(T) > expected - have) return bad("too much data");
    table.resize(have + bytes / sizeof(T));  // within the reserved capacity: no reallocation
    if (!read_all(fd_, table.data() + have, bytes)) return bad("a cut record");
    return true;
  }

  int fd_;
  bool have_shape_ = false;
  std::uint64_t tokens_ = 0, elements_ = 0;
};

/// Waits for the child; the raw wait status, or nothing when it cannot be had.
std::optional<int> reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return std::nullopt;
  }
  return status;
}

std::string describe(const std::optional<int>& status) {
  if (!status) return "its process could not be waited for";
  if (WIFSIGNALED(*status)) {
    const int s = WTERMSIG(*status);
    const char* name = ::strsignal(s);
    return "signal " + std::to_string(s) + (name ? std::string(", ") + name : std::string());
  }
  if (WIFEXITED(*status)) return "exit status " + std::to_string(WEXITSTATUS(*status));
  return "wait status " + std::to_string(*status);
}

}  // namespace

traffic::MoeTrace read_trace_in_child(const std::string& path, Decoder decode) {
  const auto refuse = [&](const std::string& why) {
    return TraceError(
        path + ": not a readable MoE routing trace (the HDF5 library failed on it: " + why + ")");
  };
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw TraceError(path + ": cannot read it: pipe: " + std::strerror(errno));
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int e = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    throw TraceError(path + ": cannot read it: fork: " + std::strerror(e));
  }
  if (pid == 0) {
    ::close(fds[0]);
    child_main(fds[1], path, decode);
  }
  ::close(fds[1]);
  Receiver receiver(fds[0]);
  try {
    receiver.run();
  } catch (...) {  // std::bad_alloc sizing the tables: do not leave the child behind
    ::close(fds[0]);
    ::kill(pid, SIGKILL);
    reap(pid);
    throw;
  }
  ::close(fds[0]);
  if (receiver.malformed) ::kill(pid, SIGKILL);
  const std::optional<int> status = reap(pid);
  const bool clean = status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0;
  if (receiver.malformed) throw refuse("it sent " + *receiver.malformed);
  if (!clean) throw refuse(describe(status));
  if (receiver.error) throw TraceError(*receiver.error);
  if (!receiver.done) throw refuse("it ended without a result");
  return std::move(receiver.trace);
}

}  // namespace fabricsim::io::detail
