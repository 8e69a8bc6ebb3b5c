#pragma once
/// \file
/// Dense CSV sample files: a header `y,weight,x1,...,xn`, then one sample per line.

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <istream>
#include <limits>
#include <ostream>
#include <string>
#include <string_view>

#include "krelu/io/parse_error.hpp"
#include "krelu/io/row_assembly.hpp"
#include "krelu/io/scalar_text.hpp"
#include "krelu/io/text_lines.hpp"
#include "krelu/samples.hpp"

namespace krelu {

namespace detail {

/// Name of CSV field `field` (0-based): y, weight, x1, x2, ...
inline std::string csv_field_name(Eigen::Index field) {
  if (field == 0) return "y";
  if (field == 1) return "weight";
  return "x" + std::to_string(field - 1);
}

/// "field 3 (x1)": how messages name a field (1-based, as a spreadsheet user counts).
inline std::string csv_field_label(Eigen::Index field) {
  return "field " + std::to_string(field + 1) + " (" + csv_field_name(field) + ")";
}

}  // namespace detail

/// Reads samples from a CSV stream; `name` is used in error messages.
///
/// Grammar (one record per line; lines end in "\n" or "\r\n"):
///
///     file   := header ( row | blank-line )*
///     header := "y,weight" ( ",x1" ",x2" ... ",xn" )     exactly these names, in this order
///     row    := y "," weight ( "," x_j ){n}               n + 2 fields, as many as the header
///
/// Numbers follow the grammar of krelu/io/scalar_text.hpp (decimal, no NaN or Inf); blanks
/// around a field are ignored; no quoting (the fields are numbers). A UTF-8 byte order mark
/// before the header is skipped. A file holding only the header is a valid empty set of
/// dimension n; a file without a header is not.
///
/// Throws ParseError (file, line, column) for a missing or wrong header, a row with another
/// number of fields, an empty field, a field that is not a number, NaN or Inf, a value beyond
/// the type's range, or a weight <= 0; nothing is returned half-read. Values are read exactly
/// (see detail::parse_scalar). With Storage = Sparse only the nonzeros are kept.
///
/// \code
/// std::istringstream in("y,weight,x1,x2\n1,1,0.5,-2\n0,3,0,1\n");
/// auto s = krelu::read_samples_csv<double>(in, "inline.csv");   // 2 samples, dimension 2
/// \endcode
template <class Scalar = double, class Storage = Dense>
SampleSet<Scalar, Storage> read_samples_csv(std::istream& in, const std::string& name) {
  using Index = Eigen::Index;
  detail::LineReader lines(in, name);
  if (!lines.next()) throw ParseError(name, 1, 1, "empty file: expected the header line 'y,weight,x1,...,xn'");

  std::string_view header = lines.line();
  if (header.substr(0, 3) == "\xEF\xBB\xBF") header.remove_prefix(3);
  Index fields = 0;
  for (std::size_t pos = 0;; ++fields) {
    const std::size_t comma = std::min(header.find(',', pos), header.size());
    const std::string_view raw = header.substr(pos, comma - pos);
    const std::string_view field = detail::trim_blanks(raw);
    const std::string expected = detail::csv_field_name(fields);
    if (field != expected)
      lines.fail_at(field.empty() ? raw : field, "the header must be 'y,weight,x1,...,xn': field " +
                                                     std::to_string(fields + 1) + " is " + detail::quoted(field) +
                                                     ", expected '" + expected + "'");
    if (comma == header.size()) break;
    pos = comma + 1;
  }
  ++fields;
  if (fields < 2)
    lines.fail(lines.line().size() + 1, "the header must be 'y,weight,x1,...,xn': the field 'weight' is missing");
  if (fields - 2 > std::numeric_limits<std::int32_t>::max())
    lines.fail(1, "the header declares more columns than krelu can index");

  detail::RowAssembly<Scalar> rows;
  while (lines.next()) {
    const std::string_view line = lines.line();
    if (detail::trim_blanks(line).empty()) continue;
    const Index found = 1 + static_cast<Index>(std::count(line.begin(), line.end(), ','));
    if (found != fields) {
      std::size_t column = line.size() + 1;  // too few: where the next field should start
      if (found > fields) {                  // too many: the first extra field
        std::size_t pos = 0;
        for (Index f = 0; f < fields; ++f) pos = line.find(',', pos) + 1;
        column = pos + 1;
      }
      lines.fail(column, "expected " + std::to_string(fields) + " fields, found " + std::to_string(found));
    }
    Scalar label(0), weight(1);
    std::size_t pos = 0;
    for (Index f = 0; f < fields; ++f) {
      const std::size_t comma = std::min(line.find(',', pos), line.size());
      const std::string_view raw = line.substr(pos, comma - pos);
      const std::string_view token = detail::trim_blanks(raw);
      if (token.empty()) lines.fail_at(raw, detail::csv_field_label(f) + " is empty");
      const Scalar value = lines.parse<Scalar>(token, detail::csv_field_label(f));
      if (f == 0) {
        label = value;
      } else if (f == 1) {
        if (!(value > Scalar(0)))
          lines.fail_at(token, detail::csv_field_label(f) + " is " + detail::quoted(token) + ": weights must be > 0");
        weight = value;
      } else if (!detail::is_positive_zero(value)) {
        rows.add_entry(f - 2, value);
      }
      pos = comma + 1;
    }
    rows.end_row(label, weight);
  }
  return std::move(rows).template build<Storage>(fields - 2);
}

/// Reads a CSV sample file (see the stream overload for the format); errors name the path.
template <class Scalar = double, class Storage = Dense>
SampleSet<Scalar, Storage> read_samples_csv(const std::filesystem::path& path) {
  auto in = detail::open_input(path, "read_samples_csv");
  return read_samples_csv<Scalar, Storage>(in, path.string());
}

/// Writes samples as CSV: the header, then `y,weight,x1,...,xn` per sample, every value with
/// NumericTraits<Scalar>::round_trip_digits() significant digits, "\n" line ends. Reading the
/// result gives the same bits, and writing that again gives the same bytes. A sparse set is
/// written row by row from its nonzeros (never converted to a dense matrix).
template <class Scalar, class Storage>
void write_samples_csv(std::ostream& out, const SampleSet<Scalar, Storage>& samples) {
  using Index = Eigen::Index;
  using Set = SampleSet<Scalar, Storage>;
  const Index n = samples.dim();
  std::string line = "y,weight";
  for (Index j = 0; j < n; ++j) line += ",x" + std::to_string(j + 1);
  line += '\n';
  out.write(line.data(), static_cast<std::streamsize>(line.size()));
  const std::string zero = detail::format_scalar(Scalar(0));
  for (Index i = 0; i < samples.size(); ++i) {
    line.clear();
    detail::append_scalar(line, samples.label(i));
    line += ',';
    detail::append_scalar(line, samples.weight(i));
    if constexpr (Set::is_sparse) {
      Index next = 0;
      for (typename Set::SparseMatrix::InnerIterator it(samples.inputs(), i); it; ++it) {
        for (; next < it.col(); ++next) (line += ',') += zero;
        line += ',';
        detail::append_scalar(line, it.value());
        next = it.col() + 1;
      }
      for (; next < n; ++next) (line += ',') += zero;
    } else {
      for (Index j = 0; j < n; ++j) {
        line += ',';
        detail::append_scalar(line, samples.inputs()(i, j));
      }
    }
    line += '\n';
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
  }
}

/// Writes a CSV sample file; throws std::runtime_error if the file cannot be written.
template <class Scalar, class Storage>
void write_samples_csv(const std::filesystem::path& path, const SampleSet<Scalar, Storage>& samples) {
  auto out = detail::open_output(path, "write_samples_csv");
  write_samples_csv(out, samples);
  detail::finish_output(out, path.string(), "write_samples_csv");
}

}  // namespace krelu
