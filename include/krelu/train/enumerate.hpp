#pragma once
/// \file
/// Method::enumerate: the algorithm of Lemma 22 (App. F.1), literally. For every admissible sign
/// vector a and every activation pattern P in {0,1}^{m x k}, solve the convex problem of (a, P)
/// exactly; the global optimum is the smallest of these minima (every pattern is feasible at w = 0,
/// and every network lies in the closure of its own pattern's region). A bounded pattern whose problem
/// no attempt settles is bounded below by Lagrangian duality on its balls (ball_dual_bound.hpp).

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "krelu/loss.hpp"
#include "krelu/network.hpp"
#include "krelu/qp/convex_qp.hpp"
#include "krelu/sample_container.hpp"
#include "krelu/train/ball_dual_bound.hpp"
#include "krelu/train/options.hpp"
#include "krelu/train/pattern_problem.hpp"
#include "krelu/train/result.hpp"
#include "krelu/train/robust_solve.hpp"
#include "krelu/train/tolerance.hpp"

namespace krelu {
namespace detail {

/// Number of (sign vector, pattern) pairs Lemma 22 visits, saturating at UINT64_MAX.
inline std::uint64_t enumeration_count(std::size_t sign_vectors, Eigen::Index samples, int units) {
  const long double bits = static_cast<long double>(samples) * units;
  if (bits >= 63) return std::numeric_limits<std::uint64_t>::max();
  const std::uint64_t per = std::uint64_t{1} << static_cast<int>(bits);
  if (per > std::numeric_limits<std::uint64_t>::max() / sign_vectors) return std::numeric_limits<std::uint64_t>::max();
  return per * sign_vectors;
}

/// Maps a scaled solution theta back to a network in the caller's units.
template <class Scalar>
Network<Scalar> unscale_network(const ScaledSamples<Scalar>& s, const std::vector<int>& a,
                                const Eigen::Matrix<Scalar, Eigen::Dynamic, 1>& theta) {
  const Eigen::Index n = s.dim(), k = static_cast<Eigen::Index>(a.size());
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> W(k, n);
  for (Eigen::Index j = 0; j < k; ++j)
    W.row(j) = theta.segment(j * n, n).transpose() * (s.label_scale / s.input_scale);
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> signs(k);
  for (Eigen::Index j = 0; j < k; ++j) signs(j) = Scalar(a[static_cast<std::size_t>(j)]);
  return Network<Scalar>(W, signs);
}

/// A network that outputs 0 everywhere, with the first admissible signs.
template <class Scalar>
Network<Scalar> zero_network(Eigen::Index n, const std::vector<int>& a) {
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> signs(static_cast<Eigen::Index>(a.size()));
  for (std::size_t j = 0; j < a.size(); ++j) signs(static_cast<Eigen::Index>(j)) = Scalar(a[j]);
  return Network<Scalar>(Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>::Zero(signs.size(), n), signs);
}

/// sum_i c_i y_i^2 / sum_i c_i: the loss of the zero network, the scale absolute tolerances refer to.
template <class Scalar, SampleContainer Samples>
Scalar label_scale_loss(const Samples& s) {
  detail::CompensatedSum<Scalar> num, den;
  for (Eigen::Index i = 0; i < static_cast<Eigen::Index>(s.size()); ++i) {
    const Scalar y = Scalar(s.label(i)), c = Scalar(s.weight(i));
    num.add(c * y * y);
    den.add(c);
  }
  return num.value() / den.value();
}

/// Validates samples for training: non-empty, dimension >= 1, weights > 0 and finite data.
template <SampleContainer Samples>
void check_training_samples(const Samples& s, const char* who) {
  using Scalar = typename Samples::scalar_type;
  if (s.size() == 0) throw std::invalid_argument(std::string(who) + ": the sample set is empty");
  if (s.dim() < 1) throw std::invalid_argument(std::string(who) + ": samples have dimension 0");
  for (Eigen::Index i = 0; i < static_cast<Eigen::Index>(s.size()); ++i) {
    if (!is_finite(Scalar(s.label(i))))
      throw std::invalid_argument(std::string(who) + ": label of sample " + std::to_string(i) + " is not finite");
    const Scalar c = Scalar(s.weight(i));
    if (!is_finite(c) || !(c > Scalar(0)))
      throw std::invalid_argument(std::string(who) + ": weight of sample " + std::to_string(i) +
                                  " must be finite and > 0");
  }
}

}  // namespace detail

/// Lemma 22 by enumeration. Prefer train_exact(samples, options) with Method::enumerate.
///
/// Refuses (status pattern_limit, nothing solved, a message saying why) when the number of
/// (sign vector, pattern) pairs exceeds options.pattern_limit. On a time limit or cancellation it
/// returns the best network so far; lower_bound is then 0 (no pattern region has been excluded).
template <SampleContainer Samples, class Scalar = typename Samples::scalar_type>
TrainResult<Scalar> train_enumerate(const Samples& samples, const TrainOptions<Scalar>& options) {
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using Pattern = typename detail::PatternProblem<Scalar>::Pattern;
  using Clock = std::chrono::steady_clock;
  options.validate();
  detail::check_training_samples(samples, "train_exact");
  const auto start = Clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };

  const int k = options.units;
  const Eigen::Index m = static_cast<Eigen::Index>(samples.size()), n = static_cast<Eigen::Index>(samples.dim());
  const auto sign_vectors = options.signs.candidates(k);
  const std::uint64_t total = detail::enumeration_count(sign_vectors.size(), m, k);

  TrainResult<Scalar> result{detail::zero_network<Scalar>(n, sign_vectors.front()), Scalar(0), Scalar(0)};
  result.loss = loss(result.network, samples);
  if (total > options.pattern_limit) {
    result.status = Status::pattern_limit;
    result.message = "enumerate would solve " + std::to_string(sign_vectors.size()) + " x 2^" +
                     std::to_string(static_cast<long long>(m) * k) + " convex problems, more than pattern_limit = " +
                     std::to_string(options.pattern_limit) +
                     "; raise TrainOptions.pattern_limit or use Method::branch_and_bound";
    result.seconds = elapsed();
    return result;
  }

  const auto s = detail::scaled_copy<Scalar>(samples);
  detail::PatternProblem<Scalar> problem(s, k);
  std::vector<qp::BallConstraint<Scalar>> balls;
  if (options.radius) balls = detail::unit_balls<Scalar>(n, k, *options.radius * s.input_scale / s.label_scale);
  qp::ConvexQp<Scalar> solver;

  Scalar best_error = NumericTraits<Scalar>::infinity();
  Scalar lowest_minimum = NumericTraits<Scalar>::infinity();
  Vector best_theta, theta;
  std::vector<int> best_signs = sign_vectors.front();
  // patterns whose convex problem no attempt settled, with the last multipliers on the balls (a few;
  // beyond kMaxUnsettled the certificate is withheld without trying)
  constexpr std::size_t kMaxUnsettled = 4096;
  struct Unsettled {
    const std::vector<int>* signs;
    Pattern pattern;
    Vector mu;
  };
  std::vector<Unsettled> unsettled;
  bool stopped = false;
  std::uint64_t done = 0;
  double last_progress = 0;
  const std::uint64_t per_sign = std::uint64_t{1} << (m * k);

  for (const auto& a : sign_vectors) {
    Pattern P = Pattern::Zero(m, k);
    solver.clear_warm_start();
    for (std::uint64_t g = 0; g < per_sign; ++g) {
      if (g > 0) {  // Gray code: flip one (sample, unit) bit per step so warm starts stay close
        const int bit = std::countr_zero(g);
        P(bit / k, bit % k) = !P(bit / k, bit % k);
        solver.warm_start(solver.active_set());
      }
      problem.assemble(a, P);
      ++done;
      // the pattern's minimum is at least its error at theta less the complementarity gap (weak duality)
      Scalar gap(0);
      const auto small_gap = [&](const Vector& t, const Scalar& gt) {
        return gt <= detail::gap_tolerance(options, problem.pattern_error(a, P, t), problem.constant()) / Scalar(16);
      };
      if (!detail::robust_solve(solver, problem.hessian(), problem.gradient(), problem.constraints(), problem.rhs(),
                                balls, result.qps, theta, &gap, small_gap)) {
        if (unsettled.size() <= kMaxUnsettled) unsettled.push_back({&a, P, solver.ball_multipliers()});
        solver.clear_warm_start();
        continue;
      }
      const Scalar err = problem.pattern_error(a, P, theta);
      if (err - gap < lowest_minimum) lowest_minimum = err - gap;
      if (err < best_error) {
        best_error = err;
        best_theta = theta;
        best_signs = a;
      }
      if ((done & 1023U) == 0) {
        const double t = elapsed();
        if (t > options.time_limit_seconds) { result.status = Status::time_limit; stopped = true; }
        if ((options.cancel && options.cancel()) || options.stop_token.stop_requested()) { result.status = Status::cancelled; stopped = true; }
        if (options.progress && (t - last_progress >= options.progress_interval_seconds || stopped)) {
          last_progress = t;
          Progress p;
          p.nodes = done;
          p.qps = result.qps;
          p.incumbent = static_cast<double>(best_error * s.label_scale * s.label_scale / s.c.sum());
          p.lower_bound = 0;
          p.gap = p.incumbent;
          p.elapsed_seconds = t;
          p.fraction_done = static_cast<double>(done) / static_cast<double>(total);
          options.progress(p);
        }
        if (stopped) break;
      }
    }
    if (stopped) break;
  }
  result.patterns = done;

  // A pattern no attempt solved still has a lower bound: Lagrangian duality on its balls (enough if it
  // is above the best error found, the common case), and the relaxation's minimiser, pulled into the
  // balls, is one more candidate network. Without balls there is no such bound.
  bool all_solved = unsettled.size() <= kMaxUnsettled && (unsettled.empty() || !balls.empty());
  for (std::size_t q = 0; q < unsettled.size() && all_solved && !stopped; ++q) {
    const auto& u = unsettled[q];
    if (elapsed() > options.time_limit_seconds) { result.status = Status::time_limit; stopped = true; }
    if ((options.cancel && options.cancel()) || options.stop_token.stop_requested()) { result.status = Status::cancelled; stopped = true; }
    if (stopped) break;
    problem.assemble(*u.signs, u.pattern);
    const Scalar target = best_error - detail::gap_tolerance(options, best_error, problem.constant()) / Scalar(4);
    const auto error_at = [&](const Vector& t) { return problem.pattern_error(*u.signs, u.pattern, t); };
    const auto dual = detail::ball_dual_bound(problem.hessian(), problem.gradient(), problem.constraints(),
                                              problem.rhs(), balls, u.mu, target, error_at, 400, result.qps);
    if (!dual.found) {
      all_solved = false;
      break;
    }
    lowest_minimum = std::min(lowest_minimum, dual.bound);
    Vector inside = dual.x;
    detail::pull_into_balls(balls, inside);
    const Scalar err = error_at(inside);
    if (err < best_error) {
      best_error = err;
      best_theta = inside;
      best_signs = *u.signs;
    }
  }

  if (best_theta.size() > 0) {
    auto candidate = detail::unscale_network(s, best_signs, best_theta);
    const Scalar candidate_loss = loss(candidate, samples);
    if (candidate_loss <= result.loss) {
      result.network = std::move(candidate);
      result.loss = candidate_loss;
    }
  }
  if (!stopped) {
    // Every pattern's minimum is >= lowest_minimum (error less gap) up to the solver's tolerance.
    const Scalar scaled_bound = lowest_minimum - detail::certificate_slack(lowest_minimum, problem.constant());
    const Scalar to_loss = s.label_scale * s.label_scale / s.c.sum();
    result.lower_bound = scaled_bound > Scalar(0) ? scaled_bound * to_loss : Scalar(0);
    if (result.lower_bound > result.loss) result.lower_bound = result.loss;
    const Scalar allowed = detail::gap_tolerance(options, result.loss, detail::label_scale_loss<Scalar>(samples));
    if (!all_solved) {
      result.lower_bound = Scalar(0);
      result.status = Status::numerical_issue;
      result.message = "some convex problems were not solved to optimality; the lower bound is not certified";
    } else if (result.gap() > allowed) {
      result.status = Status::numerical_issue;
      result.message = "the best network's loss exceeds the smallest pattern minimum by more than the gap tolerance";
    } else {
      result.status = Status::optimal;
    }
  }
  result.seconds = elapsed();
  return result;
}

}  // namespace krelu
