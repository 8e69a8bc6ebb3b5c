#include <catch2/catch.hpp>
#include <krelu/krelu.hpp>

using krelu::Dense;
using krelu::Sparse;

namespace {
Eigen::MatrixXd small_inputs() {
  Eigen::MatrixXd X(3, 2);
  X << 1, 0, 0, 2, 1, 1;
  return X;
}
}  // namespace

TEST_CASE("SampleSet stores inputs, labels and unit weights") {
  Eigen::VectorXd y(3);
  y << 1, 2, 3;
  krelu::SampleSet<double> s(small_inputs(), y);
  CHECK(s.size() == 3);
  CHECK(s.dim() == 2);
  CHECK(s.weights() == Eigen::VectorXd::Ones(3));
  CHECK(s.total_weight() == 3.0);
  CHECK(s.max_row_norm() == Approx(2.0));
}

TEST_CASE("SampleSet rejects bad data with a message naming the sample") {
  Eigen::VectorXd y(3), c(3);
  y << 1, 2, 3;
  c << 1, 0, 1;
  CHECK_THROWS_WITH((krelu::SampleSet<double>(small_inputs(), y, c)), Catch::Contains("sample 1") && Catch::Contains("> 0"));
  c << 1, -2, 1;
  CHECK_THROWS_AS((krelu::SampleSet<double>(small_inputs(), y, c)), std::invalid_argument);
  c << 1, 1, 1;
  y(2) = std::nan("");
  CHECK_THROWS_WITH((krelu::SampleSet<double>(small_inputs(), y, c)), Catch::Contains("label of sample 2"));
  y(2) = 3;
  Eigen::MatrixXd X = small_inputs();
  X(1, 1) = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH((krelu::SampleSet<double>(X, y, c)), Catch::Contains("sample 1, coordinate 1"));
  CHECK_THROWS_WITH((krelu::SampleSet<double>(small_inputs(), Eigen::VectorXd::Ones(2))), Catch::Contains("labels"));
  c(0) = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH((krelu::SampleSet<double>(small_inputs(), y, c)), Catch::Contains("weight of sample 0"));
}

TEMPLATE_TEST_CASE("SampleSet operations agree for dense and sparse storage", "", Dense, Sparse) {
  Eigen::VectorXd y(3), c(3);
  y << 1, 2, 3;
  c << 1, 2, 3;
  krelu::SampleSet<double, TestType> s(small_inputs(), y, c);

  SECTION("add_sample and validation leave the set untouched on error") {
    s.add_sample(Eigen::Vector2d(0, -1), 4.0, 0.5);
    CHECK(s.size() == 4);
    CHECK(Eigen::MatrixXd(s.inputs()).row(3) == Eigen::RowVector2d(0, -1));
    CHECK(s.weight(3) == 0.5);
    CHECK_THROWS_AS(s.add_sample(Eigen::Vector3d(0, 1, 2), 1.0), std::invalid_argument);
    CHECK_THROWS_AS(s.add_sample(Eigen::Vector2d(0, 1), 1.0, 0.0), std::invalid_argument);
    CHECK(s.size() == 4);
  }
  SECTION("concatenate") {
    auto u = krelu::concatenate(s, s);
    CHECK(u.size() == 6);
    CHECK(Eigen::MatrixXd(u.inputs()).bottomRows(3) == small_inputs());
    CHECK(u.total_weight() == 12.0);
  }
  SECTION("embed pads with zeros before and after") {
    auto e = krelu::embed(s, 2, 1);
    CHECK(e.dim() == 5);
    Eigen::MatrixXd expected = Eigen::MatrixXd::Zero(3, 5);
    expected.middleCols(2, 2) = small_inputs();
    CHECK(Eigen::MatrixXd(e.inputs()) == expected);
    CHECK(e.labels() == s.labels());
  }
  SECTION("scale labels and weights") {
    s.scale_labels(-2.0).scale_weights(1e10);
    CHECK(s.label(1) == -4.0);
    CHECK(s.weight(2) == 3e10);
    CHECK_THROWS_AS(s.scale_weights(0.0), std::invalid_argument);
    CHECK_THROWS_AS(s.scale_weights(1e300), std::invalid_argument);
    CHECK(s.weight(2) == 3e10);
  }
  SECTION("merge identical samples by summing weights") {
    auto d = krelu::concatenate(s, s);
    d.add_sample(Eigen::Vector2d(1, 0), 7.0, 1.0);  // same x as sample 0, other label: kept apart
    auto merged = krelu::merge_duplicates(d);
    REQUIRE(merged.size() == 4);
    CHECK(merged.weights() == Eigen::Vector4d(2, 4, 6, 1));
    CHECK(Eigen::MatrixXd(merged.inputs()).topRows(3) == small_inputs());
  }
  SECTION("conversion between storages keeps everything") {
    using Other = std::conditional_t<std::is_same_v<TestType, Dense>, Sparse, Dense>;
    krelu::SampleSet<double, Other> o(s);
    krelu::SampleSet<double, TestType> back(o);
    CHECK(Eigen::MatrixXd(back.inputs()) == small_inputs());
    CHECK(back.labels() == s.labels());
    CHECK(back.weights() == s.weights());
  }
}

TEMPLATE_TEST_CASE("SampleSetBuilder builds the same set as the constructor", "", Dense, Sparse) {
  krelu::SampleSetBuilder<double, TestType> b(2);
  b.add({{0, 1.0}}, 1.0, 1.0);
  b.add(Eigen::Vector2d(0, 2), 2.0, 2.0);
  b.add({{1, 0.25}, {0, 1.0}, {1, 0.75}}, 3.0, 3.0);  // unsorted, repeated coordinate summed
  auto s = std::move(b).build();
  CHECK(Eigen::MatrixXd(s.inputs()) == small_inputs());
  CHECK(s.weights() == Eigen::Vector3d(1, 2, 3));
  krelu::SampleSetBuilder<double, TestType> bad(2);
  CHECK_THROWS_AS(bad.add({{2, 1.0}}, 0.0), std::invalid_argument);
  bad.add({{0, 1.0}}, 0.0, -1.0);
  CHECK_THROWS_WITH(std::move(bad).build(), Catch::Contains("weight of sample 0"));
}
