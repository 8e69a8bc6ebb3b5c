#pragma once
/// \file
/// hMETIS hypergraph files (`.hgr`): the source hypergraphs of the colouring reduction
/// (Lemma 17).
///
/// Format (lines starting with '%' are comments, as are blank lines):
///
///     E V [fmt]            number of hyperedges, number of vertices, optional weight format
///     [w] v_1 ... v_q      E lines, one hyperedge each: its 1-based vertices
///     [w_v]                V lines of vertex weights if fmt is 10 or 11
///
/// fmt 0 (or absent) is unweighted. With fmt 1 each hyperedge line starts with an integer weight,
/// with 10 the file ends with one weight per vertex, with 11 both. Colouring has no weights, so
/// they are checked to be integers >= 0 and then dropped. Every hyperedge needs at least 2
/// distinct vertices (problems::Hypergraph; a 1-vertex edge is monochromatic under every
/// colouring). Throws ParseError with the line for any other fmt, a count mismatch, a vertex
/// outside [1, V], a repeated vertex in an edge, or text after the last expected line. V is at
/// most 2^24 (detail::max_file_vertices, as for DIMACS graphs): problems::Hypergraph allocates
/// per vertex. Nothing is allocated from the header's counts before the lines that back them.
///
/// \code
/// std::istringstream in("% two edges\n2 4\n1 2 3\n2 3 4\n");
/// krelu::problems::Hypergraph h = krelu::read_hypergraph_hmetis(in, "tiny.hgr");  // 0-based
/// krelu::write_hypergraph_hmetis(std::cout, h);
/// \endcode

#include <algorithm>
#include <filesystem>
#include <istream>
#include <limits>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "krelu/io/dimacs.hpp"  // detail::line_count, detail::expect_line_end
#include "krelu/io/parse_error.hpp"
#include "krelu/io/text_lines.hpp"
#include "krelu/problems/hypergraph.hpp"

namespace krelu {

namespace detail {

/// Advances to the next line that is neither blank nor a '%' comment; false at the end.
inline bool next_hmetis_line(LineReader& lines) {
  while (lines.next()) {
    std::size_t pos = 0;
    const std::string_view first = next_token(lines.line(), pos);
    if (!first.empty() && first.front() != '%') return true;
  }
  return false;
}

}  // namespace detail

/// Reads an hMETIS hypergraph from a stream (vertices become 0-based); `name` is used in messages.
inline problems::Hypergraph read_hypergraph_hmetis(std::istream& in, const std::string& name) {
  constexpr long long int_max = std::numeric_limits<int>::max();
  detail::LineReader lines(in, name);
  if (!detail::next_hmetis_line(lines))
    throw ParseError(name, std::max<std::size_t>(lines.number(), 1), 1, "empty file: expected the header 'E V [fmt]'");
  const std::string form = "the header must read 'E V [fmt]'";
  std::size_t pos = 0;
  const std::string_view header = lines.line();
  const long long E = detail::line_count(lines, detail::next_token(header, pos), "the number of hyperedges E", 0, int_max);
  const long long V = detail::line_count(lines, detail::next_token(header, pos), "the number of vertices V", 0,
                                         detail::max_file_vertices);
  const std::string_view fmt_token = detail::next_token(header, pos);
  long long fmt = 0;
  if (!fmt_token.empty()) {
    fmt = detail::line_count(lines, fmt_token, "the weight format fmt", 0, 11);
    if (fmt != 0 && fmt != 1 && fmt != 10 && fmt != 11)
      lines.fail_at(fmt_token, "the weight format fmt must be 0, 1, 10 or 11, found " + std::string(fmt_token));
  }
  detail::expect_line_end(lines, pos, form);
  const bool edge_weights = fmt == 1 || fmt == 11, vertex_weights = fmt == 10 || fmt == 11;

  std::vector<std::vector<int>> edges;
  std::vector<char> in_edge;  // grows to the largest vertex seen, not to the header's V
  for (long long e = 0; e < E; ++e) {
    if (!detail::next_hmetis_line(lines))
      throw ParseError(name, std::max<std::size_t>(lines.number(), 1), 1,
                       "unexpected end of file: the header announces " + std::to_string(E) + " hyperedges, found " +
                           std::to_string(e));
    const std::string_view line = lines.line();
    pos = 0;
    if (edge_weights) detail::line_count(lines, detail::next_token(line, pos), "the hyperedge weight", 0, int_max);
    std::vector<int> edge;
    for (std::string_view t = detail::next_token(line, pos); !t.empty(); t = detail::next_token(line, pos)) {
      if (t.front() == '%') break;
      const long long v = detail::line_count(lines, t, "a vertex (1.." + std::to_string(V) + ")", 0, int_max);
      if (v < 1 || v > V) lines.fail_at(t, "vertex " + std::to_string(v) + " is outside 1.." + std::to_string(V));
      if (in_edge.size() < static_cast<std::size_t>(v)) in_edge.resize(static_cast<std::size_t>(v), 0);
      if (in_edge[static_cast<std::size_t>(v - 1)])
        lines.fail_at(t, "vertex " + std::to_string(v) + " appears twice in hyperedge " + std::to_string(e + 1));
      in_edge[static_cast<std::size_t>(v - 1)] = 1;
      edge.push_back(static_cast<int>(v - 1));
    }
    for (int v : edge) in_edge[static_cast<std::size_t>(v)] = 0;
    if (edge.size() < 2)
      lines.fail(1, "hyperedge " + std::to_string(e + 1) + " has " + std::to_string(edge.size()) +
                        " vertices; colouring needs at least 2 per hyperedge");
    edges.push_back(std::move(edge));
  }
  if (vertex_weights)
    for (long long v = 0; v < V; ++v) {
      if (!detail::next_hmetis_line(lines))
        throw ParseError(name, std::max<std::size_t>(lines.number(), 1), 1,
                         "unexpected end of file: fmt " + std::to_string(fmt) + " needs " + std::to_string(V) +
                             " vertex weight lines, found " + std::to_string(v));
      pos = 0;
      detail::line_count(lines, detail::next_token(lines.line(), pos), "the weight of vertex " + std::to_string(v + 1),
                         0, int_max);
      detail::expect_line_end(lines, pos, "a vertex weight line holds one integer");
    }
  if (detail::next_hmetis_line(lines)) {
    pos = 0;
    lines.fail_at(detail::next_token(lines.line(), pos),
                  "unexpected line after the " + std::to_string(E) + " hyperedges" +
                      (vertex_weights ? std::string(" and the vertex weights") : std::string()) + " of the header");
  }
  return problems::Hypergraph(static_cast<int>(V), std::move(edges));
}

/// Reads an hMETIS file; std::runtime_error if it cannot be opened.
inline problems::Hypergraph read_hypergraph_hmetis(const std::filesystem::path& path) {
  auto in = detail::open_input(path, "read_hypergraph_hmetis");
  return read_hypergraph_hmetis(in, path.string());
}

/// Writes `h` unweighted: `E V`, then one line of 1-based vertices per hyperedge.
inline void write_hypergraph_hmetis(std::ostream& out, const problems::Hypergraph& h) {
  out << h.edge_count() << ' ' << h.vertices() << '\n';
  for (const auto& e : h.edges()) {
    for (std::size_t p = 0; p < e.size(); ++p) out << (p ? " " : "") << e[p] + 1;
    out << '\n';
  }
}

/// Writes an hMETIS file; std::runtime_error if it cannot be written.
inline void write_hypergraph_hmetis(const std::filesystem::path& path, const problems::Hypergraph& h) {
  auto out = detail::open_output(path, "write_hypergraph_hmetis");
  write_hypergraph_hmetis(out, h);
  detail::finish_output(out, path.string(), "write_hypergraph_hmetis");
}

}  // namespace krelu
