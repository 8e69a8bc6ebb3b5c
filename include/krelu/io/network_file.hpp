#pragma once
/// \file
/// Network files: a k-ReLU f(x) = sum_j a_j [<w_j, x>]_+ (Definition 1) as plain text, one unit
/// per line: the sign a_j, then the weights w_j1 ... w_jn.

#include <cstdint>
#include <filesystem>
#include <istream>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "krelu/io/parse_error.hpp"
#include "krelu/io/scalar_text.hpp"
#include "krelu/io/text_lines.hpp"
#include "krelu/network.hpp"

namespace krelu {

/// Reads a network from a stream; `name` is used in error messages.
///
/// Grammar (blank-separated, one unit per line; lines end in "\n" or "\r\n"):
///
///     line   := blank* ( unit )? blank* ( "#" comment )?
///     unit   := a_j ( blank+ w_jl ){n}                 a_j is +1 or -1 (any spelling: 1, +1, -1.0)
///     header := "#" blank* "krelu" blank+ "network" blank+ "units=" K blank+ "dim=" N
///
/// Numbers follow the grammar of krelu/io/scalar_text.hpp (decimal, no NaN or Inf). Comments
/// and blank lines are ignored, except the header comment: optional, before the first unit,
/// and if present the file must hold exactly K units of N weights (a truncated file is
/// caught). Every unit line must have the same number of weights.
///
/// Throws ParseError (file, line, column) for a sign that is not +1 or -1, a weight that is
/// not a finite number, units with different numbers of weights, no unit at all (k = 0), a
/// malformed or misplaced header, or counts that differ from the header's.
///
/// \code
/// std::istringstream in("# krelu network units=2 dim=3\n1 1 0 0\n-1 0 1 -1\n");
/// auto net = krelu::read_network<double>(in, "inline.txt");
/// \endcode
template <class Scalar = double>
Network<Scalar> read_network(std::istream& in, const std::string& name) {
  using Index = Eigen::Index;
  detail::LineReader lines(in, name);
  std::size_t header_line = 0, first_unit_line = 0;
  Index header_units = 0, header_dim = 0;
  std::vector<Scalar> signs, weights;
  Index dim = -1;
  const std::string header_form = "the header must read '# krelu network units=K dim=N'";

  while (lines.next()) {
    const std::string_view line = lines.line();
    const std::size_t hash = line.find('#');
    const std::string_view content = line.substr(0, hash);
    std::size_t pos = 0;
    const std::string_view sign_token = detail::next_token(content, pos);

    if (sign_token.empty()) {
      if (hash == std::string_view::npos) continue;
      const std::string_view comment = line.substr(hash + 1);
      std::size_t cpos = 0;
      if (detail::next_token(comment, cpos) != "krelu") continue;
      if (header_line != 0)
        lines.fail(hash + 1, "a second '# krelu network' header (the first is on line " + std::to_string(header_line) +
                                 ")");
      if (!signs.empty()) lines.fail(hash + 1, "the '# krelu network' header must come before the first unit");
      const std::string_view kind = detail::next_token(comment, cpos);
      if (kind != "network") lines.fail(hash + 1, header_form);
      for (const char* key : {"units=", "dim="}) {
        const std::string_view item = detail::next_token(comment, cpos);
        const std::string_view k(key);
        long long v = 0;
        if (item.substr(0, k.size()) != k ||
            detail::parse_count(item.substr(k.size()), std::numeric_limits<std::int32_t>::max(), v) !=
                detail::CountError::none)
          lines.fail(item.empty() ? line.size() + 1 : lines.column_of(item), header_form);
        (k == "units=" ? header_units : header_dim) = static_cast<Index>(v);
      }
      if (const std::string_view extra = detail::next_token(comment, cpos); !extra.empty())
        lines.fail_at(extra, header_form + ": unexpected " + detail::quoted(extra));
      header_line = lines.number();
      continue;
    }

    const Index unit = static_cast<Index>(signs.size()) + 1;  // 1-based, as in the paper
    const auto sign = lines.parse<Scalar>(sign_token, "sign of unit " + std::to_string(unit));
    if (sign != Scalar(1) && sign != Scalar(-1))
      lines.fail_at(sign_token, "sign " + detail::quoted(sign_token) + " of unit " + std::to_string(unit) +
                                    " must be +1 or -1");
    Index count = 0;
    for (std::string_view token = detail::next_token(content, pos); !token.empty();
         token = detail::next_token(content, pos), ++count) {
      if (dim >= 0 && count == dim)
        lines.fail_at(token, "unit " + std::to_string(unit) + " has more than " + std::to_string(dim) +
                                 " weights, unit 1 (line " + std::to_string(first_unit_line) + ") has " +
                                 std::to_string(dim));
      weights.push_back(lines.parse<Scalar>(token, "weight " + std::to_string(count + 1) + " of unit " +
                                                       std::to_string(unit)));
    }
    if (dim < 0) {
      dim = count;
      first_unit_line = lines.number();
    } else if (count != dim) {
      lines.fail(content.size() + 1, "unit " + std::to_string(unit) + " has " + std::to_string(count) +
                                         " weights, unit 1 (line " + std::to_string(first_unit_line) + ") has " +
                                         std::to_string(dim));
    }
    signs.push_back(sign);
  }

  if (signs.empty())
    throw ParseError(name, 1, 1, "no units (k = 0): a network needs at least one line 'a_j w_j1 ... w_jn'");
  const Index k = static_cast<Index>(signs.size());
  if (header_line != 0 && (header_units != k || header_dim != dim))
    throw ParseError(name, header_line, 1,
                     "the header declares units=" + std::to_string(header_units) + " dim=" +
                         std::to_string(header_dim) + " but the file holds " + std::to_string(k) + " units of " +
                         std::to_string(dim) + " weights (truncated or edited?)");
  using Matrix = typename Network<Scalar>::Matrix;
  using Vector = typename Network<Scalar>::Vector;
  const Matrix w = Eigen::Map<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      weights.data(), k, dim);
  const Vector a = Eigen::Map<const Vector>(signs.data(), k);
  return Network<Scalar>(w, a);
}

/// Reads a network file (see the stream overload for the format); errors name the path.
template <class Scalar = double>
Network<Scalar> read_network(const std::filesystem::path& path) {
  auto in = detail::open_input(path, "read_network");
  return read_network<Scalar>(in, path.string());
}

/// Writes a network: the header `# krelu network units=K dim=N`, then one line per unit,
/// `a_j w_j1 ... w_jn`, single spaces, values with NumericTraits<Scalar>::round_trip_digits()
/// significant digits (reading gives the same bits, writing again the same bytes).
template <class Scalar>
void write_network(std::ostream& out, const Network<Scalar>& net) {
  std::string line =
      "# krelu network units=" + std::to_string(net.units()) + " dim=" + std::to_string(net.dim()) + "\n";
  out.write(line.data(), static_cast<std::streamsize>(line.size()));
  for (Eigen::Index j = 0; j < net.units(); ++j) {
    line.clear();
    detail::append_scalar(line, net.signs()(j));
    for (Eigen::Index l = 0; l < net.dim(); ++l) {
      line += ' ';
      detail::append_scalar(line, net.weights()(j, l));
    }
    line += '\n';
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
  }
}

/// Writes a network file; throws std::runtime_error if the file cannot be written.
template <class Scalar>
void write_network(const std::filesystem::path& path, const Network<Scalar>& net) {
  auto out = detail::open_output(path, "write_network");
  write_network(out, net);
  detail::finish_output(out, path.string(), "write_network");
}

}  // namespace krelu
