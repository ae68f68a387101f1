// libFuzzer target: the scenario loader with --set overrides. The input is a scenario YAML,
// then, after each NUL byte, one --set argument. Bad input must be refused with an
// exception (ScenarioError for everything the user wrote), never a signal.
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include "fuzz_input.hpp"
#include "scenario/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::size_t end = text.find('\0');
  std::vector<std::string> overrides;
  for (std::size_t start = end; start != std::string::npos && start < text.size();) {
    const std::size_t next = text.find('\0', start + 1);
    overrides.push_back(
        text.substr(start + 1, next == std::string::npos ? next : next - start - 1));
    start = next;
  }
  const std::string yaml = text.substr(0, end);
  const std::string path = fabricsim::fuzz::write_scratch(
      "scenario.yaml", reinterpret_cast<const std::uint8_t*>(yaml.data()), yaml.size());
  try {
    fabricsim::scenario::load(path, overrides);
  } catch (const std::exception&) {
  }
  return 0;
}
