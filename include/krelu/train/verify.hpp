#pragma once
/// \file
/// verify: an independent check of a TrainResult's claims (its loss, its lower bound, its status)
/// against the samples and the problem it was trained for.
///
/// What is checked, in this order:
/// - shapes: the network has `units` rows and the samples' dimension;
/// - finite values: loss, lower bound and every weight;
/// - signs as TrainOptions::signs requires, and ||w_j|| <= radius for the bounded problem (to the
///   convex solver's feasibility tolerance);
/// - the claimed loss: recomputed with the compensated sum of krelu::loss, it must equal
///   result.loss within detail::certificate_slack (the trainers' own slack, tolerance.hpp);
/// - 0 <= lower_bound <= loss (+ slack), and for Status::optimal a gap within detail::gap_tolerance;
/// - the lower-bound claim: every network of the class has loss >= lower_bound. Lemma 22 says the
///   optimum is the smallest minimum over (sign vector, activation pattern) pairs, and every pattern's
///   minimiser is a real network. verify re-solves the convex problem of the network's own pattern and
///   of a seeded random sample of pairs (half of them cells of the hyperplane arrangement, from random
///   directions; half uniform bit patterns) in long double (the Scalar itself when it is wider), projects
///   the minimiser onto the balls, evaluates its true ReLU loss, and reports any loss below
///   lower_bound - slack. The solver is only a search device here: whatever it returns, a network's
///   loss is an upper bound on the optimum, so a violation is a proof that the bound is wrong;
/// - on small instances (pattern count <= VerifyOptions::enumeration_cap) the full enumeration of
///   Lemma 22 is re-run in long double: its optimum must not undercut the lower bound, and an
///   `optimal` result's loss must not exceed it by more than the gap tolerance.
///
/// \code
/// auto r = krelu::train_exact(samples, opt);
/// auto report = krelu::verify(samples, r, opt);          // VerifyOptions{} : 64 patterns, seed 0
/// if (!report.ok) std::cerr << report.message << "\n";    // names every check that failed
/// \endcode

#include <Eigen/Dense>
#include <cstdint>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "krelu/loss.hpp"
#include "krelu/network.hpp"
#include "krelu/qp/convex_qp.hpp"
#include "krelu/sample_container.hpp"
#include "krelu/samples.hpp"
#include "krelu/traits.hpp"
#include "krelu/train/enumerate.hpp"
#include "krelu/train/options.hpp"
#include "krelu/train/pattern_problem.hpp"
#include "krelu/train/result.hpp"
#include "krelu/train/robust_solve.hpp"
#include "krelu/train/tolerance.hpp"

namespace krelu {

/// How much work verify may spend on re-checking the lower bound.
struct VerifyOptions {
  /// Random (sign vector, pattern) pairs whose convex problems are re-solved, besides the network's own
  /// pattern. When the instance has at most this many pairs, all of them are solved instead.
  int patterns = 64;
  /// Seed of the pattern sample: the same seed gives the same report.
  std::uint64_t seed = 0;
  /// Re-run the full enumeration (Lemma 22) in long double when the instance has at most this many
  /// (sign vector, pattern) pairs; 0 never does.
  std::uint64_t enumeration_cap = 4096;

  /// Throws std::invalid_argument naming the field and its valid range.
  void validate() const {
    if (patterns < 0) throw std::invalid_argument("VerifyOptions.patterns must be >= 0, got " + std::to_string(patterns));
  }
};

/// What verify found. `ok` is true only when every check passed; `message` names each failure.
template <class Scalar = double>
struct VerifyReport {
  bool ok = true;
  Scalar recomputed_loss = Scalar(0);  ///< krelu::loss(result.network, samples)
  Scalar claimed_loss = Scalar(0);     ///< result.loss
  Scalar loss_error = Scalar(0);       ///< |recomputed_loss - claimed_loss|
  Scalar slack = Scalar(0);            ///< the certificate slack the comparisons allow (loss units)
  bool loss_ok = true;                 ///< claimed loss equals the recomputed one within `slack`
  bool finite_ok = true;               ///< loss, lower bound and weights are finite
  bool shape_ok = true;                ///< units and dimension match the problem
  bool signs_ok = true;                ///< signs are admissible for TrainOptions::signs
  bool radius_ok = true;               ///< ||w_j|| <= radius (bounded problem)
  bool bound_ok = true;                ///< 0 <= lower_bound <= loss + slack, and no network found below it
  bool gap_ok = true;                  ///< Status::optimal: loss - lower_bound within the gap tolerance
  std::uint64_t patterns_checked = 0;  ///< convex problems re-solved (the own pattern included)
  std::uint64_t patterns_unsolved = 0; ///< of those, not solved to optimality (their point still counts)
  /// max over checked networks of lower_bound - loss(network): > slack means the bound is wrong;
  /// negative values are the margin by which the bound held.
  Scalar worst_violation = -NumericTraits<Scalar>::infinity();
  Scalar best_found = NumericTraits<Scalar>::infinity();  ///< smallest loss of any network verify built
  bool enumerated = false;                                  ///< the full enumeration was re-run
  Scalar enumeration_optimum = NumericTraits<Scalar>::infinity();  ///< its optimum (if enumerated)
  std::string message;  ///< empty when ok; otherwise one sentence per failed check, joined by "; "
};

namespace detail {

/// The precision verify re-solves in: long double for float and double, the Scalar itself otherwise.
template <class Scalar>
using VerifyWide = std::conditional_t<std::is_same_v<Scalar, double> || std::is_same_v<Scalar, float>, long double,
                                      Scalar>;

template <class Scalar>
std::string verify_number(const Scalar& x) {
  std::ostringstream s;
  s.precision(6);
  s << static_cast<long double>(x);
  return s.str();
}

inline std::string verify_signs(const std::vector<int>& a) {
  std::string out = "(";
  for (std::size_t j = 0; j < a.size(); ++j) {
    if (j > 0) out += ',';
    out += a[j] > 0 ? "+1" : "-1";
  }
  out += ')';
  return out;
}

template <class Scalar>
void verify_fail(VerifyReport<Scalar>& report, bool& flag, const std::string& what) {
  flag = false;
  report.ok = false;
  if (!report.message.empty()) report.message += "; ";
  report.message += what;
}

/// True ReLU loss (caller's units) of theta = (w_1..w_k) in the scaled variables of `s`, signs a.
template <class Wide>
Wide scaled_network_loss(const ScaledSamples<Wide>& s, const std::vector<int>& a, const Eigen::Matrix<Wide, Eigen::Dynamic, 1>& theta) {
  const Eigen::Index n = s.dim();
  CompensatedSum<Wide> sum, weight;
  for (Eigen::Index i = 0; i < s.size(); ++i) {
    Wide f(0);
    for (std::size_t j = 0; j < a.size(); ++j) {
      const Wide z = s.x.row(i).dot(theta.segment(static_cast<Eigen::Index>(j) * n, n));
      if (z > Wide(0)) f += Wide(a[j]) * z;
    }
    const Wide r = f - s.y(i);
    sum.add(s.c(i) * r * r);
    weight.add(s.c(i));
  }
  return sum.value() / weight.value() * s.label_scale * s.label_scale;
}

}  // namespace detail

/// Checks `result` (from train_exact or any other source) for the problem `problem` describes
/// (units, signs, radius, relative_gap, absolute_gap) on `samples`; see the file comment.
/// Throws std::invalid_argument for invalid options or samples a trainer would reject; every
/// wrong claim is reported in the VerifyReport instead.
template <SampleContainer Samples, class Scalar = typename Samples::scalar_type>
VerifyReport<Scalar> verify(const Samples& samples, const TrainResult<Scalar>& result,
                            const TrainOptions<Scalar>& problem, const VerifyOptions& options = {}) {
  using Wide = detail::VerifyWide<Scalar>;
  using WideVector = Eigen::Matrix<Wide, Eigen::Dynamic, 1>;
  using Pattern = typename detail::PatternProblem<Wide>::Pattern;
  problem.validate();
  options.validate();
  detail::check_training_samples(samples, "verify");

  VerifyReport<Scalar> report;
  const Network<Scalar>& net = result.network;
  const int k = problem.units;
  const Eigen::Index m = static_cast<Eigen::Index>(samples.size()), n = static_cast<Eigen::Index>(samples.dim());
  report.claimed_loss = result.loss;

  if (net.units() != k || net.dim() != n) {
    detail::verify_fail(report, report.shape_ok,
                        "the network has " + std::to_string(net.units()) + " units of dimension " +
                            std::to_string(net.dim()) + " but the problem has units = " + std::to_string(k) +
                            " and samples of dimension " + std::to_string(n));
    return report;  // nothing else can be evaluated
  }

  // Finite values (a Network rejects non-finite weights, but results may be assembled by hand).
  bool weights_finite = true;
  for (Eigen::Index j = 0; j < k; ++j)
    for (Eigen::Index l = 0; l < n; ++l) weights_finite = weights_finite && is_finite(net.weights()(j, l));
  if (!is_finite(result.loss) || !is_finite(result.lower_bound) || !weights_finite) {
    detail::verify_fail(report, report.finite_ok,
                        std::string("non-finite values in the result (") + (weights_finite ? "" : "weights ") +
                            (is_finite(result.loss) ? "" : "loss ") + (is_finite(result.lower_bound) ? "" : "lower_bound ") +
                            ")");
    return report;
  }

  // Signs: the network's sign vector must be one of the admissible ones.
  std::vector<int> a(static_cast<std::size_t>(k));
  for (int j = 0; j < k; ++j) a[static_cast<std::size_t>(j)] = net.signs()(j) > Scalar(0) ? 1 : -1;
  const auto candidates = problem.signs.candidates(k);
  bool admissible = false;
  for (const auto& c : candidates) admissible = admissible || c == a;
  if (!admissible) {
    detail::verify_fail(report, report.signs_ok,
                        "signs " + detail::verify_signs(a) + " are not admissible for TrainOptions.signs (" +
                            (problem.signs.kind() == Signs::Kind::all_plus ? "all_plus" : "fixed") + ")");
  }

  // Radius, to the convex solver's feasibility tolerance (QpStatus::optimal: 10^4 * 1000 eps relative),
  // plus a few roundings for the map back to the caller's units.
  if (problem.radius) {
    const Scalar allowed = *problem.radius * (Scalar(1) + Scalar(1.1e7) * NumericTraits<Scalar>::epsilon());
    const auto norms = net.row_norms();
    for (Eigen::Index j = 0; j < k; ++j)
      if (!(norms(j) <= allowed))
        detail::verify_fail(report, report.radius_ok,
                            "unit " + std::to_string(j + 1) + " has ||w|| = " + detail::verify_number(norms(j)) +
                                " > radius = " + detail::verify_number(*problem.radius));
  }

  // The claimed loss, recomputed with the library's compensated sum.
  const Scalar scale = detail::label_scale_loss<Scalar>(samples);
  report.recomputed_loss = loss(net, samples);
  report.loss_error = abs_of(report.recomputed_loss - result.loss);
  report.slack = detail::certificate_slack(report.recomputed_loss, scale);
  if (!(report.loss_error <= report.slack))
    detail::verify_fail(report, report.loss_ok,
                        "claimed loss " + detail::verify_number(result.loss) + " differs from the recomputed loss " +
                            detail::verify_number(report.recomputed_loss) + " by " +
                            detail::verify_number(report.loss_error) + " (allowed " +
                            detail::verify_number(report.slack) + ")");

  // The bound against the loss, and the gap an `optimal` status promises.
  const Scalar& lb = result.lower_bound;
  const Scalar bound_slack = detail::certificate_slack(lb, scale);
  if (lb < Scalar(0))
    detail::verify_fail(report, report.bound_ok, "lower_bound " + detail::verify_number(lb) + " is negative");
  if (!(lb <= report.recomputed_loss + report.slack + bound_slack))
    detail::verify_fail(report, report.bound_ok,
                        "lower_bound " + detail::verify_number(lb) + " exceeds the network's loss " +
                            detail::verify_number(report.recomputed_loss));
  if (result.status == Status::optimal) {
    const Scalar allowed = detail::gap_tolerance(problem, report.recomputed_loss, scale);
    if (!(report.recomputed_loss - lb <= allowed + report.slack))
      detail::verify_fail(report, report.gap_ok,
                          "status is optimal but loss - lower_bound = " +
                              detail::verify_number(report.recomputed_loss - lb) + " exceeds the gap tolerance " +
                              detail::verify_number(allowed));
  }

  // Re-solve patterns in wide precision; every minimiser, projected onto the balls, is a real network.
  const auto s = detail::scaled_copy<Wide>(samples);
  detail::PatternProblem<Wide> pattern_problem(s, k);
  std::vector<qp::BallConstraint<Wide>> balls;
  if (problem.radius)
    balls = detail::unit_balls<Wide>(n, k, Wide(*problem.radius) * s.input_scale / s.label_scale);
  qp::ConvexQp<Wide> solver;
  std::uint64_t attempts = 0;
  const Wide wide_lb = Wide(lb), wide_slack = Wide(bound_slack);
  std::string first_violation;
  const auto check_pattern = [&](const std::vector<int>& signs, const Pattern& P) {
    pattern_problem.assemble(signs, P);
    WideVector theta;
    solver.clear_warm_start();
    const bool solved = detail::robust_solve(solver, pattern_problem.hessian(), pattern_problem.gradient(),
                                             pattern_problem.constraints(), pattern_problem.rhs(), balls, attempts, theta);
    ++report.patterns_checked;
    if (!solved) {
      ++report.patterns_unsolved;
      theta = solver.solution();
    }
    if (theta.size() != n * k || !theta.allFinite()) return;
    detail::pull_into_balls(balls, theta);  // the network is then admissible whatever the solver did
    const Wide value = detail::scaled_network_loss(s, signs, theta);
    if (Scalar(value) < report.best_found) report.best_found = Scalar(value);
    const Wide violation = wide_lb - value;
    if (Scalar(violation) > report.worst_violation) report.worst_violation = Scalar(violation);
    if (violation > wide_slack && first_violation.empty())
      first_violation = "a network with loss " + detail::verify_number(value) + " (a pattern of signs " +
                        detail::verify_signs(signs) + ") lies below lower_bound " +
                        detail::verify_number(lb);
  };

  // The network's own pattern first: its convex problem contains the claimed network.
  {
    Pattern P(m, k);
    for (Eigen::Index i = 0; i < m; ++i)
      for (int j = 0; j < k; ++j) P(i, j) = s.x.row(i).dot(net.weights().row(j).transpose().template cast<Wide>()) > Wide(0);
    check_pattern(a, P);
  }
  const std::uint64_t total = detail::enumeration_count(candidates.size(), m, k);
  if (total <= static_cast<std::uint64_t>(options.patterns)) {
    for (const auto& signs : candidates)
      for (std::uint64_t bits = 0; bits < (std::uint64_t{1} << (m * k)); ++bits) {
        Pattern P(m, k);
        for (Eigen::Index i = 0; i < m; ++i)
          for (int j = 0; j < k; ++j) P(i, j) = ((bits >> (i * k + j)) & 1U) != 0;
        check_pattern(signs, P);
      }
  } else {
    std::mt19937_64 rng(options.seed);
    std::normal_distribution<double> normal;
    std::bernoulli_distribution coin;
    for (int t = 0; t < options.patterns; ++t) {
      const auto& signs = candidates[static_cast<std::size_t>(rng() % candidates.size())];
      Pattern P(m, k);
      if (t % 2 == 0) {  // a cell of the arrangement: the pattern of a random direction per unit
        for (int j = 0; j < k; ++j) {
          WideVector g(n);
          for (Eigen::Index l = 0; l < n; ++l) g(l) = Wide(normal(rng));
          for (Eigen::Index i = 0; i < m; ++i) P(i, j) = s.x.row(i).dot(g) > Wide(0);
        }
      } else {
        for (Eigen::Index i = 0; i < m; ++i)
          for (int j = 0; j < k; ++j) P(i, j) = coin(rng);
      }
      check_pattern(signs, P);
    }
  }
  if (!first_violation.empty()) detail::verify_fail(report, report.bound_ok, first_violation);

  // Lemma 22 in full, in wide precision, on the scaled copy (same optimum up to label_scale^2).
  if (options.enumeration_cap > 0 && total <= options.enumeration_cap) {
    SampleSet<Wide> wide_samples(s.x, s.y, s.c);
    TrainOptions<Wide> wide;
    wide.units = k;
    wide.signs = problem.signs;
    if (problem.radius) wide.radius = Wide(*problem.radius) * s.input_scale / s.label_scale;
    wide.method = Method::enumerate;
    wide.pattern_limit = options.enumeration_cap;
    wide.relative_gap = problem.relative_gap;
    wide.absolute_gap = problem.absolute_gap;
    wide.threads = 1;
    const auto e = train_enumerate(wide_samples, wide);
    report.enumerated = true;
    const Wide to_loss = s.label_scale * s.label_scale;
    const Wide optimum = e.loss * to_loss;
    report.enumeration_optimum = Scalar(optimum);
    if (Scalar(optimum) < report.best_found) report.best_found = Scalar(optimum);
    if (Scalar(wide_lb - optimum) > report.worst_violation) report.worst_violation = Scalar(wide_lb - optimum);
    if (wide_lb - optimum > wide_slack)
      detail::verify_fail(report, report.bound_ok,
                          "the full enumeration finds loss " + detail::verify_number(optimum) +
                              ", below lower_bound " + detail::verify_number(lb));
    if (result.status == Status::optimal && e.status == Status::optimal) {
      const Scalar allowed = detail::gap_tolerance(problem, report.recomputed_loss, scale) + report.slack;
      if (report.recomputed_loss - Scalar(optimum) > allowed)
        detail::verify_fail(report, report.gap_ok,
                            "status is optimal but the full enumeration finds loss " + detail::verify_number(optimum) +
                                " < " + detail::verify_number(report.recomputed_loss) + " beyond the gap tolerance");
    }
  }
  return report;
}

}  // namespace krelu
