#pragma once
#include <cstdint>
#include <string>

#include "metrics/results.hpp"

namespace fabricsim::io {

/// The SHA-256 of a file's bytes (lower-case hex, 64 digits) and its size in bytes.
struct FileDigest {
  std::string sha256;
  std::uint64_t bytes = 0;
};

/// Reads the file at `path` once and digests it (libcrypto's EVP interface).
/// Throws std::runtime_error naming the file when it cannot be read.
FileDigest digest_file(const std::string& path);

/// The /inputs row of a file the run read: `path` made absolute with symlinks resolved,
/// its size and its SHA-256. Throws std::runtime_error when it cannot be read.
metrics::InputFile describe_input(const std::string& role, const std::string& path);

}  // namespace fabricsim::io
