#pragma once
/// \file
/// Proper learning of k-ReLUs from a sampler (Theorems 23 and 24, App. F.2): draw as many samples as
/// the generalisation bounds ask for, then train exactly on them.

#include <Eigen/Dense>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <ranges>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "krelu/sample_container.hpp"
#include "krelu/samples.hpp"
#include "krelu/train/exact.hpp"
#include "krelu/train/options.hpp"
#include "krelu/train/result.hpp"

namespace krelu {

namespace detail {

inline void check_learning_arguments(const char* where, double epsilon, double delta, int k) {
  if (!(epsilon > 0 && epsilon < 1))
    throw std::invalid_argument(std::string(where) + ": epsilon must be in (0, 1), got " + std::to_string(epsilon));
  if (!(delta > 0 && delta < 1))
    throw std::invalid_argument(std::string(where) + ": delta must be in (0, 1), got " + std::to_string(delta));
  if (k < 1) throw std::invalid_argument(std::string(where) + ": k must be >= 1, got " + std::to_string(k));
}

/// ceil(value) as a sample count; throws if it does not fit in 64 bits.
inline std::uint64_t sample_count(const char* where, long double value) {
  const long double rounded = std::ceil(value);
  if (!(rounded < 18446744073709551616.0L))
    throw std::invalid_argument(std::string(where) + ": the sample size exceeds 2^64 - 1 (epsilon too small)");
  return static_cast<std::uint64_t>(rounded);
}

}  // namespace detail

/// Samples that make Theorem 23's learner epsilon-accurate with probability 1 - delta (App. F.2.2).
///
/// The paper prints m = ceil(1024 k^4 (1 + log(1/delta)) / epsilon^2) (natural log). Its proof needs
/// (21): 16 k^2 / sqrt(m) + 8 k^2 sqrt(log(1/delta) / m) <= epsilon / 2, i.e.
/// m >= 1024 k^4 (1 + sqrt(log(1/delta)) / 2)^2 / epsilon^2. The printed m satisfies this only when
/// (1 + sqrt(L)/2)^2 <= 1 + L, i.e. L = log(1/delta) >= 16/9 (delta <= e^{-16/9} ~ 0.169); for larger
/// delta it falls short by a factor up to 1.25. We return the larger of the two, so the value equals the
/// paper's formula whenever delta <= 0.169 and is the smallest m for which (21) holds otherwise.
/// Throws std::invalid_argument unless epsilon, delta in (0, 1) and k >= 1.
inline std::uint64_t agnostic_sample_size(double epsilon, double delta, int k) {
  detail::check_learning_arguments("agnostic_sample_size", epsilon, delta, k);
  const long double k4 = std::pow(static_cast<long double>(k), 4);
  const long double L = std::log(1.0L / static_cast<long double>(delta));
  const long double e2 = static_cast<long double>(epsilon) * static_cast<long double>(epsilon);
  const long double printed = 1024.0L * k4 * (1.0L + L) / e2;
  const long double root = 1.0L + std::sqrt(L) / 2.0L;
  const long double needed = 1024.0L * k4 * root * root / e2;
  return detail::sample_count("agnostic_sample_size", printed > needed ? printed : needed);
}

/// Samples that make Theorem 24's learner (realizable case) epsilon-accurate with probability 1 - delta
/// (App. F.2.3): m = ceil(10^6 C k^2 log^3(10 C k / epsilon) / epsilon + 8 k^2 log(1/delta) / epsilon),
/// natural logarithms, exactly as printed.
///
/// C is the unspecified absolute constant of Theorem 26 ([SST10]); it is a parameter here, default 1
/// (the paper only says C > 1). Checked: the proof needs C (8 k^2 log^3(m) + 4 k^2 log(1/delta)) / m <= epsilon.
/// The first term A of m alone makes C 8 k^2 log^3(m) / m <= 0.011 epsilon (log^3(m) / m decreases and
/// log A <= 11 log(10 C k / epsilon) for C >= 1, k >= 1, epsilon < 1).
/// The second term of m carries no C, so C 4 k^2 log(1/delta) / m <= epsilon / 2 need not hold by itself for
/// C > 2, but the slack of the first term covers it as long as log(1/delta) <= ~3 * 10^6, i.e. for every
/// delta representable in double: the printed formula is valid as it stands.
/// Throws std::invalid_argument unless epsilon, delta in (0, 1), k >= 1 and C finite and >= 1.
inline std::uint64_t realizable_sample_size(double epsilon, double delta, int k, double C = 1) {
  detail::check_learning_arguments("realizable_sample_size", epsilon, delta, k);
  if (!(C >= 1) || !std::isfinite(C))
    throw std::invalid_argument("realizable_sample_size: C must be finite and >= 1, got " + std::to_string(C));
  const long double e = epsilon, c = C, kk = k;
  const long double lg = std::log(10.0L * c * kk / e);
  const long double value = 1e6L * c * kk * kk * lg * lg * lg / e + 8.0L * kk * kk * std::log(1.0L / delta) / e;
  return detail::sample_count("realizable_sample_size", value);
}

/// Which generalisation bound sets the sample size.
enum class LearningSetting {
  agnostic,   ///< Theorem 23: agnostic_sample_size
  realizable  ///< Theorem 24: realizable_sample_size (labels come from some k-ReLU)
};

/// Options of learn() beyond the training problem.
struct LearnOptions {
  LearningSetting setting = LearningSetting::agnostic;
  double constant = 1;  ///< C of Theorem 26 (realizable setting only), finite and >= 1
  /// Draw at most this many samples. The theoretical sizes are astronomically large for exact training
  /// (e.g. 9.2e8 samples for epsilon = delta = 0.01, k = 1), so any practical run caps them; the result
  /// then carries no guarantee of the theorem.
  std::optional<std::uint64_t> max_samples;

  void validate() const {
    if (!(constant >= 1) || !std::isfinite(constant))
      throw std::invalid_argument("LearnOptions.constant must be finite and >= 1");
    if (max_samples && *max_samples == 0) throw std::invalid_argument("LearnOptions.max_samples must be >= 1");
  }
};

/// What learn() did: the samples it drew, the exact training on them, and both sample sizes.
struct LearnResult {
  TrainResult<double> training;       ///< train_exact on the drawn samples: training.network is the hypothesis
  SampleSet<double> samples;          ///< the samples drawn (weight 1 each)
  std::uint64_t theoretical_samples;  ///< the size the theorem asks for
  std::uint64_t samples_used;         ///< min(theoretical_samples, max_samples)
  bool capped() const { return samples_used < theoretical_samples; }
};

namespace detail {

/// Splits one draw into (x, y): a std::pair / tuple-like with first/second, or a struct with members x and y.
template <class Draw>
auto split_draw(Draw&& d) {
  if constexpr (requires {
                  d.first;
                  d.second;
                }) {
    return std::pair<const decltype(d.first)&, const decltype(d.second)&>(d.first, d.second);
  } else {
    static_assert(
        requires {
          d.x;
          d.y;
        },
        "learn: draw() must return a pair (x, y) or a struct with members x and y");
    return std::pair<const decltype(d.x)&, const decltype(d.y)&>(d.x, d.y);
  }
}

template <class X>
Eigen::Index input_length(const X& x) {
  if constexpr (is_eigen_expression_v<X>)
    return x.size();
  else
    return static_cast<Eigen::Index>(std::ranges::size(x));
}

template <class X>
void copy_input(const X& x, Eigen::Ref<Eigen::VectorXd> out) {
  if constexpr (is_eigen_expression_v<X>) {
    for (Eigen::Index j = 0; j < out.size(); ++j) out(j) = static_cast<double>(x(j));
  } else {
    Eigen::Index j = 0;
    for (const auto& v : x) out(j++) = static_cast<double>(v);
  }
}

}  // namespace detail

/// Proper learner of Theorems 23/24: draws m samples from `draw` and returns the exact training
/// optimum on them (train_exact with `options`).
///
/// `draw()` is called m times; each call returns one labelled sample, either as a pair (x, y) or as a
/// struct with members `x` and `y`, where x is a dense Eigen vector or a sized range of numbers (all of
/// the same length) and y a number. m = agnostic_sample_size(epsilon, delta, k) or
/// realizable_sample_size(epsilon, delta, k, C) by `learn_options.setting`, capped at
/// `learn_options.max_samples`. The theorems concern the bounded class (||w_j|| <= 1, set
/// options.radius = 1) and inputs in the unit ball; with a cap, or a train_exact status other than
/// optimal, their guarantee does not apply.
///
/// \code
/// std::mt19937_64 rng(1);
/// auto draw = [&] { Eigen::Vector2d x = ...; return std::pair{x, std::max(0.0, x(0))}; };
/// krelu::TrainOptions<double> opt;  opt.radius = 1.0;
/// krelu::LearnOptions lo;  lo.setting = krelu::LearningSetting::realizable;  lo.max_samples = 12;
/// auto r = krelu::learn(draw, 0.1, 0.05, opt, lo);   // r.training.network, r.theoretical_samples
/// \endcode
template <class Draw>
LearnResult learn(Draw&& draw, double epsilon, double delta, TrainOptions<double> options,
                  LearnOptions learn_options = {}) {
  options.validate();
  learn_options.validate();
  const std::uint64_t theoretical = learn_options.setting == LearningSetting::agnostic
                                        ? agnostic_sample_size(epsilon, delta, options.units)
                                        : realizable_sample_size(epsilon, delta, options.units, learn_options.constant);
  const std::uint64_t m =
      learn_options.max_samples && *learn_options.max_samples < theoretical ? *learn_options.max_samples : theoretical;
  if (m > static_cast<std::uint64_t>(std::numeric_limits<Eigen::Index>::max()))
    throw std::invalid_argument("learn: " + std::to_string(m) +
                                " samples do not fit in memory; set LearnOptions.max_samples");
  std::vector<double> labels;
  std::vector<Eigen::VectorXd> inputs;
  labels.reserve(static_cast<std::size_t>(m));
  inputs.reserve(static_cast<std::size_t>(m));
  Eigen::Index n = -1;
  for (std::uint64_t i = 0; i < m; ++i) {
    const auto d = draw();
    const auto [x, y] = detail::split_draw(d);
    const Eigen::Index len = detail::input_length(x);
    if (n < 0) n = len;
    if (len != n)
      throw std::invalid_argument("learn: draw " + std::to_string(i) + " returned an input of length " +
                                  std::to_string(len) + ", earlier draws had length " + std::to_string(n));
    Eigen::VectorXd v(n);
    detail::copy_input(x, v);
    inputs.push_back(std::move(v));
    labels.push_back(static_cast<double>(y));
  }
  Eigen::MatrixXd X(static_cast<Eigen::Index>(m), n);
  Eigen::VectorXd Y(static_cast<Eigen::Index>(m));
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    X.row(static_cast<Eigen::Index>(i)) = inputs[i].transpose();
    Y(static_cast<Eigen::Index>(i)) = labels[i];
  }
  SampleSet<double> samples(X, Y);
  TrainResult<double> training = train_exact(samples, options);
  return LearnResult{std::move(training), std::move(samples), theoretical, m};
}

}  // namespace krelu
