// Numerical stress for train_exact (Method::enumerate and Method::branch_and_bound): degenerate and
// badly scaled instances, each checked against Lemma 22's enumeration in long double. Allowed
// outcomes: `optimal` and right, or `numerical_issue`; never a wrong `optimal`.
#include "stress_support.hpp"

using namespace krelu_stress;

namespace {

constexpr int kTrials = 24;  // per family: covers k, signs and bounded variants 2 times over

krelu::SampleSet<double> with_labels(const Eigen::MatrixXd& X, std::mt19937_64& rng,
                                     const Eigen::VectorXd* weights = nullptr) {
  const Eigen::VectorXd y = gaussian(static_cast<int>(X.rows()), 1, rng);
  if (weights) return krelu::SampleSet<double>(X, y, *weights);
  return krelu::SampleSet<double>(X, y);
}

}  // namespace

TEST_CASE("duplicate samples (same and conflicting labels)") {
  std::mt19937_64 rng(1);
  Tally tally;
  for (int trial = 0; trial < kTrials; ++trial) {
    Instance inst;
    vary_problem(inst, trial, 0.8);
    const int m = max_samples(inst.units), distinct = 2 + trial % 2;
    const Eigen::MatrixXd base = gaussian(distinct, 2, rng);
    Eigen::MatrixXd X(m, 2);
    for (int i = 0; i < m; ++i) X.row(i) = base.row(i % distinct);  // every row repeated
    Eigen::VectorXd y = gaussian(m, 1, rng);
    if (trial % 4 == 0)  // identical copies: same label too
      for (int i = distinct; i < m; ++i) y(i) = y(i % distinct);
    inst.samples = krelu::SampleSet<double>(X, y);
    check_instance(inst, tally, "duplicates trial " + std::to_string(trial));
  }
  check_tally(tally);
}

TEST_CASE("parallel and antiparallel inputs, and collinear points") {
  std::mt19937_64 rng(2);
  std::uniform_real_distribution<double> t(0.1, 3.0);
  Tally tally;
  for (int trial = 0; trial < kTrials; ++trial) {
    Instance inst;
    vary_problem(inst, trial, 0.8);
    const int m = max_samples(inst.units), n = 2 + trial % 2;
    Eigen::MatrixXd X(m, n);
    const Eigen::MatrixXd dirs = gaussian(2, n, rng);
    if (trial % 3 == 2) {  // points on one affine line p + t d
      for (int i = 0; i < m; ++i) X.row(i) = dirs.row(0) + (t(rng) - 1.5) * dirs.row(1);
    } else {  // multiples of one or two directions, both orientations
      for (int i = 0; i < m; ++i) X.row(i) = (i % 2 == 0 ? 1.0 : -1.0) * t(rng) * dirs.row((i / 2) % (1 + trial % 2));
    }
    inst.samples = with_labels(X, rng);
    check_instance(inst, tally, "parallel trial " + std::to_string(trial));
  }
  check_tally(tally);
}

TEST_CASE("x = 0 rows") {
  std::mt19937_64 rng(3);
  Tally tally;
  for (int trial = 0; trial < kTrials; ++trial) {
    Instance inst;
    vary_problem(inst, trial, 0.8);
    const int m = max_samples(inst.units);
    Eigen::MatrixXd X = gaussian(m, 2, rng);
    const int zeros = 1 + trial % (m - 1);  // up to all but one row; trial 0 etc. leave one real row
    for (int i = 0; i < zeros; ++i) X.row((i * 3) % m).setZero();
    inst.samples = with_labels(X, rng);
    const LD opt = check_instance(inst, tally, "zero rows trial " + std::to_string(trial));
    // a zero row contributes c y^2 whatever the network: the optimum is at least their share
    double floor = 0;
    for (int i = 0; i < m; ++i)
      if (X.row(i).isZero()) floor += inst.samples.label(i) * inst.samples.label(i);
    CHECK(static_cast<double>(opt) >= floor / m * (1 - 1e-12));
  }
  check_tally(tally);
}

TEST_CASE("all rows zero: the zero network is optimal") {
  Tally tally;
  std::mt19937_64 rng(33);
  for (int trial = 0; trial < 6; ++trial) {
    Instance inst;
    vary_problem(inst, trial, 0.8);
    inst.samples = with_labels(Eigen::MatrixXd::Zero(3, 2), rng);
    const LD opt = check_instance(inst, tally, "all zero trial " + std::to_string(trial));
    CHECK(static_cast<double>(opt) == Approx(inst.samples.labels().squaredNorm() / 3).epsilon(1e-12));
  }
  check_tally(tally);
}

TEST_CASE("inputs and labels scaled by 1e-8 and 1e8: the optimum scales by the label factor squared") {
  std::mt19937_64 rng(4);
  Tally tally;
  const double factors[] = {1e-8, 1e8};
  for (int trial = 0; trial < kTrials / 2; ++trial) {
    Instance base;
    vary_problem(base, trial, 0.8);
    const int m = max_samples(base.units) - trial % 2;
    base.samples = with_labels(gaussian(m, 2, rng), rng);
    const LD base_opt = check_instance(base, tally, "unscaled trial " + std::to_string(trial));
    for (double alpha : factors)
      for (double beta : {1.0, 1e-8, 1e8}) {
        // x -> alpha x, y -> beta y: w -> w beta / alpha, so the radius scales by beta / alpha and the
        // loss by beta^2.
        Instance scaled = base;
        scaled.samples = krelu::SampleSet<double>(base.samples.inputs() * alpha, base.samples.labels() * beta);
        if (base.radius) scaled.radius = *base.radius * beta / alpha;
        const LD opt = check_instance(scaled, tally,
                                      "scaled trial " + std::to_string(trial) + " alpha " + std::to_string(alpha) +
                                          " beta " + std::to_string(beta));
        CAPTURE(trial, alpha, beta, static_cast<double>(opt), static_cast<double>(base_opt));
        CHECK(static_cast<double>(opt / (LD(beta) * LD(beta))) ==
              Approx(static_cast<double>(base_opt)).epsilon(1e-9).margin(1e-24));
      }
  }
  check_tally(tally);
}

TEST_CASE("weights spanning 1e-6 .. 1e6 in one set") {
  // The full span 1e-20 .. 1e20 (certificates withheld, numerical_issue): certificates.test.cpp.
  Tally tally;
  weights_family(6, kTrials / 2, tally);
  check_tally(tally);
}

TEST_CASE("rank-deficient inputs (rows in a lower-dimensional subspace)") {
  std::mt19937_64 rng(6);
  Tally tally;
  for (int trial = 0; trial < kTrials; ++trial) {
    Instance inst;
    vary_problem(inst, trial, 0.8);
    const int m = max_samples(inst.units), n = 3 + trial % 2, rank = 1 + trial % 2;
    const Eigen::MatrixXd X = gaussian(m, rank, rng) * gaussian(rank, n, rng);
    inst.samples = with_labels(X, rng);
    check_instance(inst, tally, "rank trial " + std::to_string(trial));
  }
  check_tally(tally);
}

TEST_CASE("more units than distinct samples") {
  std::mt19937_64 rng(7);
  Tally tally;
  for (int trial = 0; trial < kTrials; ++trial) {
    Instance inst;
    vary_problem(inst, trial, 0.8);
    inst.units = 2;  // k = 2 on 1 or 2 distinct inputs (repeated up to 4 times)
    if (inst.signs.kind() == krelu::Signs::Kind::fixed) inst.signs = krelu::Signs::fixed({-1, 1});
    const int distinct = 1 + trial % 2, m = 1 + trial % 4;
    const Eigen::MatrixXd base = gaussian(distinct, 2, rng);
    Eigen::MatrixXd X(m, 2);
    for (int i = 0; i < m; ++i) X.row(i) = base.row(i % distinct);
    inst.samples = with_labels(X, rng);
    const LD opt = check_instance(inst, tally, "few samples trial " + std::to_string(trial));
    // unbounded with free signs, each distinct input can be fitted exactly when the labels agree
    if (!inst.radius && inst.signs.kind() == krelu::Signs::Kind::free && m <= distinct)
      CHECK(static_cast<double>(opt) <= 1e-20);
  }
  check_tally(tally);
}
