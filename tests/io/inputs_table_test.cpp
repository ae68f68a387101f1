// The /inputs table: every file a run read, with its absolute path, size and SHA-256.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "hdf5_read.hpp"
#include "io/file_digest.hpp"
#include "io/hdf5_writer.hpp"
#include "support/scratch_dir.hpp"

namespace fabricsim::io {
namespace {

namespace fs = std::filesystem;
using namespace fabricsim::io::testing;

class InputsTable : public ::testing::Test {
 protected:
  fs::path write(const std::string& name, const std::string& bytes) {
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
    return dir_ / name;
  }
  test_support::ScratchDir scratch_{"inputs"};
  const fs::path& dir_ = scratch_.path();
};

TEST_F(InputsTable, DigestMatchesTheStandardSha256TestVectors) {
  // FIPS 180-2 examples: SHA-256("abc") and SHA-256 of no bytes.
  const FileDigest abc = digest_file(write("abc.txt", "abc").string());
  EXPECT_EQ(abc.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(abc.bytes, 3u);
  const FileDigest empty = digest_file(write("empty.txt", "").string());
  EXPECT_EQ(empty.sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(empty.bytes, 0u);
}

TEST_F(InputsTable, DigestReadsFilesLargerThanItsBuffer) {
  // 200,000 bytes of 'a' span several 64 KiB reads; the size must add up exactly.
  const FileDigest big = digest_file(write("big.txt", std::string(200'000, 'a')).string());
  EXPECT_EQ(big.bytes, 200'000u);
  EXPECT_EQ(big.sha256.size(), 64u);
}

TEST_F(InputsTable, DescribeInputResolvesRelativePathsAndSymlinks) {
  write("scenario.yaml", "abc");
  fs::create_symlink(dir_ / "scenario.yaml", dir_ / "alias.yaml");
  const std::string through = (dir_ / "." / "alias.yaml").string();
  const metrics::InputFile input = describe_input("scenario", through);
  EXPECT_EQ(input.role, "scenario");
  EXPECT_EQ(input.path, fs::canonical(dir_ / "scenario.yaml").string());
  EXPECT_EQ(input.bytes, 3u);
  EXPECT_EQ(input.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(InputsTable, MissingInputIsAnErrorNamingIt) {
  const std::string missing = (dir_ / "gone.yaml").string();
  try {
    describe_input("scenario", missing);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
  }
}

TEST_F(InputsTable, ResultFileListsEveryInputWithRolePathBytesAndSha256) {
  metrics::Results results;
  results.info.status = "complete";
  results.info.inputs = {{"scenario", "/a/s.yaml", 3, std::string(64, 'a')},
                         {"connection_matrix", "/a/m.cm", 10, std::string(64, 'b')}};
  const std::string out = (dir_ / "run.h5").string();
  write_results(out, topo::Fabric{}, results);
  const Id f = open_file(out);
  EXPECT_EQ(read_strings(f.get(), "/inputs/role"),
            (std::vector<std::string>{"scenario", "connection_matrix"}));
  EXPECT_EQ(read_strings(f.get(), "/inputs/path"),
            (std::vector<std::string>{"/a/s.yaml", "/a/m.cm"}));
  EXPECT_EQ(read_numbers<std::uint64_t>(f.get(), "/inputs/bytes"),
            (std::vector<std::uint64_t>{3, 10}));
  EXPECT_EQ(read_strings(f.get(), "/inputs/sha256")[1], std::string(64, 'b'));
}

TEST_F(InputsTable, PartialNameCarriesTheProcessId) {
  EXPECT_EQ(partial_path("out.h5"), "out.h5." + std::to_string(::getpid()) + ".partial");
}

}  // namespace
}  // namespace fabricsim::io
