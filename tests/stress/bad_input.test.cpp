// Every row of docs/bad_input.md: the bad input, the exception type and the message the user sees.
// Row ids (F1, O1, ...) are those of the document.
#include <catch2/catch.hpp>
#include <krelu/krelu.hpp>
#include <krelu/train/verify.hpp>

#include <cmath>
#include <filesystem>
#include <limits>
#include <functional>
#include <sstream>
#include <string>
#include <unistd.h>

namespace {

enum class Kind { parse_error, invalid_argument, runtime_error };

/// Runs `action`, which must throw exactly `kind` with `message` in what() (and, for ParseError,
/// at `line`:`column`).
void expect(const std::string& row, Kind kind, const std::string& message, const std::function<void()>& action,
            std::size_t line = 0, std::size_t column = 0) {
  INFO("row " << row);
  try {
    action();
    FAIL("no exception");
  } catch (const krelu::ParseError& e) {
    INFO(e.what());
    CHECK(kind == Kind::parse_error);
    CHECK_THAT(e.what(), Catch::Contains(message));
    if (line > 0) {
      CHECK(e.line() == line);
      CHECK(e.column() == column);
    }
  } catch (const std::invalid_argument& e) {
    INFO(e.what());
    CHECK(kind == Kind::invalid_argument);
    CHECK_THAT(e.what(), Catch::Contains(message));
  } catch (const std::runtime_error& e) {
    INFO(e.what());
    CHECK(kind == Kind::runtime_error);
    CHECK_THAT(e.what(), Catch::Contains(message));
  }
}

auto csv(const std::string& text) {
  return [text] {
    std::istringstream in(text);
    krelu::read_samples_csv<double>(in, "d.csv");
  };
}
auto svm(const std::string& text) {
  return [text] {
    std::istringstream in(text);
    krelu::read_samples_svmlight<double>(in, "d.svm");
  };
}
auto net(const std::string& text) {
  return [text] {
    std::istringstream in(text);
    krelu::read_network<double>(in, "net.txt");
  };
}

krelu::SampleSet<double> two_samples() {
  Eigen::MatrixXd X(2, 2);
  X << 1, 0, 0, 1;
  return krelu::SampleSet<double>(X, Eigen::Vector2d(1, -1));
}

auto train(std::function<void(krelu::TrainOptions<double>&)> edit) {
  return [edit] {
    krelu::TrainOptions<double> o;
    edit(o);
    krelu::train_exact(two_samples(), o);
  };
}

}  // namespace

TEST_CASE("file problems") {
  const std::string scratch = std::string(KRELU_TEST_TMP_DIR) + "/bad_input_" + std::to_string(::getpid());
  expect("F1", Kind::runtime_error, "cannot open '" + scratch + "_missing.csv' for reading",
         [&] { krelu::read_samples<double>(scratch + "_missing.csv"); });
  expect("F1", Kind::runtime_error, "read_samples_svmlight: cannot open",
         [&] { krelu::read_samples<double>(scratch + "_missing.svm"); });
  expect("F1", Kind::runtime_error, "read_network: cannot open", [&] { krelu::read_network<double>(scratch + "_n.txt"); });
  expect("F2", Kind::invalid_argument, "unknown sample file extension '.txt'",
         [&] { krelu::read_samples<double>(scratch + ".txt"); });
  expect("F3", Kind::parse_error, "empty file: expected the header line", csv(""), 1, 1);
  expect("F3", Kind::parse_error, "empty file: no samples and no '# krelu svmlight dim=N' header", svm("\n# hi\n"), 1, 1);
  expect("F3", Kind::parse_error, "no units (k = 0)", net("# nothing\n"), 1, 1);
  expect("F4", Kind::parse_error, "field 2 is 'w', expected 'weight'", csv("y,w,x1\n1,1,2\n"), 1, 3);
  expect("F4", Kind::parse_error, "the header must read '# krelu svmlight dim=N [samples=M]': unknown entry 'size=3'",
         svm("# krelu svmlight size=3\n"), 1, 18);
  expect("F5", Kind::parse_error, "expected 4 fields, found 3", csv("y,weight,x1,x2\n1,1,2\n"), 2, 6);
  expect("F5", Kind::parse_error, "field 3 (x1) is empty", csv("y,weight,x1\n1,1,\n"), 2, 5);
  expect("F5", Kind::parse_error, "unit 2 has 1 weights, unit 1 (line 1) has 2", net("1 1 2\n-1 3\n"), 2, 5);
  expect("F6", Kind::parse_error, "field 3 (x1) 'abc' is not a number", csv("y,weight,x1\n1,1,abc\n"), 2, 5);
  expect("F6", Kind::parse_error, "label '1.2.3' is not a number", svm("1.2.3 1:1\n"), 1, 1);
  expect("F6", Kind::parse_error, "expected 'index:value', found '7'", svm("1 7\n"), 1, 3);
  expect("F7", Kind::parse_error, "field 3 (x1) is 'nan': values must be finite (no NaN or Inf)",
         csv("y,weight,x1\n1,1,nan\n"), 2, 5);
  expect("F7", Kind::parse_error, "weight 1 of unit 1 is 'inf': values must be finite", net("1 inf\n"), 1, 3);
  expect("F8", Kind::parse_error, "field 1 (y) '1e999' is out of range for the scalar type (it would be infinite)", csv("y,weight,x1\n1e999,1,2\n"), 2, 1);
  expect("F9", Kind::parse_error, "feature index 0 is invalid: indices are 1-based", svm("1 0:1\n"), 1, 3);
  expect("F9", Kind::parse_error, "feature 2 follows feature 3: indices must increase strictly", svm("1 3:1 2:1\n"), 1, 7);
  expect("F9", Kind::parse_error, "feature 2 appears twice", svm("1 2:1 2:1\n"), 1, 7);
  expect("F9", Kind::parse_error, "feature 3 has no value after ':'", svm("1 3:\n"), 1, 3);
  expect("F9", Kind::parse_error, "(qid is not supported)", svm("1 qid:2 1:1\n"), 1, 3);
  expect("F10", Kind::parse_error, "field 2 (weight) is '0': weights must be > 0", csv("y,weight,x1\n1,0,2\n"), 2, 3);
  expect("F10", Kind::parse_error, "weight '-1' must be > 0", svm("1 1:1 # weight=-1\n"), 1, 16);
  expect("F11", Kind::parse_error, "feature 2 exceeds the dimension 1 declared on line 1",
         svm("# krelu svmlight dim=1\n1 2:1\n"), 2, 3);
  expect("F11", Kind::parse_error, "the header declares 3 samples but the file holds 1",
         svm("# krelu svmlight dim=2 samples=3\n1 1:1\n"), 1, 1);
  expect("F11", Kind::parse_error, "the header declares units=2 dim=1 but the file holds 1 units of 1 weights",
         net("# krelu network units=2 dim=1\n1 0.5\n"), 1, 1);
  expect("F12", Kind::parse_error, "sign '2' of unit 1 must be +1 or -1", net("2 1 0\n"), 1, 1);
  expect("F13", Kind::parse_error, "the line starts with '1:2'", svm("1:2 3:4\n"), 1, 1);
  {
    std::istringstream data("1 1:1\n0 2:1\n"), weights("2\n");
    expect("F14", Kind::parse_error, "holds 1 weights but d.svm holds 2 samples",
           [&] { krelu::read_samples_svmlight<double>(data, "d.svm", weights, "d.svm.weights"); });
  }
}

TEST_CASE("data problems outside files") {
  expect("D1", Kind::invalid_argument, "Network: input has dimension 2 but the network has 3", [] {
    const auto net = krelu::Network<double>::single(Eigen::Vector3d(1, 0, 0));
    krelu::loss(net, two_samples());
  });
  expect("D2", Kind::invalid_argument, "SampleSet: weight of sample 1 must be > 0",
         [] { krelu::SampleSet<double>(Eigen::MatrixXd::Ones(2, 1), Eigen::Vector2d(1, 1), Eigen::Vector2d(1, 0)); });
  expect("D2", Kind::invalid_argument, "SampleSet: label of sample 0 is not finite", [] {
    krelu::SampleSet<double>(Eigen::MatrixXd::Ones(2, 1), Eigen::Vector2d(std::nan(""), 1));
  });
  expect("D2", Kind::invalid_argument, "SampleSet: input of sample 2, coordinate 0 is not finite", [] {
    Eigen::MatrixXd X = Eigen::MatrixXd::Ones(3, 1);
    X(2, 0) = std::numeric_limits<double>::infinity();
    krelu::SampleSet<double>(X, Eigen::Vector3d(1, 1, 1));
  });
  expect("D2", Kind::invalid_argument, "SampleSet: 2 input rows but 3 labels",
         [] { krelu::SampleSet<double>(Eigen::MatrixXd::Ones(2, 1), Eigen::Vector3d(1, 1, 1)); });
  expect("D3", Kind::invalid_argument, "train_exact: the sample set is empty", [] {
    krelu::TrainOptions<double> o;
    o.method = krelu::Method::enumerate;
    krelu::train_exact(krelu::SampleSet<double>(2), o);
  });
  // branch_and_bound (the default): the same message, before the local-search incumbent runs
  expect("D3", Kind::invalid_argument, "train_exact: the sample set is empty",
         [] { krelu::train_exact(krelu::SampleSet<double>(2), krelu::TrainOptions<double>{}); });
  expect("D3", Kind::invalid_argument, "loss: the sample set is empty", [] {
    krelu::loss(krelu::Network<double>::single(Eigen::Vector2d(1, 0)), krelu::SampleSet<double>(2));
  });
  expect("D4", Kind::invalid_argument, "Network: sign of unit 0 must be +1 or -1",
         [] { krelu::Network<double>(Eigen::MatrixXd::Ones(1, 2), Eigen::VectorXd::Zero(1)); });
  expect("D4", Kind::invalid_argument, "Network: weight 1 of unit 0 is not finite", [] {
    krelu::Network<double>(Eigen::RowVector2d(0, std::nan("")), Eigen::VectorXd::Ones(1));
  });
  expect("D4", Kind::invalid_argument, "Network: 2 weight rows but 1 signs",
         [] { krelu::Network<double>(Eigen::MatrixXd::Ones(2, 2), Eigen::VectorXd::Ones(1)); });
  expect("D4", Kind::invalid_argument, "Network: need at least one unit (k >= 1), got k = 0",
         [] { krelu::Network<double>(Eigen::MatrixXd(0, 2), Eigen::VectorXd(0)); });
}

TEST_CASE("option problems") {
  expect("O1", Kind::invalid_argument, "TrainOptions.units must be >= 1, got 0", train([](auto& o) { o.units = 0; }));
  expect("O1", Kind::invalid_argument, "TrainOptions.units must be <= 30, got 31", train([](auto& o) { o.units = 31; }));
  expect("O2", Kind::invalid_argument, "TrainOptions.signs: fixed signs have 3 entries but units = 2", train([](auto& o) {
           o.units = 2;
           o.signs = krelu::Signs::fixed({1, -1, 1});
         }));
  expect("O2", Kind::invalid_argument, "TrainOptions.signs: entry 1 is 0, must be +1 or -1", train([](auto& o) {
           o.units = 2;
           o.signs = krelu::Signs::fixed({1, 0});
         }));
  for (double r : {0.0, -1.0, std::numeric_limits<double>::infinity(), std::nan("")})
    expect("O3", Kind::invalid_argument, "TrainOptions.radius must be finite and > 0 when set",
           train([r](auto& o) { o.radius = r; }));
  expect("O4", Kind::invalid_argument, "TrainOptions.time_limit_seconds must be > 0",
         train([](auto& o) { o.time_limit_seconds = 0; }));
  expect("O4", Kind::invalid_argument, "TrainOptions.node_limit must be >= 1", train([](auto& o) { o.node_limit = 0; }));
  expect("O4", Kind::invalid_argument, "TrainOptions.pattern_limit must be >= 1",
         train([](auto& o) { o.pattern_limit = 0; }));
  expect("O5", Kind::invalid_argument, "relative_gap and absolute_gap must be finite and >= 0",
         train([](auto& o) { o.relative_gap = -1; }));
  expect("O6", Kind::invalid_argument, "TrainOptions.threads must be >= 0 (0 = all cores)", train([](auto& o) { o.threads = -1; }));
  expect("O6", Kind::invalid_argument, "TrainOptions.incumbent_restarts must be >= 0",
         train([](auto& o) { o.incumbent_restarts = -1; }));
  expect("O6", Kind::invalid_argument, "TrainOptions.progress_interval_seconds must be >= 0",
         train([](auto& o) { o.progress_interval_seconds = -1; }));
  expect("O7", Kind::invalid_argument, "VerifyOptions.patterns must be >= 0, got -2", [] {
    const auto s = two_samples();
    krelu::TrainOptions<double> o;
    const auto r = krelu::train_exact(s, o);
    krelu::VerifyOptions vo;
    vo.patterns = -2;
    krelu::verify(s, r, o, vo);
  });
}

TEST_CASE("O8: too many patterns for enumerate is a status, not an exception") {
  krelu::TrainOptions<double> o;
  o.method = krelu::Method::enumerate;
  o.pattern_limit = 4;
  const auto r = krelu::train_exact(two_samples(), o);
  CHECK(r.status == krelu::Status::pattern_limit);
  CHECK_THAT(r.message, Catch::Contains("more than pattern_limit = 4"));
  CHECK(r.lower_bound == 0);
}
