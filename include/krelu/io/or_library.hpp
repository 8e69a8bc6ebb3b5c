#pragma once
/// \file
/// OR-Library Set Cover files (Beasley's `scp*.txt`): the source instances of Thm 8 as the
/// benchmark collections ship them.
///
/// Format (numbers separated by any whitespace, newlines carry no meaning):
///
///     m n                      rows (elements of the universe) and columns (subsets)
///     c_1 ... c_n              the column costs
///     for each row i = 1..m:   k_i  j_1 ... j_{k_i}    the k_i columns (1-based) covering row i
///
/// Column j becomes the subset T_{j-1} = { i - 1 : row i lists column j } of the universe
/// {0, ..., m-1}. A column listed twice in one row is merged (subsets are sets, see
/// problems::SetCover). A row with k_i = 0 is accepted: the instance then has no cover, which
/// SetCover::has_cover() reports. Costs must be finite and > 0; they are returned alongside the
/// instance because the reduction of Thm 8 is about the unicost problem and ignores them.
///
/// \code
/// std::istringstream in("3 3\n1 1 1\n1 1\n2 1 2\n2 2 3\n");
/// auto file = krelu::read_set_cover_or_library(in, "tiny.txt");
/// // file.instance: universe {0,1,2}, subsets T0 = {0,1}, T1 = {1,2}, T2 = {2}; file.unicost()
/// krelu::write_set_cover_or_library(std::cout, file.instance);   // costs 1
/// \endcode

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <istream>
#include <limits>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "krelu/io/parse_error.hpp"
#include "krelu/io/scalar_text.hpp"
#include "krelu/io/text_lines.hpp"
#include "krelu/problems/set_cover.hpp"

namespace krelu {

/// A Set Cover instance read from an OR-Library file, with the costs the file gave.
struct SetCoverFile {
  problems::SetCover instance;
  std::vector<double> costs;  ///< one per subset (column), in file order
  /// Empty when all costs are equal; otherwise a sentence saying that the reduction ignores them.
  std::string warning;

  /// True when every column has the same cost (the unicost problem Thm 8 reduces from).
  bool unicost() const { return warning.empty(); }
};

namespace detail {

/// Free-form token reader over a line-oriented stream: yields blank-separated tokens across
/// line breaks and remembers where each one started, for ParseError.
class TokenScanner {
 public:
  TokenScanner(std::istream& in, std::string name) : lines_(in, std::move(name)) {}

  /// The next token (a copy, since the line buffer moves on), or false at the end of input.
  bool next(std::string& token) {
    for (;;) {
      if (have_line_) {
        const std::string_view t = detail::next_token(lines_.line(), pos_);
        if (!t.empty()) {
          token.assign(t);
          line_ = lines_.number();
          column_ = lines_.column_of(t);
          return true;
        }
      }
      if (have_line_) {  // where the input ends, should it end here
        end_line_ = lines_.number();
        end_column_ = lines_.line().size() + 1;
      }
      if (!lines_.next()) {
        have_line_ = false;
        return false;
      }
      have_line_ = true;
      pos_ = 0;
    }
  }

  /// Throws a ParseError at the last token returned.
  [[noreturn]] void fail(const std::string& message) const { throw ParseError(lines_.name(), line_, column_, message); }
  /// Throws a ParseError just past the end of the input.
  [[noreturn]] void fail_at_end(const std::string& message) const {
    throw ParseError(lines_.name(), end_line_, end_column_, message);
  }

  /// The next token as a count in [min, max]; `what` names it in messages.
  long long count(const std::string& what, long long min, long long max) {
    std::string t;
    if (!next(t)) fail_at_end("unexpected end of file: expected " + what);
    long long v = 0;
    const auto e = detail::parse_count(t, max, v);
    if (e == detail::CountError::syntax)
      fail("expected " + what + " (a non-negative integer), found " + detail::quoted(t));
    if (e == detail::CountError::too_large || v < min || v > max)
      fail(what + " must lie in [" + std::to_string(min) + ", " + std::to_string(max) + "], found " + t);
    return v;
  }

  /// The next token as a finite double.
  double number(const std::string& what) {
    std::string t;
    if (!next(t)) fail_at_end("unexpected end of file: expected " + what);
    double v = 0;
    if (const auto e = detail::parse_scalar(t, v); e != detail::ScalarTextError::none)
      fail(detail::scalar_error_message(e, what, t));
    return v;
  }

 private:
  detail::LineReader lines_;
  bool have_line_ = false;
  std::size_t pos_ = 0;
  std::size_t line_ = 1, column_ = 1;
  std::size_t end_line_ = 1, end_column_ = 1;  ///< just past the last line read
};

}  // namespace detail

/// Reads an OR-Library Set Cover file from a stream; `name` is used in error messages.
///
/// Throws ParseError (file:line:column) for a token that is not a number, m < 1 or n < 1, a cost
/// that is not finite and > 0, a column index outside [1, n], a file that ends early, or text
/// after the last row.
inline SetCoverFile read_set_cover_or_library(std::istream& in, const std::string& name) {
  constexpr long long int_max = std::numeric_limits<int>::max();
  detail::TokenScanner tokens(in, name);
  const auto m = static_cast<int>(tokens.count("the number of rows m", 1, int_max));
  const auto n = static_cast<int>(tokens.count("the number of columns n", 1, int_max));
  std::vector<double> costs;  // grows with the costs read: n is not yet backed by the input
  for (int j = 0; j < n; ++j) {
    const std::string what = "the cost of column " + std::to_string(j + 1);
    const double c = tokens.number(what);
    if (!(c > 0)) tokens.fail(what + " must be > 0, found " + detail::format_scalar(c));
    costs.push_back(c);
  }
  std::vector<std::vector<int>> subsets(static_cast<std::size_t>(n));
  for (int i = 0; i < m; ++i) {
    const std::string row = "row " + std::to_string(i + 1);
    const long long k = tokens.count("the number of columns covering " + row, 0, n);
    for (long long p = 0; p < k; ++p) {
      const long long j = tokens.count("a column index of " + row + " (1.." + std::to_string(n) + ")", 0, int_max);
      if (j < 1 || j > n)
        tokens.fail("column index " + std::to_string(j) + " of " + row + " is outside 1.." + std::to_string(n));
      auto& s = subsets[static_cast<std::size_t>(j - 1)];
      if (s.empty() || s.back() != i) s.push_back(i);  // rows arrive in order: a repeat is the last entry
    }
  }
  std::string extra;
  if (tokens.next(extra))
    tokens.fail("unexpected " + detail::quoted(extra) + " after the last row (the header says m = " +
                std::to_string(m) + " rows)");
  SetCoverFile out{problems::SetCover(m, std::move(subsets)), std::move(costs), {}};
  const auto [lo, hi] = std::minmax_element(out.costs.begin(), out.costs.end());
  if (*lo != *hi)
    out.warning = "column costs range from " + detail::format_scalar(*lo) + " to " +
                  detail::format_scalar(*hi) +
                  "; the reduction of Thm 8 is for unicost Set Cover and ignores them";
  return out;
}

/// Reads an OR-Library Set Cover file; std::runtime_error if it cannot be opened.
inline SetCoverFile read_set_cover_or_library(const std::filesystem::path& path) {
  auto in = detail::open_input(path, "read_set_cover_or_library");
  return read_set_cover_or_library(in, path.string());
}

/// Writes `sc` in the OR-Library format (rows = elements, 1-based columns = subsets), with the
/// given costs (all 1 when empty); at most 12 numbers per line as the benchmark files do.
/// Throws std::invalid_argument if costs is neither empty nor one per subset.
inline void write_set_cover_or_library(std::ostream& out, const problems::SetCover& sc,
                                       const std::vector<double>& costs = {}) {
  if (!costs.empty() && costs.size() != static_cast<std::size_t>(sc.num_subsets()))
    throw std::invalid_argument("write_set_cover_or_library: " + std::to_string(costs.size()) + " costs for " +
                                std::to_string(sc.num_subsets()) + " subsets");
  auto write_list = [&out](const std::vector<std::string>& items) {
    for (std::size_t p = 0; p < items.size(); ++p) out << (p % 12 == 0 ? (p == 0 ? "" : "\n") : " ") << items[p];
    out << '\n';
  };
  out << sc.universe_size() << ' ' << sc.num_subsets() << '\n';
  std::vector<std::string> items;
  for (int j = 0; j < sc.num_subsets(); ++j)
    items.push_back(costs.empty() ? std::string("1") : detail::format_scalar(costs[static_cast<std::size_t>(j)]));
  write_list(items);
  for (const auto& columns : sc.subsets_containing()) {
    out << columns.size() << '\n';
    items.clear();
    for (int j : columns) items.push_back(std::to_string(j + 1));
    if (!items.empty()) write_list(items);
  }
}

/// Writes an OR-Library file; std::runtime_error if it cannot be written.
inline void write_set_cover_or_library(const std::filesystem::path& path, const problems::SetCover& sc,
                                       const std::vector<double>& costs = {}) {
  auto out = detail::open_output(path, "write_set_cover_or_library");
  write_set_cover_or_library(out, sc, costs);
  detail::finish_output(out, path.string(), "write_set_cover_or_library");
}

}  // namespace krelu
