// verify(): honest results of train_exact pass; every kind of tampering is caught and named.
#include <catch2/catch.hpp>
#include <krelu/krelu.hpp>
#include <krelu/train/verify.hpp>

#include <random>
#include <string>

#include "test_instances.hpp"

namespace {

const auto& problem = krelu_test::options;

bool mentions(const std::string& message, const std::string& part) { return message.find(part) != std::string::npos; }

/// An optimal result to tamper with: 2-ReLU, free signs, 6 samples in R^2 (small enough to enumerate).
struct Fixture {
  krelu::SampleSet<double> samples;
  krelu::TrainOptions<double> opt;
  krelu::TrainResult<double> result;
};

Fixture fixture(std::optional<double> radius = std::nullopt) {
  std::mt19937_64 rng(404);
  auto s = krelu_test::random_instance(5, 2, rng, true);
  auto opt = problem(2, krelu::Signs::free(), radius, krelu::Method::enumerate);
  auto r = krelu::train_exact(s, opt);
  REQUIRE(r.status == krelu::Status::optimal);
  REQUIRE(r.loss > 1e-3);  // a positive optimum, so that tampering with it is visible
  return {std::move(s), opt, std::move(r)};
}

}  // namespace

TEST_CASE("results of train_exact verify, both methods, bounded and not, all sign modes") {
  std::mt19937_64 rng(91);
  int enumerated = 0, sampled = 0;
  for (int trial = 0; trial < 24; ++trial) {
    const int k = trial % 3 == 0 ? 2 : 1;
    const int m = k == 2 ? 3 + trial % 3 : 4 + trial % 5;
    const int n = 1 + trial % 3;
    const std::optional<double> radius = trial % 4 >= 2 ? std::optional<double>(0.7) : std::nullopt;
    krelu::Signs signs = krelu::Signs::free();
    if (trial % 5 == 1) signs = krelu::Signs::all_plus();
    if (trial % 5 == 3) signs = k == 2 ? krelu::Signs::fixed({1, -1}) : krelu::Signs::fixed({-1});
    const auto s = krelu_test::random_instance(m, n, rng, trial % 2 == 0);
    for (auto method : {krelu::Method::enumerate, krelu::Method::branch_and_bound}) {
      const auto opt = problem(k, signs, radius, method);
      const auto r = krelu::train_exact(s, opt);
      REQUIRE(r.status == krelu::Status::optimal);
      krelu::VerifyOptions vo;
      vo.seed = static_cast<std::uint64_t>(trial);
      vo.enumeration_cap = trial % 2 == 0 ? 4096 : 0;  // odd trials: sampled patterns only
      const auto report = krelu::verify(s, r, opt, vo);
      CAPTURE(trial, static_cast<int>(method), report.message, r.loss, r.lower_bound, report.worst_violation);
      CHECK(report.ok);
      CHECK(report.message.empty());
      CHECK(report.loss_error <= report.slack);
      CHECK(report.recomputed_loss == krelu::loss(r.network, s));
      CHECK(report.patterns_checked >= 1);
      // verify's own networks are real: none beats the trainer's optimum beyond its gap
      const double scale = krelu::detail::label_scale_loss<double>(s);
      CHECK(report.best_found >= r.loss - krelu::detail::gap_tolerance(opt, r.loss, scale) - report.slack);
      CHECK(report.worst_violation <= krelu::detail::certificate_slack(r.lower_bound, scale));
      if (report.enumerated) {
        ++enumerated;
        CHECK(report.enumeration_optimum >= r.lower_bound - 1e-12 * (1 + r.loss));
      } else {
        ++sampled;
      }
    }
  }
  CHECK(enumerated > 0);  // both paths of the bound check ran
  CHECK(sampled > 0);
}

TEST_CASE("a larger branch-and-bound result verifies by sampled patterns") {
  std::mt19937_64 rng(5);
  Eigen::VectorXd a(2);
  a << 1, -1;
  const auto s = krelu_test::planted(14, 3, a, 0.05, rng);
  const auto opt = problem(2, krelu::Signs::free(), std::nullopt, krelu::Method::branch_and_bound);
  const auto r = krelu::train_exact(s, opt);
  REQUIRE(r.status == krelu::Status::optimal);
  krelu::VerifyOptions vo;
  vo.patterns = 40;
  const auto report = krelu::verify(s, r, opt, vo);
  CAPTURE(report.message);
  CHECK(report.ok);
  CHECK_FALSE(report.enumerated);
  CHECK(report.patterns_checked == 41);  // the own pattern and 40 sampled
  // the same seed gives the same report
  const auto again = krelu::verify(s, r, opt, vo);
  CHECK(again.worst_violation == report.worst_violation);
  CHECK(again.best_found == report.best_found);
}

TEST_CASE("an altered loss is caught") {
  auto f = fixture();
  auto bad = f.result;
  bad.loss *= 1 + 1e-9;
  const auto report = krelu::verify(f.samples, bad, f.opt);
  CHECK_FALSE(report.ok);
  CHECK_FALSE(report.loss_ok);
  CHECK(report.loss_error > report.slack);
  CHECK(report.claimed_loss == bad.loss);
  CHECK(mentions(report.message, "claimed loss"));
  CHECK(mentions(report.message, "differs from the recomputed loss"));
}

TEST_CASE("an altered network is caught (its loss no longer matches)") {
  auto f = fixture();
  Eigen::MatrixXd W = f.result.network.weights();
  W(0, 0) += 0.01;
  auto bad = f.result;
  bad.network = krelu::Network<double>(W, f.result.network.signs());
  const auto report = krelu::verify(f.samples, bad, f.opt);
  CHECK_FALSE(report.ok);
  CHECK_FALSE(report.loss_ok);
  CHECK(report.recomputed_loss == krelu::loss(bad.network, f.samples));
  CHECK(mentions(report.message, "differs from the recomputed loss"));
}

TEST_CASE("a lower bound raised above a pattern optimum is caught, by sampled patterns and by enumeration") {
  auto f = fixture();
  // Claim that the zero network is optimal: its loss and bound are consistent with each other,
  // but patterns hold networks with smaller loss.
  const Eigen::MatrixXd Z = Eigen::MatrixXd::Zero(2, f.samples.dim());
  Eigen::VectorXd a(2);
  a << 1, -1;
  krelu::TrainResult<double> bad{krelu::Network<double>(Z, a), 0.0, 0.0};
  bad.loss = krelu::loss(bad.network, f.samples);
  bad.lower_bound = bad.loss;
  REQUIRE(bad.loss > f.result.loss * 1.01);

  krelu::VerifyOptions sampled_only;
  sampled_only.enumeration_cap = 0;
  const auto r1 = krelu::verify(f.samples, bad, f.opt, sampled_only);
  CHECK_FALSE(r1.ok);
  CHECK(r1.loss_ok);
  CHECK(r1.gap_ok);
  CHECK_FALSE(r1.bound_ok);
  CHECK_FALSE(r1.enumerated);
  CHECK(r1.worst_violation > 0);
  CHECK(r1.best_found < bad.lower_bound);
  CHECK(mentions(r1.message, "lies below lower_bound"));

  krelu::VerifyOptions enumeration_only;
  enumeration_only.patterns = 0;
  const auto r2 = krelu::verify(f.samples, bad, f.opt, enumeration_only);
  CHECK_FALSE(r2.ok);
  CHECK(r2.enumerated);
  CHECK(r2.enumeration_optimum == Approx(f.result.loss).epsilon(1e-9));
  CHECK(mentions(r2.message, "the full enumeration finds loss"));
  CHECK(mentions(r2.message, "status is optimal but the full enumeration"));

  // A bound just above the true optimum (but below the claimed network's loss) is caught too.
  auto raised = f.result;
  raised.lower_bound = f.result.loss * (1 + 1e-6);
  raised.status = krelu::Status::time_limit;  // no gap claim: only the bound is wrong
  const auto r3 = krelu::verify(f.samples, raised, f.opt, sampled_only);
  CHECK_FALSE(r3.bound_ok);
}

TEST_CASE("a lower bound above the loss, a negative bound and an open gap claimed optimal are caught") {
  auto f = fixture();
  auto above = f.result;
  above.lower_bound = f.result.loss * 1.5;
  const auto r1 = krelu::verify(f.samples, above, f.opt);
  CHECK_FALSE(r1.bound_ok);
  CHECK(mentions(r1.message, "exceeds the network's loss"));

  auto negative = f.result;
  negative.lower_bound = -1;
  const auto r2 = krelu::verify(f.samples, negative, f.opt);
  CHECK_FALSE(r2.bound_ok);
  CHECK(mentions(r2.message, "is negative"));

  auto open = f.result;
  open.lower_bound = 0.5 * f.result.loss;
  const auto r3 = krelu::verify(f.samples, open, f.opt);
  CHECK_FALSE(r3.gap_ok);
  CHECK(r3.bound_ok);  // a low bound is still a valid bound
  CHECK(mentions(r3.message, "exceeds the gap tolerance"));
  open.status = krelu::Status::node_limit;  // the same numbers without the optimality claim are fine
  CHECK(krelu::verify(f.samples, open, f.opt).ok);
}

TEST_CASE("a violated radius is caught") {
  auto f = fixture(0.5);
  const Eigen::MatrixXd W = f.result.network.weights();
  Eigen::Index unit = 0;
  W.rowwise().norm().maxCoeff(&unit);
  REQUIRE(W.row(unit).norm() > 0);
  Eigen::MatrixXd V = W;
  V.row(unit) *= 0.5 * 1.01 / W.row(unit).norm();  // 1% outside the ball
  auto bad = f.result;
  bad.network = krelu::Network<double>(V, f.result.network.signs());
  bad.loss = krelu::loss(bad.network, f.samples);  // consistent loss: only the radius is wrong
  bad.lower_bound = 0;
  bad.status = krelu::Status::time_limit;
  const auto report = krelu::verify(f.samples, bad, f.opt);
  CHECK_FALSE(report.ok);
  CHECK_FALSE(report.radius_ok);
  CHECK(report.loss_ok);
  CHECK(mentions(report.message, "unit " + std::to_string(unit + 1) + " has ||w||"));
  CHECK(mentions(report.message, "> radius"));
}

TEST_CASE("inadmissible signs and wrong shapes are caught") {
  auto f = fixture();
  auto fixed = f.opt;
  fixed.signs = krelu::Signs::fixed({1, 1});
  Eigen::MatrixXd W = f.result.network.weights();
  Eigen::VectorXd a(2);
  a << 1, -1;
  krelu::TrainResult<double> bad{krelu::Network<double>(W, a), 0.0, 0.0};
  bad.loss = krelu::loss(bad.network, f.samples);
  bad.status = krelu::Status::time_limit;
  const auto r1 = krelu::verify(f.samples, bad, fixed);
  CHECK_FALSE(r1.signs_ok);
  CHECK(mentions(r1.message, "signs (+1,-1) are not admissible"));

  auto plus = f.opt;
  plus.signs = krelu::Signs::all_plus();
  CHECK_FALSE(krelu::verify(f.samples, bad, plus).signs_ok);

  auto three = f.opt;
  three.units = 3;
  const auto r2 = krelu::verify(f.samples, f.result, three);
  CHECK_FALSE(r2.shape_ok);
  CHECK(mentions(r2.message, "units = 3"));
}

TEST_CASE("verify rejects invalid options and samples") {
  auto f = fixture();
  krelu::VerifyOptions vo;
  vo.patterns = -1;
  CHECK_THROWS_WITH(krelu::verify(f.samples, f.result, f.opt, vo), Catch::Contains("VerifyOptions.patterns"));
  auto opt = f.opt;
  opt.units = 0;
  CHECK_THROWS_AS(krelu::verify(f.samples, f.result, opt), std::invalid_argument);
  CHECK_THROWS_WITH(krelu::verify(krelu::SampleSet<double>(2), f.result, f.opt), Catch::Contains("empty"));
}
