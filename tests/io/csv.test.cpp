// CSV sample files: bitwise round trips for every scalar type and storage, an independent
// reading of the written text, and one test per kind of malformed input.
#include "io_test_support.hpp"

#include <cstdlib>

using krelu::Dense;
using krelu::Sparse;

namespace {

template <class Scalar, class Storage>
std::string to_csv(const krelu::SampleSet<Scalar, Storage>& s) {
  std::ostringstream out;
  krelu::write_samples_csv(out, s);
  return out.str();
}

template <class Scalar = double, class Storage = Dense>
krelu::SampleSet<Scalar, Storage> from_csv(const std::string& text, const std::string& name = "test.csv") {
  std::istringstream in(text);
  return krelu::read_samples_csv<Scalar, Storage>(in, name);
}

/// Write -> read -> same bits, write again -> same bytes, read into the other storage -> same.
template <class Scalar, class Storage, class OtherStorage>
void check_round_trips(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (int t = 0; t < 25; ++t) {
    const Eigen::Index m = static_cast<Eigen::Index>(rng() % 30), n = static_cast<Eigen::Index>(rng() % 10);
    const double zeros = static_cast<double>(rng() % 5) / 4.0;
    const auto s = iotest::random_set<Scalar, Storage>(m, n, zeros, rng);
    const std::string text = to_csv(s);
    const auto back = from_csv<Scalar, Storage>(text);
    INFO("m = " << m << ", n = " << n << "\n" << text);
    REQUIRE(iotest::same_samples(s, back));
    REQUIRE(to_csv(back) == text);
    const auto other = from_csv<Scalar, OtherStorage>(text);
    REQUIRE(iotest::same_samples(s, other));
    REQUIRE(to_csv(other) == text);
  }
}

/// A valid random CSV file of m samples in dimension n, as lines (line 1 is the header).
std::vector<std::string> valid_lines(std::mt19937_64& rng, Eigen::Index m = 12, Eigen::Index n = 3) {
  return iotest::lines_of(to_csv(iotest::random_set<double, Dense>(m, n, 0.3, rng)));
}

/// Replaces field `field` (0-based) of `line` and returns the 1-based column where it starts.
std::size_t replace_field(std::string& line, int field, const std::string& text) {
  std::size_t start = 0;
  for (int f = 0; f < field; ++f) start = line.find(',', start) + 1;
  const std::size_t end = std::min(line.find(',', start), line.size());
  line.replace(start, end - start, text);
  return start + 1;
}

/// Puts `text` into a random field of the given kind on a random data line, and checks the
/// ParseError names that line and column and says `expected`.
void check_bad_field(int first_field, int last_field, const std::string& text, const std::string& expected) {
  std::mt19937_64 rng(std::hash<std::string>{}(text));
  for (int t = 0; t < 10; ++t) {
    auto lines = valid_lines(rng);
    const std::size_t line = 2 + rng() % (lines.size() - 1);
    const int field = first_field + static_cast<int>(rng() % static_cast<std::uint64_t>(last_field - first_field + 1));
    const std::size_t column = replace_field(lines[line - 1], field, text);
    const auto e = iotest::parse_error_of([&] { from_csv(iotest::join_lines(lines), "bad.csv"); });
    INFO(e.what());
    CHECK(e.file() == "bad.csv");
    CHECK(e.line() == line);
    CHECK(e.column() == column);
    CHECK_THAT(e.message(), Catch::Contains(expected) && Catch::Contains(krelu::detail::csv_field_label(field)));
    CHECK_THAT(std::string(e.what()), Catch::StartsWith("bad.csv:" + std::to_string(line) + ":"));
  }
}

}  // namespace

TEMPLATE_TEST_CASE("CSV round trips are bitwise for dense and sparse storage", "", KRELU_IO_SCALARS) {
  check_round_trips<TestType, Dense, Sparse>(11);
  check_round_trips<TestType, Sparse, Dense>(12);
}

TEST_CASE("CSV text read independently with strtod gives the set's values bit for bit") {
  std::mt19937_64 rng(3);
  for (int t = 0; t < 20; ++t) {
    const auto s = iotest::random_set<double, Sparse>(15, 6, 0.4, rng);
    const auto lines = iotest::lines_of(to_csv(s));
    REQUIRE(lines.size() == 16);
    CHECK(lines[0] == "y,weight,x1,x2,x3,x4,x5,x6");
    for (Eigen::Index i = 0; i < s.size(); ++i) {
      std::vector<double> fields;
      const char* p = lines[static_cast<std::size_t>(i) + 1].c_str();
      for (char* end = nullptr;; p = end + 1) {
        fields.push_back(std::strtod(p, &end));
        if (*end != ',') break;
      }
      REQUIRE(fields.size() == 8);
      CHECK(iotest::same_bits(fields[0], s.label(i)));
      CHECK(iotest::same_bits(fields[1], s.weight(i)));
      for (Eigen::Index j = 0; j < 6; ++j) CHECK(iotest::same_bits(fields[2 + j], iotest::entry(s, i, j)));
    }
  }
}

TEST_CASE("CSV reading tolerates CRLF, blank lines, blanks around fields and a byte order mark") {
  std::mt19937_64 rng(8);
  const auto s = iotest::random_set<double, Dense>(10, 4, 0.3, rng);
  std::string loose = "\xEF\xBB\xBF";
  for (const auto& line : iotest::lines_of(to_csv(s))) {
    std::string spaced;
    for (char c : line) spaced += (c == ',') ? std::string(" ,\t") : std::string(1, c);
    loose += " " + spaced + " \r\n\r\n";
  }
  CHECK(iotest::same_samples(s, from_csv(loose)));
}

TEMPLATE_TEST_CASE("CSV: a header-only file is an empty set of the header's dimension", "", Dense, Sparse) {
  const auto s = from_csv<double, TestType>("y,weight,x1,x2,x3\n");
  CHECK(s.size() == 0);
  CHECK(s.dim() == 3);
  CHECK(to_csv(s) == "y,weight,x1,x2,x3\n");
  const auto d0 = from_csv<double, TestType>("y,weight\n2,0.5\n");
  CHECK(d0.dim() == 0);
  CHECK(d0.size() == 1);
  CHECK(d0.weight(0) == 0.5);
}

TEST_CASE("CSV: an empty file is rejected naming line 1") {
  for (const std::string text : {"", "\n"}) {
    const auto e = iotest::parse_error_of([&] { from_csv(text, "empty.csv"); });
    CHECK(e.line() == 1);
    if (text.empty()) CHECK_THAT(e.what(), Catch::StartsWith("empty.csv:1:1: empty file"));
  }
}

TEST_CASE("CSV: a header other than y,weight,x1,...,xn is rejected naming line 1 and the field") {
  struct Case {
    std::string header;
    std::size_t column;
    std::string says;
  };
  for (const Case& c : {Case{"x,weight,x1", 1, "field 1 is 'x', expected 'y'"},
                        Case{"y,w,x1", 3, "field 2 is 'w', expected 'weight'"},
                        Case{"y,weight,x2", 10, "field 3 is 'x2', expected 'x1'"},
                        Case{"y,weight,x1,x3", 13, "field 4 is 'x3', expected 'x2'"},
                        Case{"Y,weight,x1", 1, "expected 'y'"},
                        Case{"y,weight,x1,", 13, "field 4 is '', expected 'x2'"},
                        Case{"y", 2, "'weight' is missing"},
                        Case{"1,1,0.5", 1, "field 1 is '1', expected 'y'"}}) {
    const auto e = iotest::parse_error_of([&] { from_csv(c.header + "\n1,1,0\n"); });
    INFO(e.what());
    CHECK(e.line() == 1);
    CHECK(e.column() == c.column);
    CHECK_THAT(e.message(), Catch::Contains(c.says) && Catch::Contains("y,weight,x1,...,xn"));
  }
}

TEST_CASE("CSV: a row with fewer fields than the header is rejected with both counts") {
  std::mt19937_64 rng(21);
  for (int t = 0; t < 20; ++t) {
    auto lines = valid_lines(rng);
    const std::size_t line = 2 + rng() % (lines.size() - 1);
    auto& l = lines[line - 1];
    l.erase(l.rfind(','));  // drop the last field
    const auto e = iotest::parse_error_of([&] { from_csv(iotest::join_lines(lines), "data.csv"); });
    CHECK(e.line() == line);
    CHECK(e.column() == l.size() + 1);
    CHECK(e.message() == "expected 5 fields, found 4");
  }
}

TEST_CASE("CSV: a row with more fields than the header is rejected at the first extra field") {
  std::mt19937_64 rng(22);
  for (int t = 0; t < 20; ++t) {
    auto lines = valid_lines(rng);
    const std::size_t line = 2 + rng() % (lines.size() - 1);
    const std::size_t column = lines[line - 1].size() + 2;
    lines[line - 1] += ",7";
    const auto e = iotest::parse_error_of([&] { from_csv(iotest::join_lines(lines), "data.csv"); });
    CHECK(e.line() == line);
    CHECK(e.column() == column);
    CHECK(e.message() == "expected 5 fields, found 6");
  }
}

TEST_CASE("CSV: a truncated line such as '1.5,2,' has an empty field") {
  const auto e = iotest::parse_error_of([] { from_csv("y,weight,x1\n0,1,3\n1.5,2,\n"); });
  CHECK(e.line() == 3);
  CHECK(e.column() == 7);
  CHECK(e.message() == "field 3 (x1) is empty");
  check_bad_field(0, 4, "", "is empty");
  check_bad_field(0, 4, "  ", "is empty");
}

TEST_CASE("CSV: garbage numbers are rejected naming the field") {
  for (const std::string bad : {"1.2.3", "abc", "1e", "0x1p3", "1,5e"}) {
    if (bad.find(',') != std::string::npos) continue;  // a comma would change the field count
    check_bad_field(0, 4, bad, "'" + bad + "' is not a number");
  }
}

TEST_CASE("CSV: NaN or Inf in an input is rejected") {
  for (const std::string bad : {"nan", "NaN", "inf", "-inf", "Infinity"}) check_bad_field(2, 4, bad, "must be finite");
}

TEST_CASE("CSV: NaN or Inf in a label is rejected") {
  for (const std::string bad : {"nan", "-Inf"}) check_bad_field(0, 0, bad, "must be finite");
}

TEST_CASE("CSV: NaN or Inf in a weight is rejected") {
  for (const std::string bad : {"nan", "inf"}) check_bad_field(1, 1, bad, "must be finite");
}

TEST_CASE("CSV: a weight <= 0 is rejected") {
  for (const std::string bad : {"0", "-0", "-1", "-1e-300", "1e-400"}) check_bad_field(1, 1, bad, "weights must be > 0");
}

TEST_CASE("CSV: a value beyond the scalar type's range is rejected") {
  check_bad_field(0, 4, "1e400", "out of range");
  // ... but long double holds it.
  const auto s = from_csv<long double>("y,weight,x1\n1e400,1,-1e-4000\n");
  CHECK(s.label(0) > 1e300L);
}

TEST_CASE("CSV: the file readers name the path and report files that cannot be opened") {
  const auto path = iotest::scratch_path("broken.csv");
  iotest::write_file(path, "y,weight,x1\n1,1,2\n1,1,abc\n");
  const auto e = iotest::parse_error_of([&] { krelu::read_samples_csv<double>(path); });
  CHECK(e.file() == path.string());
  CHECK(e.line() == 3);
  CHECK(e.column() == 5);
  CHECK_THROWS_AS(krelu::read_samples_csv<double>(iotest::scratch_path("missing.csv")), std::runtime_error);
  CHECK_THROWS_WITH(krelu::read_samples_csv<double>(iotest::scratch_path("missing.csv")), Catch::Contains("cannot open"));
}
