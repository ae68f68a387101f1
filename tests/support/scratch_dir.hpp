#pragma once
// A fresh folder for one test's files, removed with the object.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace fabricsim::test_support {

/// <temp>/fabricsim_<tag>_<pid>_<test name>, created empty; a member of a test fixture (the
/// fixture is built for each test, while its name is known).
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag)
      : path_(std::filesystem::temp_directory_path() /
              ("fabricsim_" + tag + "_" + std::to_string(::getpid()) + "_" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace fabricsim::test_support
