#pragma once
/// \file
/// Reading and writing sample and network files by path, the format chosen by the extension.
///
/// | extension                        | format                            | header                 |
/// |----------------------------------|-----------------------------------|------------------------|
/// | `.csv`                           | dense CSV `y,weight,x1,...,xn`    | krelu/io/csv.hpp       |
/// | `.svm`, `.svmlight`, `.libsvm`   | svmlight / libsvm (scikit-learn)  | krelu/io/svmlight.hpp  |
/// | any (networks)                   | one unit per line `a_j w_j1 ...`  | krelu/io/network_file.hpp |
///
/// Extensions are matched without regard to case. Either storage reads either format.
///
/// \code
/// auto u = krelu::read_samples<double>("data.csv");                 // SampleSet<double> (dense)
/// auto v = krelu::read_samples<double, krelu::Sparse>("d.svm");     // SampleSet<double, Sparse>
/// krelu::write_samples("out.svm", u);
/// auto net = krelu::read_network<double>("net.txt");
/// krelu::write_network("net.txt", net);
/// \endcode

#include <filesystem>
#include <stdexcept>
#include <string>

#include "krelu/io/csv.hpp"
#include "krelu/io/network_file.hpp"
#include "krelu/io/parse_error.hpp"
#include "krelu/io/svmlight.hpp"
#include "krelu/samples.hpp"

namespace krelu {

/// The sample file formats krelu reads and writes.
enum class SampleFileFormat { csv, svmlight };

/// The format of a sample file from its extension; throws std::invalid_argument for any other
/// extension, naming the ones accepted.
inline SampleFileFormat sample_file_format(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  for (char& c : ext)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  if (ext == ".csv") return SampleFileFormat::csv;
  if (ext == ".svm" || ext == ".svmlight" || ext == ".libsvm") return SampleFileFormat::svmlight;
  throw std::invalid_argument("unknown sample file extension " + (ext.empty() ? std::string("(none)") : "'" + ext + "'") +
                              " of '" + path.string() + "': use .csv, .svm, .svmlight or .libsvm");
}

namespace detail {

inline void check_svmlight_options(SampleFileFormat format, const SvmlightOptions& options, const char* who) {
  if (format != SampleFileFormat::svmlight && options.weights_file)
    throw std::invalid_argument(std::string(who) +
                                ": SvmlightOptions::weights_file applies to svmlight files only (a CSV file "
                                "holds its weights in the 'weight' column)");
}

}  // namespace detail

/// Reads a sample file in the format its extension names (see the table above). Throws
/// ParseError for malformed content, std::invalid_argument for an unknown extension and
/// std::runtime_error if the file cannot be opened.
template <class Scalar = double, class Storage = Dense>
SampleSet<Scalar, Storage> read_samples(const std::filesystem::path& path, const SvmlightOptions& svmlight = {}) {
  const SampleFileFormat format = sample_file_format(path);
  detail::check_svmlight_options(format, svmlight, "read_samples");
  if (format == SampleFileFormat::csv) return read_samples_csv<Scalar, Storage>(path);
  return read_samples_svmlight<Scalar, Storage>(path, svmlight);
}

/// Writes a sample file in the format its extension names, values with max_digits10
/// significant digits (reading it back gives the same bits).
template <class Scalar, class Storage>
void write_samples(const std::filesystem::path& path, const SampleSet<Scalar, Storage>& samples,
                   const SvmlightOptions& svmlight = {}) {
  const SampleFileFormat format = sample_file_format(path);
  detail::check_svmlight_options(format, svmlight, "write_samples");
  if (format == SampleFileFormat::csv)
    write_samples_csv(path, samples);
  else
    write_samples_svmlight(path, samples, svmlight);
}

}  // namespace krelu
