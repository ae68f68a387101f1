#include "io/file_digest.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace fabricsim::io {
namespace {

using DigestContext = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

std::string hex(const unsigned char* bytes, unsigned size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * size);
  for (unsigned i = 0; i < size; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 0xf];
  }
  return out;
}

}  // namespace

FileDigest digest_file(const std::string& path) {
  const std::string failed = "cannot digest '" + path + "': ";
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(failed + std::strerror(errno));
  const DigestContext context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error(failed + "libcrypto cannot start a SHA-256");
  }
  FileDigest out;
  std::array<char, 1 << 16> buffer{};
  while (in) {
    in.read(buffer.data(), buffer.size());
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got > 0 && EVP_DigestUpdate(context.get(), buffer.data(), got) != 1) {
      throw std::runtime_error(failed + "SHA-256 update failed");
    }
    out.bytes += got;
  }
  if (in.bad()) throw std::runtime_error(failed + "read error");
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned size = 0;
  if (EVP_DigestFinal_ex(context.get(), digest.data(), &size) != 1) {
    throw std::runtime_error(failed + "SHA-256 final failed");
  }
  out.sha256 = hex(digest.data(), size);
  return out;
}

metrics::InputFile describe_input(const std::string& role, const std::string& path) {
  std::error_code ec;
  const std::filesystem::path absolute = std::filesystem::canonical(path, ec);
  if (ec) throw std::runtime_error("cannot resolve '" + path + "': " + ec.message());
  const FileDigest digest = digest_file(absolute.string());
  return {role, absolute.string(), digest.bytes, digest.sha256};
}

}  // namespace fabricsim::io
