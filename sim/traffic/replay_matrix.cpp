// Parser of htsim connection matrices (the format of htsim's connection_matrix.cpp):
//   Nodes 8
//   Connections 2
//   0->5 id 1 start 0 size 2000000
//   3->1 id 2 start 12.5 size 65536
// start is in microseconds, size in bytes. Blank lines and `#` comments are ignored.
#include <charconv>
#include <cstdint>
#include <fstream>
#include <istream>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/limits.hpp"
#include "core/unit_parse.hpp"
#include "traffic/replay.hpp"

namespace fabricsim::traffic {
namespace {

/// Reports problems as "name:line: message" (std::invalid_argument: bad input).
class LineError {
 public:
  LineError(const std::string& name, std::size_t line) : name_(name), line_(line) {}
  [[noreturn]] void operator()(const std::string& message) const {
    throw std::invalid_argument(name_ + ":" + std::to_string(line_) + ": " + message);
  }

 private:
  const std::string& name_;
  std::size_t line_;
};

/// The line without its comment, split on whitespace; "a->b" splits into "a", "->", "b".
std::vector<std::string_view> tokens_of(std::string_view line, std::string& scratch) {
  line = line.substr(0, line.find('#'));
  scratch.clear();
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line.compare(i, 2, "->") == 0) {
      scratch += " -> ";
      ++i;
    } else {
      scratch += line[i];
    }
  }
  std::vector<std::string_view> out;
  std::string_view rest = scratch;
  for (;;) {
    const std::size_t begin = rest.find_first_not_of(" \t\r\v\f");
    if (begin == std::string_view::npos) return out;
    rest.remove_prefix(begin);
    const std::size_t end = std::min(rest.find_first_of(" \t\r\v\f"), rest.size());
    out.push_back(rest.substr(0, end));
    rest.remove_prefix(end);
  }
}

std::optional<std::uint64_t> to_uint(std::string_view s) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

/// A decimal number of microseconds ("12", "0.5", "3.000001") as exact picoseconds.
std::optional<core::Time> to_time_us(std::string_view s) {
  const std::size_t dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  const std::string_view frac =
      dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  constexpr std::uint64_t kMaxUs = core::kMaxInputTime.ps() / 1'000'000;
  const std::optional<std::uint64_t> us =
      whole.empty() ? std::optional<std::uint64_t>(0) : to_uint(whole);
  if (!us || *us > kMaxUs || (whole.empty() && frac.empty()) || frac.size() > 6)
    return std::nullopt;
  std::uint64_t ps = 0;
  if (!frac.empty()) {
    const std::optional<std::uint64_t> f = to_uint(frac);
    if (!f) return std::nullopt;
    ps = *f;
    for (std::size_t i = frac.size(); i < 6; ++i) ps *= 10;  // 6 fractional digits of us = 1 ps
  }
  const core::Time t = core::Time::ps(static_cast<std::int64_t>(*us * 1'000'000 + ps));
  if (t > core::kMaxInputTime) return std::nullopt;
  return t;
}

/// A count header ("Nodes 8"): the value, at most `max`.
std::uint64_t header_value(const std::vector<std::string_view>& t, std::uint64_t max,
                           const LineError& error) {
  const std::optional<std::uint64_t> v = t.size() == 2 ? to_uint(t[1]) : std::nullopt;
  if (!v || *v > max) {
    error("expected '" + std::string(t[0]) + " <count>' with a count in 0.." + std::to_string(max));
  }
  return *v;
}

Connection parse_connection(const std::vector<std::string_view>& t, std::uint64_t nodes,
                            const LineError& error) {
  if (t.size() < 3 || t[1] != "->") error("expected 'src->dst id K start <us> size <bytes>'");
  const auto node = [&](std::string_view s) {
    const std::optional<std::uint64_t> v = to_uint(s);
    if (!v) error("node '" + std::string(s) + "' is not a node index");
    if (*v >= nodes) {
      error("node " + std::string(s) + " is out of range (Nodes " + std::to_string(nodes) +
            ": valid 0.." + std::to_string(nodes - 1) + ")");
    }
    return static_cast<std::uint32_t>(*v);
  };
  Connection c{
      .src = node(t[0]), .dst = node(t[2]), .id = -1, .start = {}, .bytes = core::Bytes(0)};
  if (c.src == c.dst) error("connection from node " + std::string(t[0]) + " to itself");
  if ((t.size() - 3) % 2 != 0)
    error("'" + std::string(t.back()) + "' has no value (expected key value pairs)");
  bool has_start = false;
  for (std::size_t i = 3; i < t.size(); i += 2) {
    const std::string key(t[i]);
    const std::string value(t[i + 1]);
    if (key == "id") {
      const std::optional<std::uint64_t> v = to_uint(value);
      if (!v || *v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        error("id '" + value + "' is not a non-negative integer");
      }
      c.id = static_cast<std::int64_t>(*v);
    } else if (key == "start") {
      const std::optional<core::Time> v = to_time_us(value);
      if (!v)
        error("start '" + value +
              "' is not a time in microseconds (e.g. 0, 12.5; at most 6 decimals; valid 0.." +
              std::to_string(core::kMaxInputTime.ps() / 1'000'000) + ")");
      c.start = *v;
      has_start = true;
    } else if (key == "size") {
      const std::optional<std::uint64_t> v = to_uint(value);
      const auto max = static_cast<std::uint64_t>(core::kMaxInputBytes.count());
      if (!v || *v == 0 || *v > max) {
        error("size '" + value + "' is not a byte count in 1.." + std::to_string(max) + " (" +
              core::format_bytes(core::kMaxInputBytes) + ")");
      }
      c.bytes = core::Bytes(static_cast<std::int64_t>(*v));
    } else {
      error("unknown key '" + key + "' (valid: id, start, size)");
    }
  }
  if (!has_start || c.bytes.count() == 0)
    error(std::string("missing ") + (has_start ? "size" : "start"));
  return c;
}

}  // namespace

ConnectionMatrix parse_connection_matrix(std::istream& in, const std::string& name) {
  ConnectionMatrix out;
  std::optional<std::uint64_t> nodes, connections;
  std::size_t connections_line = 0;
  std::string line, scratch;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    const LineError error(name, number);
    const std::vector<std::string_view> t = tokens_of(line, scratch);
    if (t.empty()) continue;
    if (t[0] == "Nodes" || t[0] == "Connections") {
      std::optional<std::uint64_t>& slot = t[0] == "Nodes" ? nodes : connections;
      if (slot) error("second '" + std::string(t[0]) + "' header");
      if (!out.connections.empty())
        error("'" + std::string(t[0]) + "' header after the first connection");
      slot = header_value(
          t, t[0] == "Nodes" ? std::numeric_limits<std::uint32_t>::max() : std::uint64_t{1} << 40,
          error);
      if (t[0] == "Connections") connections_line = number;
      if (nodes == std::uint64_t{0}) error("Nodes must be at least 1");
      continue;
    }
    if (!nodes || !connections) {
      error("a connection before the 'Nodes N' and 'Connections C' headers (or an unknown line: " +
            std::string(t[0]) + ")");
    }
    out.connections.push_back(parse_connection(t, *nodes, error));
  }
  if (!nodes || !connections)
    throw std::invalid_argument(name + ": missing the 'Nodes N' or 'Connections C' header");
  if (*connections != out.connections.size()) {
    LineError(name, connections_line)("header says Connections " + std::to_string(*connections) +
                                      " but the file lists " +
                                      std::to_string(out.connections.size()));
  }
  out.nodes = static_cast<std::uint32_t>(*nodes);
  return out;
}

ConnectionMatrix load_connection_matrix(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument(path + ": cannot open the connection matrix");
  return parse_connection_matrix(in, path);
}

}  // namespace fabricsim::traffic
