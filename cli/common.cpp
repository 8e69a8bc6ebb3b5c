#include "common.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "krelu/io/csv.hpp"
#include "krelu/io/files.hpp"
#include "krelu/io/network_file.hpp"
#include "krelu/io/svmlight.hpp"

namespace krelu::cli {

void require_file(const std::string& path, const char* what) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) throw InputError(std::string("cannot open ") + what + " '" + path + "': no such file");
  if (std::filesystem::is_directory(status)) throw InputError(std::string(what) + " '" + path + "' is a directory");
  std::ifstream probe(path);
  if (!probe) throw InputError(std::string("cannot open ") + what + " '" + path + "' for reading");
}

void add_format_option(CLI::App& cmd, std::string& format) {
  cmd.add_option("--format", format, "Sample file format (default: from the extension, .csv or .svm/.svmlight/.libsvm)")
      ->check(CLI::IsMember({"csv", "svmlight"}));
}

SampleSet<double> load_samples(const std::string& path, const std::string& format) {
  require_file(path, "data file");
  if (format == "csv") return read_samples_csv<double>(std::filesystem::path(path));
  if (format == "svmlight") return read_samples_svmlight<double>(std::filesystem::path(path));
  return read_samples<double>(path);
}

Network<double> load_network(const std::string& path) {
  require_file(path, "network file");
  return read_network<double>(std::filesystem::path(path));
}

void save_network(const std::string& path, const Network<double>& net) {
  try {
    write_network(std::filesystem::path(path), net);
  } catch (const std::runtime_error& e) {
    throw InputError(e.what());
  }
}

Signs parse_signs(const std::string& text) {
  if (text == "free") return Signs::free();
  if (text == "plus" || text == "all-plus" || text == "all_plus") return Signs::all_plus();
  std::vector<int> values;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    if (item == "+" || item == "+1" || item == "1")
      values.push_back(1);
    else if (item == "-" || item == "-1")
      values.push_back(-1);
    else
      throw InputError("--signs: '" + text + "' is not 'free', 'plus' or a comma-separated list of + and - (e.g. +,-,+)");
    if (comma == text.size()) break;
    start = comma + 1;
  }
  return Signs::fixed(std::move(values));
}

std::optional<double> checked_radius(const std::optional<double>& radius) {
  if (radius && (!std::isfinite(*radius) || !(*radius > 0)))
    throw InputError("--radius must be a finite number > 0, got " + num(*radius));
  return radius;
}

nlohmann::json network_json(const Network<double>& net) {
  nlohmann::json a = nlohmann::json::array(), W = nlohmann::json::array();
  for (Eigen::Index j = 0; j < net.units(); ++j) {
    a.push_back(static_cast<int>(net.signs()(j)));
    nlohmann::json row = nlohmann::json::array();
    for (Eigen::Index l = 0; l < net.dim(); ++l) row.push_back(net.weights()(j, l));
    W.push_back(std::move(row));
  }
  return {{"a", a}, {"W", W}};
}

Network<double> network_from_json(const nlohmann::json& j, const std::string& where) {
  const std::string form = where + ": expected a network {\"a\": [signs], \"W\": [[weights], ...]}";
  if (!j.is_object() || !j.contains("a") || !j.contains("W") || !j["a"].is_array() || !j["W"].is_array())
    throw InputError(form);
  const auto& a = j["a"];
  const auto& W = j["W"];
  if (a.empty() || a.size() != W.size()) throw InputError(form + " with as many rows as signs (at least one)");
  const auto k = static_cast<Eigen::Index>(a.size());
  const auto n = W[0].is_array() ? static_cast<Eigen::Index>(W[0].size()) : Eigen::Index(0);
  Eigen::MatrixXd weights(k, n);
  Eigen::VectorXd signs(k);
  for (Eigen::Index r = 0; r < k; ++r) {
    const auto& row = W[static_cast<std::size_t>(r)];
    if (!a[static_cast<std::size_t>(r)].is_number() || !row.is_array() || static_cast<Eigen::Index>(row.size()) != n)
      throw InputError(form + ": row " + std::to_string(r) + " is malformed");
    signs(r) = a[static_cast<std::size_t>(r)].get<double>();
    for (Eigen::Index l = 0; l < n; ++l) {
      if (!row[static_cast<std::size_t>(l)].is_number())
        throw InputError(form + ": W[" + std::to_string(r) + "][" + std::to_string(l) + "] is not a number");
      weights(r, l) = row[static_cast<std::size_t>(l)].get<double>();
    }
  }
  try {
    return Network<double>(weights, signs);
  } catch (const std::invalid_argument& e) {
    throw InputError(where + ": " + e.what());
  }
}

nlohmann::json load_json(const std::string& path) {
  require_file(path, "JSON file");
  std::ifstream in(path);
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(path + ": not valid JSON (" + e.what() + ")");
  }
}

void save_json(const std::string& path, const nlohmann::json& j) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw InputError("cannot open '" + path + "' for writing");
  out << j.dump(2) << '\n';
  if (!out.flush()) throw InputError("writing '" + path + "' failed");
}

std::string num(double x) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.10g", x);
  return buffer;
}

void print_network(std::ostream& out, const Network<double>& net, int max_weights) {
  out << "network:      " << net.units() << (net.units() == 1 ? " unit" : " units") << ", dimension " << net.dim()
      << " (a_j, then w_j)\n";
  for (Eigen::Index j = 0; j < net.units(); ++j) {
    out << "  " << (net.signs()(j) > 0 ? "+1" : "-1");
    const Eigen::Index shown = std::min<Eigen::Index>(net.dim(), max_weights);
    for (Eigen::Index l = 0; l < shown; ++l) out << ' ' << num(net.weights()(j, l));
    if (shown < net.dim()) out << " ... (" << net.dim() - shown << " more; --output writes them all)";
    out << '\n';
  }
}

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

}  // namespace krelu::cli
