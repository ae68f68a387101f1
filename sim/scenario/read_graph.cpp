// `topology: {kind: graph}`: a custom graph written inline (nodes and links, also through a
// topology file) or in a GraphML file (`graphml: FILE`, read with Boost.Graph's read_graphml).
// Both forms become a topo::GraphSpec; every problem fails with the file and line of the node
// or link entry that causes it.
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphml.hpp>
#include <boost/property_tree/detail/file_parser_error.hpp>
#include <boost/property_tree/exceptions.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>
#include <unordered_map>

#include "core/unit_parse.hpp"
#include "scenario/read.hpp"
#include "scenario/suggest.hpp"
#include "scenario/validate.hpp"
#include "topo/limits.hpp"

namespace fabricsim::scenario {
namespace {

const Keys kGraphKeys{"file", "kind", "nodes", "links", "link", "graphml"};
const Keys kNodeKeys{"name", "kind"};
const Keys kLinkItemKeys{"a", "b", "rate", "latency", "count"};
/// The attributes a GraphML file may give, per element.
const Keys kGraphmlNodeAttrs{"kind"};
const Keys kGraphmlEdgeAttrs{"rate", "latency"};
constexpr std::uintmax_t kMaxGraphmlBytes = std::uintmax_t{256} << 20;  // 256 MiB

/// Where each node and cable was written, for the messages of check_graph's problems.
struct Places {
  std::vector<Origin> nodes, cables;
  std::vector<std::string> node_paths, cable_paths;    // key paths ("topology.nodes.3")
  std::vector<std::string> node_labels, cable_labels;  // message prefixes ("" for YAML)
  Origin graph;
  std::string graph_path;
};

[[noreturn]] void fail_problem(const topo::GraphProblem& p, const Places& at) {
  using At = topo::GraphProblem::At;
  if (p.at == At::node)
    fail(at.nodes[p.index], at.node_paths[p.index], at.node_labels[p.index] + p.what);
  if (p.at == At::cable) {
    std::string what = at.cable_labels[p.index] + p.what;
    if (p.first_cable) what += "; its first link is at " + at.cables[*p.first_cable].str();
    fail(at.cables[p.index], at.cable_paths[p.index], what);
  }
  fail(at.graph, at.graph_path, p.what);
}

/// Runs the graph rules and the path limit; fails on the first problem.
void check(const topo::GraphSpec& spec, const Places& at) {
  if (const auto problem = topo::check_graph(spec)) fail_problem(*problem, at);
  const std::uint64_t paths = topo::size_of(spec).paths;
  if (paths > topo::kMaxPaths) {
    fail(at.graph, at.graph_path,
         core::format_count(paths) +
             " equal-cost paths between edge switches, more than the limit of " +
             core::format_count(topo::kMaxPaths));
  }
}

/// "; did you mean 'leaf0'?" when a node name is a likely typo of `name`.
std::string node_suggestion(const std::string& name, const std::vector<topo::GraphNode>& nodes) {
  if (nodes.size() > 10'000) return "";  // a typo hint is not worth a quadratic scan
  Keys names;
  for (const topo::GraphNode& n : nodes) names.push_back(n.name);
  const std::string near = closest(name, names);
  return near.empty() ? "" : "; did you mean '" + near + "'?";
}

// ---- The inline form ---------------------------------------------------------------------

topo::GraphSpec read_inline(const Tree& t, const topo::LinkSpec& defaults) {
  topo::GraphSpec spec;
  Places at{.graph = t.find("kind")->where(), .graph_path = "topology"};
  const Tree* nodes = t.find("nodes");
  const Tree* links = t.find("links");
  if (nodes == nullptr || links == nullptr) {
    fail(t.find("kind")->where(), nodes == nullptr ? "topology.nodes" : "topology.links",
         "missing: a graph needs `nodes` (- {name: leaf0, kind: leaf}) and `links` "
         "(- {a: host0, b: leaf0, rate: 400Gbps, latency: 500ns}), or `graphml: FILE`");
  }
  if (!nodes->is_list()) {
    fail(nodes->where(), "topology.nodes",
         "expected a list of nodes such as - {name: leaf0, kind: leaf}, got " + describe(*nodes));
  }
  if (!links->is_list()) {
    fail(links->where(), "topology.links",
         "expected a list of links such as - {a: host0, b: leaf0, rate: 400Gbps}, got " +
             describe(*links));
  }
  std::unordered_map<std::string, std::uint32_t> index;
  for (std::size_t i = 0; i < nodes->items.size(); ++i) {
    const Tree& item = nodes->items[i];
    const std::string path = "topology.nodes." + std::to_string(i);
    check_map(item, path, kNodeKeys);
    const Tree* name = item.find("name");
    const Tree* kind = item.find("kind");
    if (name == nullptr || kind == nullptr) {
      fail(item.where(), path,
           std::string("missing: ") + (name ? "kind" : "name") +
               " (a node is {name: NAME, kind: KIND}; kinds: " + join(topo::node_kind_names()) +
               ")");
    }
    const std::string& text = scalar(*name, child(path, "name"), "a node name");
    if (text.empty()) fail(name->where(), child(path, "name"), "must not be empty");
    const auto [it, fresh] = index.emplace(text, static_cast<std::uint32_t>(i));
    if (!fresh) {
      fail(
          name->where(), child(path, "name"),
          "duplicate node name '" + text + "' (first given at " + at.nodes[it->second].str() + ")");
    }
    const std::string& kind_name =
        read_choice(*kind, child(path, "kind"), "node kind", topo::node_kind_names());
    spec.nodes.push_back({text, *topo::node_kind_from(kind_name)});
    at.nodes.push_back(item.where());
    at.node_paths.push_back(path);
    at.node_labels.emplace_back();
  }
  for (std::size_t i = 0; i < links->items.size(); ++i) {
    const Tree& item = links->items[i];
    const std::string path = "topology.links." + std::to_string(i);
    check_map(item, path, kLinkItemKeys);
    std::uint32_t ends[2] = {0, 0};
    for (int e = 0; e < 2; ++e) {
      const char* key = e == 0 ? "a" : "b";
      const Tree* v = item.find(key);
      if (v == nullptr)
        fail(item.where(), path,
             std::string("missing: ") + key + " (a link is {a: NODE, b: NODE, rate, latency})");
      const std::string& name = scalar(*v, child(path, key), "a node name");
      const auto found = index.find(name);
      if (found == index.end()) {
        fail(v->where(), child(path, key),
             "unknown node '" + name + "'" + node_suggestion(name, spec.nodes));
      }
      ends[e] = found->second;
    }
    topo::LinkSpec link = defaults;
    if (const Tree* v = item.find("rate")) link.rate = read_rate(*v, child(path, "rate"));
    if (const Tree* v = item.find("latency"))
      link.latency = read_link_latency(*v, child(path, "latency"));
    std::uint64_t count = 1;
    if (const Tree* v = item.find("count")) {
      count = read_count(*v, child(path, "count"), 1, topo::kMaxLinks / 2);
    }
    if (spec.cables.size() + count > topo::kMaxLinks / 2) {
      fail(item.where(), path,
           "more than the limit of " + core::format_count(topo::kMaxLinks / 2) + " cables (" +
               core::format_count(topo::kMaxLinks) + " directed links)");
    }
    for (std::uint64_t k = 0; k < count; ++k) {
      spec.cables.push_back({ends[0], ends[1], link});
      at.cables.push_back(item.where());
      at.cable_paths.push_back(path);
      at.cable_labels.emplace_back();
    }
  }
  check(spec, at);
  return spec;
}

// ---- GraphML -----------------------------------------------------------------------------

/// One start tag of the GraphML file: its local name, attributes and position.
struct XmlTag {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attrs;
  int line = 0, column = 0;
  const std::string* attr(std::string_view key) const {
    for (const auto& [k, v] : attrs) {
      if (k == key) return &v;
    }
    return nullptr;
  }
};

std::string decode_entities(std::string_view raw) {
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const std::size_t semi = raw[i] == '&' ? raw.find(';', i) : std::string_view::npos;
    if (semi == std::string_view::npos) {
      out += raw[i];
      continue;
    }
    const std::string_view entity = raw.substr(i + 1, semi - i - 1);
    unsigned long code = 0;
    if (entity == "lt")
      code = '<';
    else if (entity == "gt")
      code = '>';
    else if (entity == "amp")
      code = '&';
    else if (entity == "quot")
      code = '"';
    else if (entity == "apos")
      code = '\'';
    else if (entity.size() > 1 && entity[0] == '#') {
      const bool hex = entity[1] == 'x';
      code = std::strtoul(std::string(entity.substr(hex ? 2 : 1)).c_str(), nullptr, hex ? 16 : 10);
    }
    if (code == 0 || code > 127) {
      out += raw[i];  // kept as written
      continue;
    }
    out += static_cast<char>(code);
    i = semi;
  }
  return out;
}

/// Walks the start tags of an XML text that read_xml already accepted (so it is well formed),
/// skipping comments, CDATA, processing instructions and declarations. `visit(tag, parent)`
/// gets each start tag with its parent element's local name ("" at the root).
template <typename Visit>
void scan_xml(const std::string& text, Visit visit) {
  std::vector<std::string> open;
  int line = 1;
  std::size_t line_start = 0, counted = 0;
  const auto position = [&](std::size_t at) {
    for (; counted < at; ++counted) {
      if (text[counted] == '\n') ++line, line_start = counted + 1;
    }
    return std::pair{line, static_cast<int>(at - line_start) + 1};
  };
  const auto skip_to = [&](std::size_t from, std::string_view end) {
    const std::size_t found = text.find(end, from);
    return found == std::string::npos ? text.size() : found + end.size();
  };
  const auto local = [](std::string name) {
    const std::size_t colon = name.find(':');
    return colon == std::string::npos ? name : name.substr(colon + 1);
  };
  std::size_t i = 0;
  while ((i = text.find('<', i)) != std::string::npos) {
    if (text.compare(i, 4, "<!--") == 0) {
      i = skip_to(i + 4, "-->");
      continue;
    }
    if (text.compare(i, 9, "<![CDATA[") == 0) {
      i = skip_to(i + 9, "]]>");
      continue;
    }
    if (text.compare(i, 2, "<?") == 0) {
      i = skip_to(i + 2, "?>");
      continue;
    }
    if (text.compare(i, 2, "<!") == 0) {
      i = skip_to(i + 2, ">");
      continue;
    }
    if (text.compare(i, 2, "</") == 0) {
      if (!open.empty()) open.pop_back();
      i = skip_to(i + 2, ">");
      continue;
    }
    XmlTag tag;
    std::tie(tag.line, tag.column) = position(i);
    std::size_t j = i + 1;
    const auto is_space = [&](std::size_t k) {
      return k < text.size() && std::isspace(static_cast<unsigned char>(text[k]));
    };
    while (j < text.size() && !is_space(j) && text[j] != '/' && text[j] != '>') ++j;
    tag.name = local(text.substr(i + 1, j - i - 1));
    bool self_closing = false;
    while (j < text.size()) {
      while (is_space(j)) ++j;
      if (j >= text.size()) break;
      if (text[j] == '>') {
        ++j;
        break;
      }
      if (text[j] == '/') {
        self_closing = true;
        j = skip_to(j, ">");
        break;
      }
      const std::size_t name_start = j;
      while (j < text.size() && text[j] != '=' && !is_space(j) && text[j] != '>') ++j;
      std::string key = text.substr(name_start, j - name_start);
      while (is_space(j)) ++j;
      if (j >= text.size() || text[j] != '=') continue;
      ++j;
      while (is_space(j)) ++j;
      if (j >= text.size()) break;
      const char quote = text[j];
      const std::size_t end = text.find(quote, j + 1);
      if (end == std::string::npos) break;
      tag.attrs.emplace_back(std::move(key),
                             decode_entities(std::string_view(text).substr(j + 1, end - j - 1)));
      j = end + 1;
    }
    visit(tag, open.empty() ? std::string() : open.back());
    if (!self_closing) open.push_back(tag.name);
    i = j;
  }
}

/// What the scan of a GraphML file found: keys, nodes, edges, and where each was written.
struct GraphmlScan {
  struct Key {
    std::string id, for_, name;
    Origin at;
  };
  struct Element {
    std::string id, source, target;
    Origin at;
    std::unordered_map<std::string, Origin> data;  // attribute name -> its <data> element
  };
  std::vector<Key> keys;
  std::vector<Element> nodes, edges;
};

/// Scans `text` for the structure read_graphml leaves implicit (node ids, positions) and
/// checks it: one undirected graph, declared keys fabricsim reads, unique node ids.
GraphmlScan scan_graphml(const std::string& text, const std::string& file) {
  GraphmlScan scan;
  const std::string key_path = "topology.graphml";
  int graphs = 0;
  std::unordered_map<std::string, std::size_t> key_index, node_index;
  std::vector<GraphmlScan::Element>* current =
      nullptr;  // the list whose last element's <data> follow
  bool root_seen = false;
  scan_xml(text, [&](const XmlTag& tag, const std::string& parent) {
    const Origin at{file, tag.line, tag.column, ""};
    if (!root_seen) {
      root_seen = true;
      if (tag.name != "graphml")
        fail(at, key_path,
             "not a GraphML file: the root element is <" + tag.name + ">, not <graphml>");
    }
    const auto required = [&](const char* attr) -> const std::string& {
      const std::string* v = tag.attr(attr);
      if (v == nullptr || v->empty())
        fail(at, key_path, "<" + tag.name + "> needs the attribute " + attr);
      return *v;
    };
    if (tag.name == "key" && parent == "graphml") {
      GraphmlScan::Key key{required("id"), tag.attr("for") ? *tag.attr("for") : "all",
                           tag.attr("attr.name") ? *tag.attr("attr.name") : "", at};
      const Keys* valid = key.for_ == "node"   ? &kGraphmlNodeAttrs
                          : key.for_ == "edge" ? &kGraphmlEdgeAttrs
                                               : nullptr;
      Keys all = kGraphmlNodeAttrs;
      all.insert(all.end(), kGraphmlEdgeAttrs.begin(), kGraphmlEdgeAttrs.end());
      if (key.for_ == "all") valid = &all;
      if (key.for_ != "graph" && key.for_ != "graphml") {
        if (valid == nullptr)
          fail(at, key_path,
               "key '" + key.id + "': for=\"" + key.for_ +
                   "\" is not supported (valid: node, edge, all, graph)");
        if (std::find(valid->begin(), valid->end(), key.name) == valid->end()) {
          fail(at, key_path,
               "key '" + key.id + "': unknown " + (key.for_ == "all" ? "" : key.for_ + " ") +
                   "attribute '" + key.name + "'" + valid_choices(key.name, *valid));
        }
        const std::string* type = tag.attr("attr.type");
        if (type == nullptr || *type != "string") {
          fail(at, key_path,
               "key '" + key.id + "' (" + key.name +
                   "): attr.type must be \"string\" (values carry their unit, such as 400Gbps or "
                   "500ns)" +
                   (type ? ", got \"" + *type + "\"" : ""));
        }
      }
      key_index[key.id] = scan.keys.size();
      scan.keys.push_back(std::move(key));
    } else if (tag.name == "graph") {
      if (++graphs > 1)
        fail(at, key_path, "a second graph (nested or not): a GraphML file holds one graph here");
      const std::string* edgedefault = tag.attr("edgedefault");
      if (edgedefault == nullptr || *edgedefault != "undirected") {
        fail(at, key_path,
             "the graph needs edgedefault=\"undirected\": each edge is one cable, used both ways");
      }
    } else if (tag.name == "node" && parent == "graph") {
      const std::string& id = required("id");
      const auto [it, fresh] = node_index.emplace(id, scan.nodes.size());
      if (!fresh)
        fail(at, key_path,
             "duplicate node id '" + id + "' (first given at " + scan.nodes[it->second].at.str() +
                 ")");
      scan.nodes.push_back({id, "", "", at, {}});
      current = &scan.nodes;
    } else if (tag.name == "edge" && parent == "graph") {
      const std::string* directed = tag.attr("directed");
      if (directed != nullptr && *directed == "true") {
        fail(at, key_path,
             "a directed edge: each edge is one cable, used both ways (drop directed=\"true\")");
      }
      scan.edges.push_back(
          {tag.attr("id") ? *tag.attr("id") : "", required("source"), required("target"), at, {}});
      current = &scan.edges;
    } else if (tag.name == "data" && (parent == "node" || parent == "edge") && current != nullptr) {
      const std::string& key = required("key");
      const auto found = key_index.find(key);
      if (found == key_index.end())
        fail(at, key_path, "<data key=\"" + key + "\"> names no <key> declared before it");
      current->back().data.emplace(scan.keys[found->second].name, at);
    } else if (tag.name == "hyperedge" || tag.name == "port") {
      fail(at, key_path, "<" + tag.name + "> is not supported: give nodes and edges only");
    }
  });
  if (!root_seen)
    fail(Origin{file, 0, 0, ""}, key_path, "not a GraphML file: no <graphml> element");
  if (graphs == 0) fail(Origin{file, 0, 0, ""}, key_path, "the file has no <graph>");
  for (const GraphmlScan::Element& edge : scan.edges) {
    for (const std::string* end : {&edge.source, &edge.target}) {
      if (node_index.count(*end) == 0) {
        std::vector<topo::GraphNode> nodes;
        for (const auto& n : scan.nodes) nodes.push_back({n.id, topo::NodeKind::host});
        fail(edge.at, key_path,
             "edge " + (edge.id.empty() ? "" : "'" + edge.id + "' ") + "names node '" + *end +
                 "', which no <node> declares" + node_suggestion(*end, nodes));
      }
    }
  }
  return scan;
}

/// The graph read_graphml fills: string properties, and each edge's place in the file.
struct VertexData {
  std::string kind;
};
struct EdgeData {
  std::string rate, latency;
  std::size_t order = 0;
};
using ReadGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, VertexData, EdgeData>;

/// read_graphml's adapter, numbering edges in the order the file gives them (an undirected
/// adjacency_list does not iterate its edges in that order).
class NumberingMutator : public boost::mutate_graph_impl<ReadGraph> {
 public:
  using boost::mutate_graph_impl<ReadGraph>::mutate_graph_impl;
  std::pair<boost::any, bool> do_add_edge(boost::any source, boost::any target) override {
    auto added = boost::mutate_graph_impl<ReadGraph>::do_add_edge(source, target);
    m_g[boost::any_cast<ReadGraph::edge_descriptor>(added.first)].order = edges_++;
    return added;
  }
  std::size_t edges() const { return edges_; }

 private:
  std::size_t edges_ = 0;
};

template <typename Parse>
auto parse_graphml_value(const std::string& text, const Origin& at, const std::string& label,
                         const char* attr, Parse parse) {
  const std::string path = "topology.graphml";
  if (!text.empty() && text[0] == '-')
    fail(at, path, label + attr + " must not be negative, got '" + text + "'");
  try {
    return parse(text);
  } catch (const core::UnitError& e) {
    fail(at, path, label + attr + ": " + e.what());
  }
}

topo::GraphSpec read_graphml_file(const Tree& value, const topo::LinkSpec& defaults) {
  const std::string key_path = "topology.graphml";
  const std::string file = resolve_input_file(value, key_path, "GraphML file");
  std::error_code ec;
  const std::uintmax_t bytes = std::filesystem::file_size(file, ec);
  if (!ec && bytes > kMaxGraphmlBytes) {
    fail(value.where(), key_path,
         "'" + file + "' is " + core::format_count(bytes) + " bytes, more than the limit of " +
             core::format_count(kMaxGraphmlBytes) + " for a GraphML file");
  }
  std::ifstream in(file, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (!in) fail(Origin{file, 0, 0, ""}, key_path, "cannot read the GraphML file");
  const std::string text = buffer.str();

  ReadGraph graph;
  boost::dynamic_properties properties(boost::ignore_other_properties);
  properties.property("kind", boost::get(&VertexData::kind, graph));
  properties.property("rate", boost::get(&EdgeData::rate, graph));
  properties.property("latency", boost::get(&EdgeData::latency, graph));
  NumberingMutator mutator(graph, properties);
  std::string reader_error;
  try {
    std::istringstream stream(text);
    boost::read_graphml(stream, mutator, 0);
  } catch (const boost::property_tree::file_parser_error& e) {
    fail(Origin{file, static_cast<int>(e.line()), 1, ""}, key_path,
         "XML syntax error: " + e.message());
  } catch (const std::exception& e) {
    reader_error = e.what();  // the scan below names the element when it can
  }
  const GraphmlScan scan = scan_graphml(text, file);
  if (!reader_error.empty())
    fail(Origin{file, 0, 0, ""}, key_path, "read_graphml: " + reader_error);
  if (boost::num_vertices(graph) != scan.nodes.size() || mutator.edges() != scan.edges.size()) {
    fail(Origin{file, 0, 0, ""}, key_path,
         "read_graphml found " + std::to_string(boost::num_vertices(graph)) + " nodes and " +
             std::to_string(mutator.edges()) + " edges, the scan " +
             std::to_string(scan.nodes.size()) + " and " + std::to_string(scan.edges.size()) +
             "; is every node and edge directly inside <graph>?");
  }

  topo::GraphSpec spec;
  Places at{.graph = Origin{file, 0, 0, ""}, .graph_path = key_path};
  std::unordered_map<std::string, std::uint32_t> index;
  const auto data_at = [](const GraphmlScan::Element& e, const char* attr) {
    const auto found = e.data.find(attr);
    return found == e.data.end() ? e.at : found->second;
  };
  for (std::uint32_t n = 0; n < scan.nodes.size(); ++n) {
    const GraphmlScan::Element& node = scan.nodes[n];
    const std::string label = "node '" + node.id + "': ";
    const std::string& kind = graph[n].kind;
    if (kind.empty()) {
      fail(node.at, key_path,
           label +
               "no kind (give <data key=...>KIND</data> of the key with attr.name=\"kind\"; "
               "valid: " +
               join(topo::node_kind_names()) + ")");
    }
    const auto parsed = topo::node_kind_from(kind);
    if (!parsed)
      fail(data_at(node, "kind"), key_path,
           label + "unknown node kind '" + kind + "'" +
               valid_choices(kind, topo::node_kind_names()));
    index.emplace(node.id, n);
    spec.nodes.push_back({node.id, *parsed});
    at.nodes.push_back(node.at);
    at.node_paths.push_back(key_path);
    at.node_labels.push_back(label);
  }
  std::vector<ReadGraph::edge_descriptor> in_order(scan.edges.size());
  for (const auto e : boost::make_iterator_range(boost::edges(graph))) in_order[graph[e].order] = e;
  for (std::size_t i = 0; i < scan.edges.size(); ++i) {
    const GraphmlScan::Element& edge = scan.edges[i];
    const EdgeData& data = graph[in_order[i]];
    const std::string label = "edge " +
                              (edge.id.empty() ? "#" + std::to_string(i) : "'" + edge.id + "'") +
                              " (" + edge.source + " -- " + edge.target + "): ";
    topo::LinkSpec link = defaults;
    if (!data.rate.empty()) {
      const Origin where = data_at(edge, "rate");
      link.rate = parse_graphml_value(data.rate, where, label, "rate", core::parse_bitrate);
      if (link.rate.bps() == 0)
        fail(where, key_path, label + "rate must be greater than zero, got '" + data.rate + "'");
    }
    if (!data.latency.empty()) {
      const Origin where = data_at(edge, "latency");
      link.latency = parse_graphml_value(data.latency, where, label, "latency", core::parse_time);
      if (link.latency > kMaxLinkLatency) {
        fail(where, key_path,
             label + "latency must be at most " + core::format_time(kMaxLinkLatency) + ", got '" +
                 data.latency + "'");
      }
    }
    spec.cables.push_back({index.at(edge.source), index.at(edge.target), link});
    at.cables.push_back(edge.at);
    at.cable_paths.push_back(key_path);
    at.cable_labels.push_back(label);
  }
  check(spec, at);
  return spec;
}

}  // namespace

topo::GraphSpec read_graph(const Tree& t) {
  check_map(t, "topology", kGraphKeys);
  topo::LinkSpec defaults;
  if (const Tree* v = t.find("link")) defaults = read_link(*v, "topology.link");
  if (const Tree* graphml = t.find("graphml")) {
    for (const char* other : {"nodes", "links"}) {
      if (const Tree* v = t.find(other)) {
        fail(v->where(), child("topology", other),
             "give either `graphml: FILE` or `nodes` and `links`, not both");
      }
    }
    return read_graphml_file(*graphml, defaults);
  }
  return read_inline(t, defaults);
}

}  // namespace fabricsim::scenario
