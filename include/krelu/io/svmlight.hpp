#pragma once
/// \file
/// svmlight / libsvm sample files, readable by scikit-learn's `load_svmlight_file`, with the
/// dimension and the sample weights kept in comments that other readers skip.
///
/// Where the weights go (a choice, since svmlight has no weight field): a sample line ends in
/// `# weight=c` when c != 1. scikit-learn drops everything after '#', so such files load there
/// unchanged (without weights); krelu reads them back exactly. For Python users who need the
/// weights, SvmlightOptions::weights_file also writes the sidecar "<file>.weights", one weight
/// per line:
///
///     from sklearn.datasets import load_svmlight_file
///     X, y = load_svmlight_file("d.svm", n_features=N, zero_based=False)   # N from the header
///     w = numpy.loadtxt("d.svm.weights")                                   # sample_weight
///
/// The other way round, `dump_svmlight_file(X, y, "d.svm", zero_based=False)` writes a file
/// krelu reads (its default, zero_based=True, writes index 0, which krelu rejects), and
/// `numpy.savetxt("d.svm.weights", w)` a sidecar it reads with weights_file = true.
///
/// What scikit-learn's reader (sklearn/datasets/_svmlight_format_fast.pyx) requires of a line,
/// and what the writer here guarantees: the text before the first '#' splits on ASCII
/// whitespace into a label that Python's float() parses, then `idx:value` items with `idx` an
/// int() literal that fits a C int and `value` a float() literal; indices strictly increase.
/// With zero_based="auto" and every index >= 1 it subtracts 1 from each index; the number of
/// columns is the largest index unless n_features is given.

#include <algorithm>
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
#include "krelu/io/row_assembly.hpp"
#include "krelu/io/scalar_text.hpp"
#include "krelu/io/text_lines.hpp"
#include "krelu/samples.hpp"

namespace krelu {

/// Options of the svmlight reader and writer.
struct SvmlightOptions {
  /// Also write (or read) the weights in the sidecar file "<file>.weights", one weight per line,
  /// so that Python users get them with `numpy.loadtxt("<file>.weights")` and hand them to
  /// estimators as `sample_weight`. Reading: the sidecar must exist and hold one weight per
  /// sample; where a line of the data file also has a `# weight=` comment, both must agree.
  /// Default false: the weights live in the data file only.
  bool weights_file = false;
};

namespace detail {

/// Largest feature index: scikit-learn stores indices in a C int.
inline constexpr long long svmlight_max_index = std::numeric_limits<std::int32_t>::max();

/// The `# krelu svmlight dim=N samples=M` header comment, parsed.
struct SvmlightHeader {
  std::size_t line = 0;  ///< 0: no header
  Eigen::Index dim = 0;
  std::optional<Eigen::Index> samples;
};

/// Parses the text after '#' of a header comment, which starts with the word "krelu".
inline SvmlightHeader parse_svmlight_header(const LineReader& lines, std::string_view comment) {
  SvmlightHeader h;
  h.line = lines.number();
  std::size_t pos = 0;
  next_token(comment, pos);  // "krelu"
  const std::string_view kind = next_token(comment, pos);
  const std::string form = "the header must read '# krelu svmlight dim=N [samples=M]'";
  if (kind != "svmlight") lines.fail_at(kind.empty() ? comment.substr(pos) : kind, form);
  bool have_dim = false;
  for (std::string_view item = next_token(comment, pos); !item.empty(); item = next_token(comment, pos)) {
    const std::size_t eq = item.find('=');
    const std::string_view key = item.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
    long long v = 0;
    if (key != "dim" && key != "samples") lines.fail_at(item, form + ": unknown entry " + quoted(item));
    if ((key == "dim" && have_dim) || (key == "samples" && h.samples))
      lines.fail_at(item, form + ": " + std::string(key) + " is given twice");
    if (eq == std::string_view::npos || parse_count(value, key == "dim" ? svmlight_max_index
                                                                         : std::numeric_limits<Eigen::Index>::max(),
                                                    v) != CountError::none)
      lines.fail_at(item, form + ": " + quoted(item) + " needs a non-negative integer" +
                              (key == "dim" ? " of at most " + std::to_string(svmlight_max_index) : std::string()));
    if (key == "dim") {
      h.dim = static_cast<Eigen::Index>(v);
      have_dim = true;
    } else {
      h.samples = static_cast<Eigen::Index>(v);
    }
  }
  if (!have_dim) lines.fail(lines.line().size() + 1, form + ": dim=N is missing");
  return h;
}

/// Reads a sidecar weights file: one number per non-blank line, '#' starts a comment.
template <class Scalar>
void read_svmlight_weights(std::istream& in, const std::string& name, std::vector<Scalar>& weights,
                           const std::vector<unsigned char>& explicit_weight, const std::vector<std::size_t>& data_line,
                           const std::string& data_name) {
  LineReader lines(in, name);
  std::size_t i = 0;
  while (lines.next()) {
    std::string_view content = lines.line();
    content = content.substr(0, content.find('#'));
    std::size_t pos = 0;
    const std::string_view token = next_token(content, pos);
    if (token.empty()) continue;
    if (const std::string_view extra = next_token(content, pos); !extra.empty())
      lines.fail_at(extra, "expected one weight per line, found " + quoted(extra) + " after it");
    if (i == weights.size())
      lines.fail_at(token, "more weights than the " + std::to_string(weights.size()) + " samples of " + data_name);
    const auto w = lines.parse<Scalar>(token, "weight");
    if (!(w > Scalar(0))) lines.fail_at(token, "weight " + quoted(token) + " must be > 0");
    if (explicit_weight[i] && w != weights[i])
      lines.fail_at(token, "weight " + quoted(token) + " of sample " + std::to_string(i) + " differs from the weight " +
                               format_scalar(weights[i]) + " on line " + std::to_string(data_line[i]) + " of " +
                               data_name);
    weights[i++] = w;
  }
  if (i != weights.size())
    throw ParseError(name, std::max<std::size_t>(lines.number(), 1), 1,
                     "holds " + std::to_string(i) + " weights but " + data_name + " holds " +
                         std::to_string(weights.size()) + " samples");
}

/// The svmlight reader behind the public overloads; `weights` is the optional sidecar stream.
template <class Scalar, class Storage>
SampleSet<Scalar, Storage> read_svmlight(std::istream& in, const std::string& name, std::istream* weights,
                                         const std::string& weights_name) {
  using Index = Eigen::Index;
  LineReader lines(in, name);
  SvmlightHeader header;
  RowAssembly<Scalar> rows;
  std::vector<unsigned char> explicit_weight;
  std::vector<std::size_t> data_line;
  Index max_index = 0;
  while (lines.next()) {
    const std::string_view line = lines.line();
    const std::size_t hash = line.find('#');
    const std::string_view content = line.substr(0, hash);
    const std::string_view comment = hash == std::string_view::npos ? std::string_view() : line.substr(hash + 1);
    std::size_t pos = 0;
    const std::string_view label_token = next_token(content, pos);

    if (label_token.empty()) {  // blank or comment line; a comment starting with "krelu" is the header
      std::size_t cpos = 0;
      if (next_token(comment, cpos) == "krelu") {
        if (header.line != 0)
          lines.fail(hash + 1, "a second '# krelu svmlight' header (the first is on line " +
                                   std::to_string(header.line) + ")");
        if (rows.rows() > 0) lines.fail(hash + 1, "the '# krelu svmlight' header must come before the first sample");
        header = parse_svmlight_header(lines, comment);
      }
      continue;
    }

    if (label_token.find(':') != std::string_view::npos)
      lines.fail_at(label_token, "the line starts with " + quoted(label_token) +
                                     ": expected the label y before the 'index:value' features");
    const auto label = lines.parse<Scalar>(label_token, "label");
    long long previous = 0;
    for (std::string_view token = next_token(content, pos); !token.empty(); token = next_token(content, pos)) {
      const std::size_t colon = token.find(':');
      if (colon == std::string_view::npos)
        lines.fail_at(token, "expected 'index:value', found " + quoted(token));
      const std::string_view index_text = token.substr(0, colon), value_text = token.substr(colon + 1);
      long long index = 0;
      switch (parse_count(index_text, svmlight_max_index, index)) {
        case CountError::syntax:
          lines.fail_at(token, "feature index " + quoted(index_text) + " is not a positive integer" +
                                   (index_text == "qid" ? " (qid is not supported)" : ""));
        case CountError::too_large:
          lines.fail_at(token, "feature index " + std::string(index_text) + " is too large (at most " +
                                   std::to_string(svmlight_max_index) + ")");
        case CountError::none:
          break;
      }
      const std::string feature = "feature " + std::to_string(index);
      if (index == 0) lines.fail_at(token, "feature index 0 is invalid: indices are 1-based");
      if (index == previous) lines.fail_at(token, feature + " appears twice: indices must increase strictly");
      if (index < previous)
        lines.fail_at(token, feature + " follows feature " + std::to_string(previous) +
                                 ": indices must increase strictly");
      if (header.line != 0 && index > header.dim)
        lines.fail_at(token, feature + " exceeds the dimension " + std::to_string(header.dim) + " declared on line " +
                                 std::to_string(header.line));
      if (value_text.empty()) lines.fail_at(token, feature + " has no value after ':'");
      const auto value = lines.parse<Scalar>(value_text, "the value of " + feature);
      if (!is_positive_zero(value)) rows.add_entry(static_cast<Index>(index - 1), value);
      previous = index;
    }
    if (previous > max_index) max_index = previous;

    Scalar weight(1);
    bool has_weight = false;
    const std::string_view note = trim_blanks(comment);
    if (note.substr(0, 6) == "weight") {
      const std::string form = "a weight comment must read '# weight=<number>'";
      if (note.substr(6, 1) != "=") lines.fail_at(note, form);
      const std::string_view value_text = trim_blanks(note.substr(7));
      if (value_text.empty()) lines.fail_at(note, form + ": the number is missing");
      weight = lines.parse<Scalar>(value_text, "weight");
      if (!(weight > Scalar(0))) lines.fail_at(value_text, "weight " + quoted(value_text) + " must be > 0");
      has_weight = true;
    }
    rows.end_row(label, weight);
    if (weights != nullptr) {
      explicit_weight.push_back(has_weight ? 1 : 0);
      data_line.push_back(lines.number());
    }
  }

  if (header.line == 0 && rows.rows() == 0)
    throw ParseError(name, 1, 1, "empty file: no samples and no '# krelu svmlight dim=N' header");
  if (header.samples && *header.samples != rows.rows())
    throw ParseError(name, header.line, 1,
                     "the header declares " + std::to_string(*header.samples) + " samples but the file holds " +
                         std::to_string(rows.rows()) + " (truncated or edited?)");
  if (weights != nullptr) read_svmlight_weights(*weights, weights_name, rows.weights(), explicit_weight, data_line, name);
  const Index dim = header.line != 0 ? header.dim : max_index;
  return std::move(rows).template build<Storage>(dim);
}

inline std::filesystem::path svmlight_weights_path(const std::filesystem::path& path) {
  std::filesystem::path p = path;
  p += ".weights";
  return p;
}

}  // namespace detail

/// Reads samples from an svmlight / libsvm stream; `name` is used in error messages.
///
/// Grammar (one record per line; lines end in "\n" or "\r\n"; blanks are spaces or tabs):
///
///     line    := blank* ( sample )? blank* ( "#" comment )?
///     sample  := y ( blank+ index ":" value )*
///     index   := digit+          1-based, strictly increasing along the line, <= 2^31 - 1
///     header  := "#" blank* "krelu" blank+ "svmlight" blank+ "dim=" N ( blank+ "samples=" M )?
///     weight  := "#" blank* "weight=" number blank*        (the comment of a sample line)
///
/// y, value and number follow the grammar of krelu/io/scalar_text.hpp (decimal, no NaN or Inf).
/// The header comment, if present, must come before the first sample; it fixes the dimension
/// (so trailing all-zero columns survive) and, with samples=M, guards against truncated
/// files. Without it the dimension is the largest index. A sample line's comment, if it starts
/// with "weight", gives the sample's weight (> 0); otherwise the weight is 1. Every other
/// comment is ignored. `qid:` (ranking) and multi-label lines are not supported.
///
/// Throws ParseError (file, line, column) for: an empty file (no header, no sample), a feature
/// without ':' or without value (`3:`), an index that is 0, not an integer, repeated, out of
/// order or above the declared dimension, a value that is not a number, NaN, Inf or beyond the
/// type's range, a weight <= 0, a malformed header or weight comment, a header after the
/// first sample, and a sample count that differs from the header's. Nothing is returned
/// half-read. Storage = Sparse reads in O(nonzeros); -0 entries are kept, +0 entries dropped.
///
/// \code
/// std::istringstream in("# krelu svmlight dim=4\n1 1:0.5 4:-2\n0 2:1 # weight=3\n");
/// auto s = krelu::read_samples_svmlight<double, krelu::Sparse>(in, "inline.svm");
/// \endcode
template <class Scalar = double, class Storage = Dense>
SampleSet<Scalar, Storage> read_samples_svmlight(std::istream& in, const std::string& name) {
  return detail::read_svmlight<Scalar, Storage>(in, name, nullptr, {});
}

/// As above, with the weights taken from a sidecar stream (one weight per line, see
/// SvmlightOptions::weights_file); `weights_name` is used in its error messages.
template <class Scalar = double, class Storage = Dense>
SampleSet<Scalar, Storage> read_samples_svmlight(std::istream& in, const std::string& name, std::istream& weights,
                                                 const std::string& weights_name) {
  return detail::read_svmlight<Scalar, Storage>(in, name, &weights, weights_name);
}

/// Reads an svmlight file, and with `options.weights_file` its sidecar "<path>.weights".
template <class Scalar = double, class Storage = Dense>
SampleSet<Scalar, Storage> read_samples_svmlight(const std::filesystem::path& path,
                                                 const SvmlightOptions& options = {}) {
  auto in = detail::open_input(path, "read_samples_svmlight");
  if (!options.weights_file) return read_samples_svmlight<Scalar, Storage>(in, path.string());
  const auto sidecar = detail::svmlight_weights_path(path);
  auto weights = detail::open_input(sidecar, "read_samples_svmlight");
  return read_samples_svmlight<Scalar, Storage>(in, path.string(), weights, sidecar.string());
}

/// Writes samples in svmlight format:
///
///     # krelu svmlight dim=N samples=M
///     y j:x_j j:x_j ...          (1-based j, increasing; every entry except +0)
///     y j:x_j ... # weight=c     (only when c != 1)
///
/// Values have NumericTraits<Scalar>::round_trip_digits() significant digits, so reading gives
/// the same bits and writing again the same bytes. scikit-learn reads the file with
/// `X, y = load_svmlight_file(path, n_features=N, zero_based=False)` (comments are skipped;
/// values are rounded to double). A sparse set is written from its nonzeros in O(nonzeros).
template <class Scalar, class Storage>
void write_samples_svmlight(std::ostream& out, const SampleSet<Scalar, Storage>& samples) {
  using Index = Eigen::Index;
  using Set = SampleSet<Scalar, Storage>;
  if (samples.dim() > detail::svmlight_max_index)
    throw std::invalid_argument("write_samples_svmlight: dimension " + std::to_string(samples.dim()) +
                                " exceeds the largest svmlight index " + std::to_string(detail::svmlight_max_index));
  std::string line = "# krelu svmlight dim=" + std::to_string(samples.dim()) +
                     " samples=" + std::to_string(samples.size()) + "\n";
  out.write(line.data(), static_cast<std::streamsize>(line.size()));
  const auto append_entry = [&line](Index column, const Scalar& value) {
    if (detail::is_positive_zero(value)) return;
    line += ' ';
    line += std::to_string(column + 1);
    line += ':';
    detail::append_scalar(line, value);
  };
  for (Index i = 0; i < samples.size(); ++i) {
    line.clear();
    detail::append_scalar(line, samples.label(i));
    if constexpr (Set::is_sparse) {
      for (typename Set::SparseMatrix::InnerIterator it(samples.inputs(), i); it; ++it) append_entry(it.col(), it.value());
    } else {
      for (Index j = 0; j < samples.dim(); ++j) append_entry(j, samples.inputs()(i, j));
    }
    if (samples.weight(i) != Scalar(1)) {
      line += " # weight=";
      detail::append_scalar(line, samples.weight(i));
    }
    line += '\n';
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
  }
}

/// Writes the weights alone, one per line (the sidecar file of SvmlightOptions::weights_file).
template <class Scalar, class Storage>
void write_sample_weights(std::ostream& out, const SampleSet<Scalar, Storage>& samples) {
  std::string line;
  for (Eigen::Index i = 0; i < samples.size(); ++i) {
    line.clear();
    detail::append_scalar(line, samples.weight(i));
    line += '\n';
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
  }
}

/// Writes an svmlight file, and with `options.weights_file` also "<path>.weights".
/// Throws std::runtime_error if a file cannot be written.
template <class Scalar, class Storage>
void write_samples_svmlight(const std::filesystem::path& path, const SampleSet<Scalar, Storage>& samples,
                            const SvmlightOptions& options = {}) {
  {
    auto out = detail::open_output(path, "write_samples_svmlight");
    write_samples_svmlight(out, samples);
    detail::finish_output(out, path.string(), "write_samples_svmlight");
  }
  if (options.weights_file) {
    const auto sidecar = detail::svmlight_weights_path(path);
    auto out = detail::open_output(sidecar, "write_samples_svmlight");
    write_sample_weights(out, samples);
    detail::finish_output(out, sidecar.string(), "write_samples_svmlight");
  }
}

}  // namespace krelu
