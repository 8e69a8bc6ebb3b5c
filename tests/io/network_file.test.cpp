// Network files: bitwise round trips for every scalar type, the loss of a read network equals
// the loss of the original, a hand-written file with comments, one test per malformed input.
#include "io_test_support.hpp"

#include <krelu/loss.hpp>

namespace {

template <class Scalar>
std::string to_text(const krelu::Network<Scalar>& net) {
  std::ostringstream out;
  krelu::write_network(out, net);
  return out.str();
}

template <class Scalar = double>
krelu::Network<Scalar> from_text(const std::string& text, const std::string& name = "net.txt") {
  std::istringstream in(text);
  return krelu::read_network<Scalar>(in, name);
}

template <class Scalar>
krelu::Network<Scalar> random_network(Eigen::Index k, Eigen::Index n, std::mt19937_64& rng) {
  typename krelu::Network<Scalar>::Matrix w(k, n);
  typename krelu::Network<Scalar>::Vector a(k);
  for (Eigen::Index j = 0; j < k; ++j) {
    a(j) = (rng() % 2) ? Scalar(1) : Scalar(-1);
    for (Eigen::Index l = 0; l < n; ++l) w(j, l) = iotest::random_value<Scalar>(rng);
  }
  return krelu::Network<Scalar>(w, a);
}

/// A valid random network file with 6 units of 4 weights, as lines (line 1 is the header).
std::vector<std::string> valid_lines(std::mt19937_64& rng) {
  return iotest::lines_of(to_text(random_network<double>(6, 4, rng)));
}

}  // namespace

TEMPLATE_TEST_CASE("network files round-trip bit for bit and byte for byte", "", KRELU_IO_SCALARS) {
  std::mt19937_64 rng(5);
  for (int t = 0; t < 40; ++t) {
    const auto net = random_network<TestType>(1 + static_cast<Eigen::Index>(rng() % 5),
                                              static_cast<Eigen::Index>(rng() % 8), rng);
    const std::string text = to_text(net);
    INFO(text);
    const auto back = from_text<TestType>(text);
    REQUIRE(iotest::same_network(net, back));
    REQUIRE(to_text(back) == text);
    const auto lines = iotest::lines_of(text);
    CHECK(lines[0] == "# krelu network units=" + std::to_string(net.units()) + " dim=" + std::to_string(net.dim()));
    CHECK(static_cast<Eigen::Index>(lines.size()) == net.units() + 1);
  }
}

TEST_CASE("a network read from a file computes the same loss as the original, bit for bit") {
  std::mt19937_64 rng(6);
  for (int t = 0; t < 20; ++t) {
    // Moderate magnitudes so that the loss is finite and not trivially 0.
    Eigen::MatrixXd w = Eigen::MatrixXd::Random(3, 5) * 3.0;
    Eigen::VectorXd a(3);
    a << 1, -1, (rng() % 2) ? 1 : -1;
    const krelu::Network<double> net(w, a);
    const krelu::SampleSet<double> s(Eigen::MatrixXd::Random(30, 5), Eigen::VectorXd::Random(30));
    const auto back = from_text(to_text(net));
    CHECK(iotest::same_bits(krelu::loss(net, s), krelu::loss(back, s)));
  }
}

TEST_CASE("a hand-written network with comments, blank lines and other spellings reads like the plain one") {
  const auto commented = krelu::read_network<double>(iotest::data_path("network_commented.txt"));
  const auto plain = krelu::read_network<double>(iotest::data_path("network_plain.txt"));
  CHECK(commented.units() == 3);
  CHECK(commented.dim() == 4);
  CHECK(iotest::same_network(commented, plain));
  CHECK(std::signbit(commented.weights()(2, 0)));  // "-0" stays a negative zero
  CHECK(to_text(commented) == iotest::read_file(iotest::data_path("network_plain.txt")));
  const auto path = iotest::scratch_path("net_out.txt");
  krelu::write_network(path, commented);
  CHECK(iotest::read_file(path) == iotest::read_file(iotest::data_path("network_plain.txt")));
}

TEST_CASE("network files of dimension 0 hold signs only") {
  const auto net = from_text("1\n-1\n");
  CHECK(net.units() == 2);
  CHECK(net.dim() == 0);
  CHECK(to_text(net) == "# krelu network units=2 dim=0\n1\n-1\n");
}

TEST_CASE("network: a sign other than +1 or -1 is rejected") {
  std::mt19937_64 rng(7);
  for (const std::string bad : {"0", "0.5", "2", "-1.0000001", "-0"}) {
    auto lines = valid_lines(rng);
    const std::size_t line = 2 + rng() % (lines.size() - 1);
    const std::size_t unit = line - 1;
    auto& l = lines[line - 1];
    l = bad + l.substr(l.find(' '));
    const auto e = iotest::parse_error_of([&] { from_text(iotest::join_lines(lines), "signs.txt"); });
    CHECK(e.line() == line);
    CHECK(e.column() == 1);
    CHECK(e.message() == "sign '" + bad + "' of unit " + std::to_string(unit) + " must be +1 or -1");
  }
  for (const std::string ok : {"+1", "1.0", "-1e0", "1"}) CHECK(from_text(ok + " 2 3\n").units() == 1);
}

TEST_CASE("network: units with different numbers of weights are rejected") {
  std::mt19937_64 rng(8);
  for (int t = 0; t < 10; ++t) {
    auto lines = valid_lines(rng);
    const std::size_t line = 3 + rng() % (lines.size() - 2);  // not the first unit
    const std::size_t unit = line - 1;
    lines.erase(lines.begin());  // no header: the counts alone must catch it
    auto& l = lines[line - 2];
    const bool fewer = rng() % 2;
    if (fewer)
      l.erase(l.rfind(' '));
    else
      l += " 7";
    const auto e = iotest::parse_error_of([&] { from_text(iotest::join_lines(lines), "ragged.txt"); });
    CHECK(e.line() == line - 1);
    if (fewer) {
      CHECK(e.message() == "unit " + std::to_string(unit) + " has 3 weights, unit 1 (line 1) has 4");
      CHECK(e.column() == l.size() + 1);
    } else {
      CHECK(e.message() == "unit " + std::to_string(unit) + " has more than 4 weights, unit 1 (line 1) has 4");
      CHECK(e.column() == l.size());
    }
  }
}

TEST_CASE("network: an empty network file (k = 0) is rejected") {
  for (const std::string text : {"", "\n", "# only a comment\n\n", "# krelu network units=0 dim=3\n"}) {
    const auto e = iotest::parse_error_of([&] { from_text(text, "empty.txt"); });
    CHECK(e.line() == 1);
    CHECK_THAT(e.what(), Catch::StartsWith("empty.txt:1:1: no units (k = 0)"));
  }
}

TEST_CASE("network: NaN, Inf and garbage weights are rejected naming unit and weight") {
  struct Case {
    std::string bad, says;
  };
  for (const Case& c : {Case{"nan", "must be finite"}, Case{"-inf", "must be finite"}, Case{"1.2.3", "is not a number"},
                        Case{"abc", "is not a number"}, Case{"1e999", "out of range"}}) {
    std::mt19937_64 rng(std::hash<std::string>{}(c.bad));
    auto lines = valid_lines(rng);
    const std::size_t line = 2 + rng() % (lines.size() - 1);
    auto& l = lines[line - 1];
    const std::size_t start = l.rfind(' ') + 1;  // the last weight, weight 4
    l = l.substr(0, start) + c.bad;
    const auto e = iotest::parse_error_of([&] { from_text(iotest::join_lines(lines)); });
    INFO(e.what());
    CHECK(e.line() == line);
    CHECK(e.column() == start + 1);
    CHECK_THAT(e.message(),
               Catch::Contains("weight 4 of unit " + std::to_string(line - 1)) && Catch::Contains(c.says));
  }
  CHECK_THAT(iotest::parse_error_of([] { from_text("nan 1 2\n"); }).message(), Catch::Contains("sign of unit 1"));
}

TEST_CASE("network: a file with fewer units than its header declares is rejected as truncated") {
  std::mt19937_64 rng(9);
  auto lines = valid_lines(rng);
  lines.pop_back();
  const auto e = iotest::parse_error_of([&] { from_text(iotest::join_lines(lines)); });
  CHECK(e.line() == 1);
  CHECK(e.message() == "the header declares units=6 dim=4 but the file holds 5 units of 4 weights (truncated or edited?)");
}

TEST_CASE("network: a malformed, repeated or misplaced header is rejected") {
  struct Case {
    std::string text;
    std::size_t line;
    std::string says;
  };
  for (const Case& c : {Case{"# krelu network dim=2\n1 1 1\n", 1, "must read '# krelu network units=K dim=N'"},
                        Case{"# krelu network units=1 dim=x\n1 1 1\n", 1, "must read"},
                        Case{"# krelu net units=1 dim=2\n1 1 1\n", 1, "must read"},
                        Case{"# krelu network units=1 dim=2 extra\n1 1 1\n", 1, "unexpected 'extra'"},
                        Case{"# krelu network units=1 dim=2\n# krelu network units=1 dim=2\n1 1 1\n", 2, "a second"},
                        Case{"1 1 1\n# krelu network units=1 dim=2\n", 2, "must come before the first unit"}}) {
    const auto e = iotest::parse_error_of([&] { from_text(c.text); });
    INFO(e.what());
    CHECK(e.line() == c.line);
    CHECK_THAT(e.message(), Catch::Contains(c.says));
  }
}
