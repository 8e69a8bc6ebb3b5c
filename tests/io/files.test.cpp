// Reading and writing by path: dispatch by extension, unknown extensions, the same set through
// every format and storage, and the ParseError type itself.
#include "io_test_support.hpp"

using krelu::Dense;
using krelu::Sparse;

TEST_CASE("ParseError is an invalid_argument whose what() reads file:line:column: message") {
  const krelu::ParseError e("data.csv", 12, 5, "expected 4 fields, found 3");
  CHECK(std::string(e.what()) == "data.csv:12:5: expected 4 fields, found 3");
  CHECK(e.file() == "data.csv");
  CHECK(e.line() == 12);
  CHECK(e.column() == 5);
  CHECK(e.message() == "expected 4 fields, found 3");
  const std::invalid_argument& base = e;
  CHECK(std::string(base.what()) == e.what());
}

TEST_CASE("the sample file format follows the extension, in any case") {
  using F = krelu::SampleFileFormat;
  CHECK(krelu::sample_file_format("a/b.csv") == F::csv);
  CHECK(krelu::sample_file_format("B.CSV") == F::csv);
  CHECK(krelu::sample_file_format("x.svm") == F::svmlight);
  CHECK(krelu::sample_file_format("x.data.svmlight") == F::svmlight);
  CHECK(krelu::sample_file_format("x.LibSVM") == F::svmlight);
  CHECK_THROWS_WITH(krelu::sample_file_format("x.txt"),
                    Catch::Contains("unknown sample file extension '.txt'") && Catch::Contains(".csv, .svm"));
  CHECK_THROWS_WITH(krelu::sample_file_format("noextension"), Catch::Contains("(none)"));
  CHECK_THROWS_AS(krelu::sample_file_format("x.csv.gz"), std::invalid_argument);
}

TEMPLATE_TEST_CASE("write_samples and read_samples dispatch by extension and round-trip", "", KRELU_IO_SCALARS) {
  std::mt19937_64 rng(17);
  const auto dense = iotest::random_set<TestType, Dense>(20, 6, 0.5, rng);
  const krelu::SampleSet<TestType, Sparse> sparse = iotest::random_set<TestType, Sparse>(20, 6, 0.5, rng);
  for (const std::string name : {"out.csv", "out.svm", "out.svmlight", "out.libsvm", "OUT.SVM"}) {
    INFO(name);
    const auto path = iotest::scratch_path(name);
    krelu::write_samples(path, dense);
    const std::string first_line = iotest::lines_of(iotest::read_file(path))[0];
    if (krelu::sample_file_format(path) == krelu::SampleFileFormat::csv)
      CHECK(first_line == "y,weight,x1,x2,x3,x4,x5,x6");
    else
      CHECK(first_line == "# krelu svmlight dim=6 samples=20");
    CHECK(iotest::same_samples(dense, krelu::read_samples<TestType>(path)));
    CHECK(iotest::same_samples(dense, krelu::read_samples<TestType, Sparse>(path)));
    const std::string bytes = iotest::read_file(path);
    krelu::write_samples(path, krelu::read_samples<TestType, Sparse>(path));
    CHECK(iotest::read_file(path) == bytes);

    krelu::write_samples(path, sparse);
    CHECK(iotest::same_samples(sparse, krelu::read_samples<TestType, Sparse>(path)));
    CHECK(iotest::same_samples(sparse, krelu::read_samples<TestType, Dense>(path)));
  }
}

TEST_CASE("the same file read through every format and storage gives one SampleSet") {
  std::mt19937_64 rng(18);
  const auto s = iotest::random_set<double, Sparse>(25, 7, 0.6, rng);
  const auto csv = iotest::scratch_path("same.csv"), svm = iotest::scratch_path("same.svm");
  krelu::write_samples(csv, s);
  krelu::write_samples(svm, krelu::SampleSet<double, Dense>(krelu::read_samples<double>(csv)));
  const auto a = krelu::read_samples<double, Dense>(csv);
  const auto b = krelu::read_samples<double, Sparse>(svm);
  CHECK(iotest::same_samples(a, b));
  CHECK(iotest::same_samples(s, b));
}

TEST_CASE("unknown extensions, missing files and misplaced options are clear errors") {
  const krelu::SampleSet<double> s(Eigen::MatrixXd::Ones(2, 2), Eigen::VectorXd::Ones(2));
  CHECK_THROWS_WITH(krelu::write_samples(iotest::scratch_path("out.txt"), s), Catch::Contains("'.txt'"));
  CHECK_FALSE(std::filesystem::exists(iotest::scratch_path("out.txt")));
  CHECK_THROWS_AS(krelu::read_samples<double>(iotest::scratch_path("in.dat")), std::invalid_argument);
  CHECK_THROWS_WITH(krelu::read_samples<double>(iotest::scratch_path("missing.svm")),
                    Catch::Contains("cannot open") && Catch::Contains("missing.svm"));
  CHECK_THROWS_AS(krelu::read_network<double>(iotest::scratch_path("missing_net.txt")), std::runtime_error);
  CHECK_THROWS_WITH(krelu::write_samples(iotest::scratch_path("w.csv"), s, {.weights_file = true}),
                    Catch::Contains("svmlight files only"));
  CHECK_THROWS_WITH(krelu::write_samples(std::filesystem::path(KRELU_TEST_TMP_DIR) / "no_such_dir" / "x.csv", s),
                    Catch::Contains("cannot open") && Catch::Contains("for writing"));
}

TEST_CASE("write_samples with weights_file writes the sidecar that read_samples uses") {
  std::mt19937_64 rng(19);
  const auto s = iotest::random_set<double, Sparse>(12, 4, 0.5, rng);
  const auto path = iotest::scratch_path("with_weights.libsvm");
  krelu::write_samples(path, s, {.weights_file = true});
  CHECK(std::filesystem::exists(path.string() + ".weights"));
  CHECK(iotest::same_samples(s, krelu::read_samples<double, Sparse>(path, {.weights_file = true})));
}

TEST_CASE("read_network and write_network work by path") {
  Eigen::MatrixXd w(2, 3);
  w << 1, -0.5, 0.1, 0, 2, -3;
  const krelu::Network<double> net(w, Eigen::Vector2d(1, -1));
  const auto path = iotest::scratch_path("net.txt");
  krelu::write_network(path, net);
  CHECK(iotest::same_network(net, krelu::read_network<double>(path)));
  CHECK(iotest::read_file(path) == "# krelu network units=2 dim=3\n1 1 -0.5 0.10000000000000001\n-1 0 2 -3\n");
}
