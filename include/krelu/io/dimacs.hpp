#pragma once
/// \file
/// DIMACS graph files (the colouring / clique benchmark format): the source graphs of the
/// Densest kappa-Subgraph reduction (Lemma 14).
///
/// Format, one record per line:
///
///     c <any text>         comment (also allowed: blank lines)
///     p edge N M           the problem line, exactly once, before any edge ("p col N M" too)
///     e u v                an edge between the 1-based vertices u and v
///
/// Duplicate edges (the same pair listed twice, in either order; some benchmark files list every
/// edge in both orientations) are merged into one, because problems::Graph is simple. M must
/// equal the number of `e` lines as written, before merging. Self-loops, vertices outside
/// [1, N], other record types and a count that differs from M throw ParseError with the line.
/// N is at most 2^24 (detail::max_file_vertices): problems::Graph allocates per vertex, so a
/// larger N would let a one-line file demand gigabytes; nothing is reserved from the declared M.
///
/// \code
/// std::istringstream in("c triangle\np edge 3 3\ne 1 2\ne 2 3\ne 1 3\n");
/// krelu::problems::Graph g = krelu::read_graph_dimacs(in, "triangle.col");   // 0-based vertices
/// krelu::write_graph_dimacs(std::cout, g);
/// \endcode

#include <algorithm>
#include <filesystem>
#include <istream>
#include <limits>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "krelu/io/parse_error.hpp"
#include "krelu/io/text_lines.hpp"
#include "krelu/problems/graph.hpp"

namespace krelu {

namespace detail {

/// Largest vertex count the graph and hypergraph readers accept (2^24). The header's count cannot
/// be checked against the file (isolated vertices need no line), yet the problem types allocate
/// per vertex: this bound keeps a tiny file from demanding gigabytes.
inline constexpr long long max_file_vertices = 1LL << 24;

/// A count token of the current line in [min, max], or a ParseError naming `what`.
inline long long line_count(const LineReader& lines, std::string_view token, const std::string& what, long long min,
                            long long max) {
  if (token.empty()) lines.fail(lines.line().size() + 1, "missing " + what);
  long long v = 0;
  const auto e = parse_count(token, max, v);
  if (e == CountError::syntax) lines.fail_at(token, what + " must be a non-negative integer, found " + quoted(token));
  if (e == CountError::too_large || v < min || v > max)
    lines.fail_at(token, what + " must lie in [" + std::to_string(min) + ", " + std::to_string(max) + "], found " +
                             std::string(token));
  return v;
}

/// Throws unless the rest of the current line after `pos` is blank.
inline void expect_line_end(const LineReader& lines, std::size_t pos, const std::string& form) {
  const std::string_view extra = next_token(lines.line(), pos);
  if (!extra.empty()) lines.fail_at(extra, "unexpected " + quoted(extra) + ": " + form);
}

}  // namespace detail

/// Reads a DIMACS graph from a stream (vertices become 0-based); `name` is used in messages.
inline problems::Graph read_graph_dimacs(std::istream& in, const std::string& name) {
  constexpr long long int_max = std::numeric_limits<int>::max();
  detail::LineReader lines(in, name);
  long long n = -1, m = 0, seen = 0;
  std::size_t problem_line = 0;
  std::vector<problems::Graph::Edge> edges;
  std::vector<std::pair<problems::Graph::Edge, std::size_t>> keyed;  // (edge, index) to merge duplicates
  while (lines.next()) {
    const std::string_view line = lines.line();
    std::size_t pos = 0;
    const std::string_view kind = detail::next_token(line, pos);
    if (kind.empty() || kind == "c") continue;
    if (kind == "p") {
      const std::string form = "the problem line must read 'p edge N M'";
      if (problem_line != 0)
        lines.fail_at(kind, "a second problem line (the first is on line " + std::to_string(problem_line) + ")");
      const std::string_view format = detail::next_token(line, pos);
      if (format != "edge" && format != "col")
        lines.fail_at(format.empty() ? kind : format, form + " (or 'p col N M'), found format " + detail::quoted(format));
      n = detail::line_count(lines, detail::next_token(line, pos), "the number of vertices N", 0,
                             detail::max_file_vertices);
      m = detail::line_count(lines, detail::next_token(line, pos), "the number of edges M", 0, int_max / 2);
      detail::expect_line_end(lines, pos, form);
      problem_line = lines.number();
      continue;
    }
    if (kind == "e") {
      if (problem_line == 0) lines.fail_at(kind, "an edge before the problem line 'p edge N M'");
      const std::string range = " (1.." + std::to_string(n) + ")";
      const std::string_view tu = detail::next_token(line, pos);
      const long long u = detail::line_count(lines, tu, "the first vertex of the edge" + range, 0, int_max);
      const std::string_view tv = detail::next_token(line, pos);
      const long long v = detail::line_count(lines, tv, "the second vertex of the edge" + range, 0, int_max);
      detail::expect_line_end(lines, pos, "an edge line must read 'e u v'");
      if (u < 1 || u > n) lines.fail_at(tu, "vertex " + std::to_string(u) + " is outside 1.." + std::to_string(n));
      if (v < 1 || v > n) lines.fail_at(tv, "vertex " + std::to_string(v) + " is outside 1.." + std::to_string(n));
      if (u == v) lines.fail_at(tu, "self-loop at vertex " + std::to_string(u) + ": the graph must be simple");
      if (++seen > m)
        lines.fail_at(kind, "more edges than the " + std::to_string(m) + " announced on line " +
                                std::to_string(problem_line));
      const int a = static_cast<int>(std::min(u, v)) - 1, b = static_cast<int>(std::max(u, v)) - 1;
      keyed.push_back({{a, b}, edges.size()});
      edges.emplace_back(a, b);
      continue;
    }
    lines.fail_at(kind, "unknown line type " + detail::quoted(kind) + ": expected 'c', 'p' or 'e'");
  }
  if (problem_line == 0) throw ParseError(name, std::max<std::size_t>(lines.number(), 1), 1, "no problem line 'p edge N M'");
  if (seen != m)
    throw ParseError(name, problem_line, 1,
                     "the problem line announces " + std::to_string(m) + " edges but the file has " +
                         std::to_string(seen));
  // Merge duplicates, keeping the first occurrence of each pair in file order.
  std::sort(keyed.begin(), keyed.end());
  std::vector<char> keep(edges.size(), 1);
  for (std::size_t p = 1; p < keyed.size(); ++p)
    if (keyed[p].first == keyed[p - 1].first) keep[keyed[p].second] = 0;
  std::size_t w = 0;
  for (std::size_t p = 0; p < edges.size(); ++p)
    if (keep[p]) edges[w++] = edges[p];
  edges.resize(w);
  return problems::Graph(static_cast<int>(n), std::move(edges));
}

/// Reads a DIMACS graph file; std::runtime_error if it cannot be opened.
inline problems::Graph read_graph_dimacs(const std::filesystem::path& path) {
  auto in = detail::open_input(path, "read_graph_dimacs");
  return read_graph_dimacs(in, path.string());
}

/// Writes `g` as `p edge N M` and one `e u v` line per edge (1-based, in the graph's order).
inline void write_graph_dimacs(std::ostream& out, const problems::Graph& g) {
  out << "p edge " << g.num_vertices() << ' ' << g.num_edges() << '\n';
  for (const auto& [u, v] : g.edges()) out << "e " << u + 1 << ' ' << v + 1 << '\n';
}

/// Writes a DIMACS graph file; std::runtime_error if it cannot be written.
inline void write_graph_dimacs(const std::filesystem::path& path, const problems::Graph& g) {
  auto out = detail::open_output(path, "write_graph_dimacs");
  write_graph_dimacs(out, g);
  detail::finish_output(out, path.string(), "write_graph_dimacs");
}

}  // namespace krelu
