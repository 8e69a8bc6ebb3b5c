// svmlight / libsvm sample files: bitwise round trips, the dimension header, weights (in-line
// and sidecar), agreement with CSV, an independent re-implementation of scikit-learn's reader
// (no Python needed), O(nonzeros) sparse I/O, and one test per kind of malformed input.
#include "io_test_support.hpp"

#include <algorithm>
#include <chrono>
#include <climits>
#include <optional>
#include <regex>

#if defined(__linux__) && !defined(__SANITIZE_ADDRESS__)
#include <sys/resource.h>
#define KRELU_IO_LIMIT_ADDRESS_SPACE 1
#endif

using krelu::Dense;
using krelu::Sparse;

namespace {

template <class Scalar, class Storage>
std::string to_svm(const krelu::SampleSet<Scalar, Storage>& s) {
  std::ostringstream out;
  krelu::write_samples_svmlight(out, s);
  return out.str();
}

template <class Scalar = double, class Storage = Dense>
krelu::SampleSet<Scalar, Storage> from_svm(const std::string& text, const std::string& name = "test.svm") {
  std::istringstream in(text);
  return krelu::read_samples_svmlight<Scalar, Storage>(in, name);
}

template <class Scalar, class Storage, class OtherStorage>
void check_round_trips(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (int t = 0; t < 25; ++t) {
    const Eigen::Index m = static_cast<Eigen::Index>(rng() % 30), n = static_cast<Eigen::Index>(rng() % 12);
    const double zeros = static_cast<double>(rng() % 5) / 4.0;
    const auto s = iotest::random_set<Scalar, Storage>(m, n, zeros, rng);
    const std::string text = to_svm(s);
    INFO("m = " << m << ", n = " << n << "\n" << text);
    const auto back = from_svm<Scalar, Storage>(text);
    REQUIRE(iotest::same_samples(s, back));
    REQUIRE(to_svm(back) == text);
    const auto other = from_svm<Scalar, OtherStorage>(text);
    REQUIRE(iotest::same_samples(s, other));
    REQUIRE(to_svm(other) == text);
  }
}

// ---- An independent model of scikit-learn's load_svmlight_file -------------------------------
// Follows sklearn/datasets/_svmlight_format_fast.pyx (_load_svmlight_file) and
// _svmlight_format_io.py (load_svmlight_files) step by step, with Python's float() and int()
// grammars as regular expressions: what this accepts, scikit-learn accepts, with the same result.

bool python_float_literal(const std::string& t) {
  static const std::regex number(R"(^[+-]?((\d(_?\d)*)(\.(\d(_?\d)*)?)?|\.\d(_?\d)*)([eE][+-]?\d(_?\d)*)?$)");
  static const std::regex special(R"(^[+-]?(inf|infinity|nan)$)", std::regex::icase);
  return std::regex_match(t, number) || std::regex_match(t, special);
}

bool python_int_literal(const std::string& t) {
  static const std::regex integer(R"(^[+-]?\d(_?\d)*$)");
  return std::regex_match(t, integer);
}

struct SklearnCsr {
  std::vector<double> labels, data;
  std::vector<long long> indices, indptr{0};
  long long n_features = 0;
};

/// load_svmlight_file(f, n_features=n_features, zero_based="auto"); REQUIREs every step that
/// would raise in Python to succeed.
SklearnCsr sklearn_load(const std::string& text, std::optional<long long> n_features) {
  SklearnCsr r;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    line = line.substr(0, line.find('#'));  // "skip comments": cut at the first '#'
    std::vector<std::string> parts;          // bytes.split(): ASCII whitespace runs
    std::string current;
    for (char c : line + " ") {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
        if (!current.empty()) parts.push_back(current);
        current.clear();
      } else {
        current += c;
      }
    }
    if (parts.empty()) continue;
    INFO("line: " << line);
    REQUIRE(python_float_literal(parts[0]));  // float(target)
    r.labels.push_back(std::strtod(parts[0].c_str(), nullptr));
    REQUIRE(parts.size() < 2 + 0 + parts.size());  // (no qid: never written)
    long long previous = -1;
    for (std::size_t i = 1; i < parts.size(); ++i) {
      const std::size_t colon = parts[i].find(':');  // idx_s, value = feature.split(":", 1)
      REQUIRE(colon != std::string::npos);
      const std::string idx_s = parts[i].substr(0, colon), value = parts[i].substr(colon + 1);
      REQUIRE(python_int_literal(idx_s));
      const long long idx = std::stoll(idx_s);
      REQUIRE(idx <= INT_MAX);  // cdef int idx
      REQUIRE(idx >= 0);        // "Invalid index" (zero_based is True inside the loop under "auto")
      REQUIRE(idx > previous);  // "should be sorted and unique"
      REQUIRE(python_float_literal(value));
      r.indices.push_back(idx);
      r.data.push_back(std::strtod(value.c_str(), nullptr));
      previous = idx;
    }
    r.indptr.push_back(static_cast<long long>(r.data.size()));
  }
  // zero_based == "auto": one-based if there are indices and all are > 0.
  if (!r.indices.empty() && *std::min_element(r.indices.begin(), r.indices.end()) > 0)
    for (auto& idx : r.indices) --idx;
  const long long n_f = (r.indices.empty() ? 0 : *std::max_element(r.indices.begin(), r.indices.end())) + 1;
  if (n_features) {
    REQUIRE(*n_features >= 1);  // validate_params: Interval(Integral, 1, None)
    REQUIRE(*n_features >= n_f);
    r.n_features = *n_features;
  } else {
    r.n_features = n_f;
  }
  return r;
}

}  // namespace

TEMPLATE_TEST_CASE("svmlight round trips are bitwise for dense and sparse storage", "", KRELU_IO_SCALARS) {
  check_round_trips<TestType, Dense, Sparse>(31);
  check_round_trips<TestType, Sparse, Dense>(32);
}

TEMPLATE_TEST_CASE("CSV and svmlight files of the same data give the same SampleSet", "", KRELU_IO_SCALARS) {
  std::mt19937_64 rng(41);
  for (int t = 0; t < 20; ++t) {
    const auto s = iotest::random_set<TestType, Sparse>(static_cast<Eigen::Index>(rng() % 25),
                                                        static_cast<Eigen::Index>(rng() % 9), 0.5, rng);
    std::ostringstream csv;
    krelu::write_samples_csv(csv, s);
    std::istringstream csv_in(csv.str());
    const auto from_csv = krelu::read_samples_csv<TestType, Dense>(csv_in, "same.csv");
    const auto from_svm_dense = from_svm<TestType, Dense>(to_svm(s));
    const auto from_svm_sparse = from_svm<TestType, Sparse>(to_svm(s));
    CHECK(iotest::same_samples(from_csv, from_svm_dense));
    CHECK(iotest::same_samples(from_csv, from_svm_sparse));
    CHECK(from_csv.inputs() == from_svm_dense.inputs());
    CHECK(from_svm_sparse.inputs().nonZeros() <= s.inputs().nonZeros());
  }
}

TEST_CASE("svmlight: a file in scikit-learn's dump format reads like its CSV twin") {
  const auto csv = krelu::read_samples<double>(iotest::data_path("mixed.csv"));
  const auto svm = krelu::read_samples<double>(iotest::data_path("mixed_sklearn.svm"));
  const auto svm_sparse = krelu::read_samples<double, Sparse>(iotest::data_path("mixed_sklearn.svm"));
  CHECK(csv.size() == 5);
  CHECK(csv.dim() == 5);
  CHECK(iotest::same_samples(csv, svm));
  CHECK(iotest::same_samples(csv, svm_sparse));
  CHECK(svm_sparse.inputs().nonZeros() == 7);
}

TEST_CASE("svmlight: the header keeps the dimension, and without it the dimension is the largest index") {
  std::mt19937_64 rng(51);
  for (int t = 0; t < 30; ++t) {
    auto s = iotest::random_set<double, Sparse>(1 + static_cast<Eigen::Index>(rng() % 10),
                                                1 + static_cast<Eigen::Index>(rng() % 10), 0.7, rng);
    auto lines = iotest::lines_of(to_svm(s));
    CHECK(lines[0] == "# krelu svmlight dim=" + std::to_string(s.dim()) + " samples=" + std::to_string(s.size()));
    CHECK(from_svm(iotest::join_lines(lines)).dim() == s.dim());
    Eigen::Index last = 0;  // 1-based column of the last stored entry that is not +0
    for (Eigen::Index i = 0; i < s.size(); ++i)
      for (Eigen::Index j = 0; j < s.dim(); ++j)
        if (!krelu::detail::is_positive_zero(iotest::entry(s, i, j))) last = std::max(last, j + 1);
    lines.erase(lines.begin());
    const auto headerless = from_svm<double, Sparse>(iotest::join_lines(lines));
    CHECK(headerless.dim() == last);
    CHECK(headerless.size() == s.size());
  }
  const auto only_header = from_svm<double, Sparse>("# krelu svmlight dim=7\n");
  CHECK(only_header.size() == 0);
  CHECK(only_header.dim() == 7);
  CHECK(from_svm("# krelu svmlight dim=7 samples=0\n").dim() == 7);
}

TEST_CASE("svmlight: weights other than 1 are written as '# weight=c' and read back") {
  std::mt19937_64 rng(61);
  const auto s = iotest::random_set<double, Dense>(40, 3, 0.3, rng);
  const auto lines = iotest::lines_of(to_svm(s));
  for (Eigen::Index i = 0; i < s.size(); ++i) {
    const std::string& line = lines[static_cast<std::size_t>(i) + 1];
    const auto hash = line.find(" # weight=");
    if (s.weight(i) == 1.0) {
      CHECK(line.find('#') == std::string::npos);
    } else {
      REQUIRE(hash != std::string::npos);
      CHECK(iotest::same_bits(std::strtod(line.c_str() + hash + 10, nullptr), s.weight(i)));
    }
  }
  const auto w = from_svm("2 1:1 #weight=2.5\n3 #   weight=0.25  \n4 # another comment\n");
  CHECK(w.weight(0) == 2.5);
  CHECK(w.weight(1) == 0.25);
  CHECK(w.weight(2) == 1.0);
}

TEMPLATE_TEST_CASE("svmlight: sidecar weights files round-trip and are checked", "", Dense, Sparse) {
  std::mt19937_64 rng(71);
  const auto s = iotest::random_set<double, TestType>(30, 4, 0.5, rng);
  const auto path = iotest::scratch_path("sidecar.svm");
  krelu::write_samples_svmlight(path, s, {.weights_file = true});
  const auto sidecar = iotest::lines_of(iotest::read_file(path.string() + ".weights"));
  REQUIRE(sidecar.size() == 30);
  for (Eigen::Index i = 0; i < s.size(); ++i)
    CHECK(iotest::same_bits(std::strtod(sidecar[static_cast<std::size_t>(i)].c_str(), nullptr), s.weight(i)));
  CHECK(iotest::same_samples(s, krelu::read_samples_svmlight<double, TestType>(path, {.weights_file = true})));

  SECTION("weights from a numpy-style sidecar apply to a file without weight comments") {
    const auto plain = iotest::scratch_path("numpy.svm");
    iotest::write_file(plain, "1 1:2\n0 2:1\n1\n");
    iotest::write_file(plain.string() + ".weights", "# weights\n2.500000000000000000e+00\n1.0e-3\n\n7\n");
    const auto r = krelu::read_samples_svmlight<double, TestType>(plain, {.weights_file = true});
    CHECK(r.weight(0) == 2.5);
    CHECK(r.weight(1) == 1e-3);
    CHECK(r.weight(2) == 7.0);
    CHECK(krelu::read_samples_svmlight<double, TestType>(plain).weight(0) == 1.0);  // sidecar ignored by default
  }
  SECTION("a sidecar weight that contradicts the weight comment is rejected") {
    const auto p = iotest::scratch_path("contradict.svm");
    iotest::write_file(p, "1 1:2 # weight=3\n0 2:1\n");
    iotest::write_file(p.string() + ".weights", "3\n4\n");
    CHECK(krelu::read_samples_svmlight<double, TestType>(p, {.weights_file = true}).weight(1) == 4.0);
    iotest::write_file(p.string() + ".weights", "2\n4\n");
    const auto e = iotest::parse_error_of([&] { krelu::read_samples_svmlight<double, TestType>(p, {.weights_file = true}); });
    CHECK(e.file() == p.string() + ".weights");
    CHECK(e.line() == 1);
    CHECK_THAT(e.message(), Catch::Contains("differs from the weight 3 on line 1"));
  }
  SECTION("a sidecar with too few, too many or bad weights is rejected") {
    const auto p = iotest::scratch_path("count.svm");
    iotest::write_file(p, "1 1:2\n0 2:1\n");
    for (const auto& [weights, says] : std::vector<std::pair<std::string, std::string>>{
             {"1\n", "holds 1 weights but"},
             {"1\n2\n3\n", "more weights than the 2 samples"},
             {"1\n0\n", "must be > 0"},
             {"1\nnan\n", "must be finite"},
             {"1 2\n3\n", "one weight per line"}}) {
      iotest::write_file(p.string() + ".weights", weights);
      const auto e = iotest::parse_error_of([&] { krelu::read_samples_svmlight<double, TestType>(p, {.weights_file = true}); });
      CHECK_THAT(e.message(), Catch::Contains(says));
    }
    std::filesystem::remove(p.string() + ".weights");
    CHECK_THROWS_AS((krelu::read_samples_svmlight<double, TestType>(p, {.weights_file = true})), std::runtime_error);
  }
}

TEST_CASE("svmlight files krelu writes are read by scikit-learn's algorithm as the same data") {
  std::mt19937_64 rng(81);
  for (int t = 0; t < 40; ++t) {
    const auto s = iotest::random_set<double, Sparse>(static_cast<Eigen::Index>(rng() % 20),
                                                      1 + static_cast<Eigen::Index>(rng() % 12), 0.6, rng);
    const std::string text = to_svm(s);
    INFO(text);
    for (const bool pass_dim : {true, false}) {
      const auto sk = sklearn_load(text, pass_dim ? std::optional<long long>(s.dim()) : std::nullopt);
      REQUIRE(static_cast<Eigen::Index>(sk.labels.size()) == s.size());
      if (pass_dim) CHECK(sk.n_features == s.dim());
      for (Eigen::Index i = 0; i < s.size(); ++i) {
        CHECK(iotest::same_bits(sk.labels[static_cast<std::size_t>(i)], s.label(i)));
        // Row i of the CSR matrix, expanded: equal to the row of the set, -0 entries included.
        std::vector<double> row(static_cast<std::size_t>(std::max<long long>(sk.n_features, s.dim())), 0.0);
        for (long long k = sk.indptr[static_cast<std::size_t>(i)]; k < sk.indptr[static_cast<std::size_t>(i) + 1]; ++k)
          row[static_cast<std::size_t>(sk.indices[static_cast<std::size_t>(k)])] = sk.data[static_cast<std::size_t>(k)];
        for (Eigen::Index j = 0; j < s.dim(); ++j)
          CHECK(iotest::same_bits(row[static_cast<std::size_t>(j)], iotest::entry(s, i, j)));
      }
    }
  }
  // Long double and Boost files are valid too (scikit-learn rounds their values to double).
#if KRELU_HAVE_BOOST
  const auto b = iotest::random_set<iotest::Boost50, Sparse>(10, 5, 0.3, rng);
  CHECK(sklearn_load(to_svm(b), 5).labels.size() == 10);
#endif
  const auto l = iotest::random_set<long double, Dense>(10, 5, 0.3, rng);
  CHECK(sklearn_load(to_svm(l), 5).labels.size() == 10);
}

#if KRELU_IO_LIMIT_ADDRESS_SPACE
/// Lowers the address-space limit of the process while alive: allocations beyond it fail
/// even if they would never be touched.
class AddressSpaceLimit {
 public:
  explicit AddressSpaceLimit(rlim_t bytes) {
    getrlimit(RLIMIT_AS, &saved_);
    rlimit lowered = saved_;
    if (saved_.rlim_cur == RLIM_INFINITY || saved_.rlim_cur > bytes) lowered.rlim_cur = bytes;
    setrlimit(RLIMIT_AS, &lowered);
  }
  ~AddressSpaceLimit() { setrlimit(RLIMIT_AS, &saved_); }
  AddressSpaceLimit(const AddressSpaceLimit&) = delete;
  AddressSpaceLimit& operator=(const AddressSpaceLimit&) = delete;

 private:
  rlimit saved_{};
};
#endif

TEST_CASE("svmlight: sparse sets are read and written in O(nonzeros), never densified") {
  // Dimension 10^9 with 1000 samples: a dense copy would need 8 TB, and anything reserving
  // O(dimension) entries some GB, so with the address space capped at 4 GB this only passes
  // if neither the writer nor the reader allocates more than O(nonzeros + samples).
  const Eigen::Index m = 1000, n = 1'000'000'000;
  std::mt19937_64 rng(91);
  // Built row by row (setFromTriplets would make a column-major temporary with 10^9 columns).
  Eigen::SparseMatrix<double, Eigen::RowMajor> x(m, n);
  x.reserve(Eigen::VectorXi::Constant(m, 3));
  for (Eigen::Index i = 0; i < m; ++i) {
    std::vector<Eigen::Index> columns;
    while (columns.size() < 3) {
      const auto j = static_cast<Eigen::Index>(rng() % n);
      if (std::find(columns.begin(), columns.end(), j) == columns.end()) columns.push_back(j);
    }
    std::sort(columns.begin(), columns.end());
    for (const auto j : columns) {
      double v = 0;
      while (v == 0) v = iotest::random_value<double>(rng);
      x.insert(i, j) = v;
    }
  }
  x.makeCompressed();
  krelu::SampleSet<double, Sparse> s(n);
  s.assign(x, Eigen::VectorXd::Ones(m), Eigen::VectorXd::Constant(m, 2.0));
  const auto start = std::chrono::steady_clock::now();
  std::string text;
  krelu::SampleSet<double, Sparse> back;
  {
#if KRELU_IO_LIMIT_ADDRESS_SPACE
    const AddressSpaceLimit limit(rlim_t(4) << 30);
#endif
    text = to_svm(s);
    back = from_svm<double, Sparse>(text);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(back.dim() == n);
  CHECK(back.inputs().nonZeros() == s.inputs().nonZeros());
  CHECK(to_svm(back) == text);
  CHECK(seconds < 5.0);
}

// ---- Malformed input: one test per kind, each naming line and column ---------------------------

namespace {

/// A valid file with the header and `m` samples of dimension 6, as lines.
std::vector<std::string> valid_lines(std::mt19937_64& rng, Eigen::Index m = 10) {
  return iotest::lines_of(to_svm(iotest::random_set<double, Dense>(m, 6, 0.4, rng)));
}

/// Error of reading `lines` with `line` (1-based) replaced by `text`.
krelu::ParseError error_with_line(std::vector<std::string> lines, std::size_t line, const std::string& text) {
  lines[line - 1] = text;
  return iotest::parse_error_of([&] { from_svm(iotest::join_lines(lines), "bad.svm"); });
}

/// Puts the sample line `text` at a random data line of random valid files; checks line,
/// column (of `marker` in `text`) and the message.
void check_bad_line(const std::string& text, const std::string& marker, const std::string& says) {
  std::mt19937_64 rng(std::hash<std::string>{}(text));
  for (int t = 0; t < 8; ++t) {
    const auto lines = valid_lines(rng);
    const std::size_t line = 2 + rng() % (lines.size() - 1);
    const auto e = error_with_line(lines, line, text);
    INFO(e.what());
    CHECK(e.file() == "bad.svm");
    CHECK(e.line() == line);
    CHECK(e.column() == text.find(marker) + 1);
    CHECK_THAT(e.message(), Catch::Contains(says));
  }
}

}  // namespace

TEST_CASE("svmlight: an empty file or a file of comments only is rejected") {
  for (const std::string text : {"", "\n\n", "# just a comment\n", "   \n# sklearn header\n#\n"}) {
    const auto e = iotest::parse_error_of([&] { from_svm(text, "empty.svm"); });
    CHECK(e.line() == 1);
    CHECK_THAT(e.what(), Catch::StartsWith("empty.svm:1:1: empty file"));
  }
}

TEST_CASE("svmlight: feature index 0 is rejected (indices are 1-based)") {
  check_bad_line("1 0:1.5 3:2", "0:", "feature index 0 is invalid: indices are 1-based");
}

TEST_CASE("svmlight: feature indices out of order are rejected") {
  check_bad_line("1 2:1 5:2 3:1", "3:", "feature 3 follows feature 5: indices must increase strictly");
}

TEST_CASE("svmlight: a repeated feature index is rejected") {
  check_bad_line("1 2:1 4:2 4:1", "4:1", "feature 4 appears twice");
}

TEST_CASE("svmlight: a truncated feature '3:' without value is rejected") {
  check_bad_line("1 2:1 3:", "3:", "feature 3 has no value after ':'");
}

TEST_CASE("svmlight: a feature without ':' or without index is rejected") {
  check_bad_line("1 2:1 3", "3", "expected 'index:value', found '3'");
  check_bad_line("1 2:1 :3", ":3", "feature index '' is not a positive integer");
  check_bad_line("1 qid:3 2:1", "qid", "qid is not supported");
  check_bad_line("1 -2:1", "-2", "feature index '-2' is not a positive integer");
  check_bad_line("1 1.5:1", "1.5", "is not a positive integer");
  check_bad_line("1 99999999999:1", "9999", "is too large");
}

TEST_CASE("svmlight: a line starting with a feature has no label") {
  check_bad_line("3:1 4:2", "3:1", "expected the label y");
}

TEST_CASE("svmlight: garbage numbers in a label, a value or a weight are rejected") {
  check_bad_line("1.2.3 2:1", "1.2.3", "label '1.2.3' is not a number");
  check_bad_line("1 2:abc", "abc", "the value of feature 2 'abc' is not a number");
  check_bad_line("1 2:1 # weight=1.2.3", "1.2.3", "weight '1.2.3' is not a number");
  check_bad_line("1 2:1 # weight=", "weight=", "the number is missing");
  check_bad_line("1 2:1 # weight 2", "weight 2", "must read '# weight=<number>'");
}

TEST_CASE("svmlight: NaN or Inf in a label, a value or a weight is rejected") {
  check_bad_line("nan 2:1", "nan", "label is 'nan': values must be finite");
  check_bad_line("1 2:1 4:-inf", "-inf", "feature 4 is '-inf': values must be finite");
  check_bad_line("1 2:1 # weight=Infinity", "Infinity", "weight is 'Infinity': values must be finite");
}

TEST_CASE("svmlight: a weight <= 0 is rejected") {
  check_bad_line("1 2:1 # weight=0", "0", "weight '0' must be > 0");
  check_bad_line("1 2:1 # weight=-2.5", "-2.5", "weight '-2.5' must be > 0");
}

TEST_CASE("svmlight: a value beyond the scalar type's range is rejected") {
  check_bad_line("1 2:1e999", "1e999", "out of range");
}

TEST_CASE("svmlight: an index above the declared dimension is rejected") {
  check_bad_line("1 2:1 7:1", "7:1", "feature 7 exceeds the dimension 6 declared on line 1");
}

TEST_CASE("svmlight: a file holding fewer samples than its header declares is rejected as truncated") {
  std::mt19937_64 rng(101);
  for (int t = 0; t < 10; ++t) {
    auto lines = valid_lines(rng);
    const std::size_t keep = 1 + rng() % (lines.size() - 1);
    lines.resize(keep);
    const auto e = iotest::parse_error_of([&] { from_svm(iotest::join_lines(lines), "cut.svm"); });
    CHECK(e.line() == 1);
    CHECK(e.message() == "the header declares 10 samples but the file holds " + std::to_string(keep - 1) +
                             " (truncated or edited?)");
  }
}

TEST_CASE("svmlight: a malformed, repeated or misplaced header is rejected") {
  struct Case {
    std::string text;
    std::size_t line, column;
    std::string says;
  };
  for (const Case& c : {Case{"# krelu svmlight\n1 1:1\n", 1, 17, "dim=N is missing"},
                        Case{"# krelu svmlight dim=x\n", 1, 18, "'dim=x' needs a non-negative integer"},
                        Case{"# krelu svmlight dim=-3\n", 1, 18, "needs a non-negative integer"},
                        Case{"# krelu svmlight dim=3 size=2\n", 1, 24, "unknown entry 'size=2'"},
                        Case{"# krelu svmlight dim=3 dim=4\n", 1, 24, "dim is given twice"},
                        Case{"# krelu svm dim=3\n", 1, 9, "must read '# krelu svmlight dim=N [samples=M]'"},
                        Case{"# krelu svmlight dim=3\n# krelu svmlight dim=3\n", 2, 1, "a second '# krelu svmlight' header"},
                        Case{"1 1:1\n# krelu svmlight dim=3\n", 2, 1, "must come before the first sample"}}) {
    const auto e = iotest::parse_error_of([&] { from_svm(c.text); });
    INFO(c.text << " -> " << e.what());
    CHECK(e.line() == c.line);
    CHECK(e.column() == c.column);
    CHECK_THAT(e.message(), Catch::Contains(c.says));
  }
}

TEST_CASE("svmlight reading tolerates tabs, runs of blanks, CRLF and comment lines") {
  std::mt19937_64 rng(111);
  const auto s = iotest::random_set<double, Sparse>(12, 5, 0.5, rng);
  std::string loose = "# some tool's comment\n\n";
  for (const auto& line : iotest::lines_of(to_svm(s))) {
    std::string spaced;
    for (char c : line) spaced += (c == ' ') ? std::string(" \t ") : std::string(1, c);
    loose += "\t" + spaced + "  \r\n# interleaved comment\n";
  }
  CHECK(iotest::same_samples(s, from_svm<double, Sparse>(loose)));
}
