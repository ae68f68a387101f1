#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <string_view>
#include <tuple>

#include "routing/replay_trace.hpp"

namespace fabricsim::routing {
namespace {

constexpr std::string_view kColumns[] = {"src", "dst", "index", "path", "fraction"};
constexpr std::size_t kSrc = 0, kDst = 1, kIndex = 2, kPath = 3, kFraction = 4;

std::string_view trim(std::string_view s) {
  const std::size_t first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const std::size_t last = s.find_last_not_of(" \t\r");
  s = s.substr(first, last - first + 1);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> fields;
  for (std::size_t start = 0;;) {
    const std::size_t comma = line.find(',', start);
    fields.push_back(trim(line.substr(start, comma - start)));
    if (comma == std::string_view::npos) return fields;
    start = comma + 1;
  }
}

std::optional<std::uint32_t> to_uint(std::string_view s) {
  std::uint32_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

}  // namespace

std::string trace_row(const std::string& file, bool csv, std::uint64_t row) {
  return csv ? file + ":" + std::to_string(row)
             : file + ": /routing/decisions row " + std::to_string(row);
}

std::uint32_t DecisionTrace::most_pieces() const {
  // A CSV row is a piece; a result file's rows of one subflow are one piece.
  std::map<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>, std::uint32_t> pieces;
  std::uint32_t most = 1;
  for (const TraceDecision& d : decisions) {
    std::uint32_t& n = pieces[{d.src_host, d.dst_host, d.index}];
    n = csv ? n + 1 : std::max(n, d.subflow + 1);
    most = std::max(most, n);
  }
  return most;
}

DecisionTrace read_decisions_csv(const std::string& path) {
  DecisionTrace trace{.file = path, .csv = true};
  std::ifstream in(path);
  if (!in) throw TraceInputError(path + ": cannot open the routing trace");
  const auto fail = [&](std::uint64_t line, const std::string& what) {
    throw TraceInputError(trace.where(line) + ": " + what);
  };
  std::string line;
  std::uint64_t number = 0;
  std::vector<std::size_t> column_of;  // field -> column (kSrc ...)
  while (std::getline(in, line)) {
    ++number;
    const std::string_view text = trim(line);
    if (text.empty() || text.front() == '#') continue;
    const std::vector<std::string_view> fields = split(line);
    if (column_of.empty()) {
      bool seen[std::size(kColumns)] = {};
      for (const std::string_view f : fields) {
        std::size_t c = 0;
        while (c < std::size(kColumns) && kColumns[c] != f) ++c;
        if (c == std::size(kColumns) || seen[c]) {
          fail(number, "header column '" + std::string(f) + "' is " +
                           (c == std::size(kColumns) ? "unknown" : "repeated") +
                           " (valid: src, dst, index, path, fraction; src, dst and path needed)");
        }
        seen[c] = true;
        column_of.push_back(c);
      }
      for (const std::size_t needed : {kSrc, kDst, kPath}) {
        if (!seen[needed])
          fail(number, "the header has no column '" + std::string(kColumns[needed]) + "'");
      }
      continue;
    }
    if (fields.size() != column_of.size()) {
      fail(number, std::to_string(fields.size()) + " fields, the header names " +
                       std::to_string(column_of.size()));
    }
    TraceDecision d{.row = number};
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const std::string_view f = fields[i];
      const std::string name(kColumns[column_of[i]]);
      const auto count = [&] {
        const std::optional<std::uint32_t> v = to_uint(f);
        if (!v) fail(number, name + " is '" + std::string(f) + "', expected an integer >= 0");
        return *v;
      };
      switch (column_of[i]) {
        case kSrc:
          d.src_host = count();
          break;
        case kDst:
          d.dst_host = count();
          break;
        case kIndex:
          d.index = f.empty() ? 0 : count();
          break;
        case kPath:
          if (f.empty()) fail(number, "path is empty (a path id or the switch names it crosses)");
          d.path = f;
          break;
        case kFraction: {
          if (f.empty()) break;
          double v = 0;
          const auto [end, ec] = std::from_chars(f.data(), f.data() + f.size(), v);
          if (ec != std::errc() || end != f.data() + f.size() || !std::isfinite(v) || v <= 0) {
            fail(number, "fraction is '" + std::string(f) + "', expected a number > 0");
          }
          d.fraction = v;
          break;
        }
      }
    }
    trace.decisions.push_back(std::move(d));
  }
  if (column_of.empty()) fail(number, "no header (src,dst,index,path,fraction)");
  return trace;
}

}  // namespace fabricsim::routing
