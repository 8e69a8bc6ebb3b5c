#pragma once
/// \file
/// train_exact: the global minimum of the k-ReLU training loss with a certificate (Lemma 22).
///
/// \code
/// krelu::TrainOptions<double> opt;
/// opt.units = 2;                            // k
/// opt.signs = krelu::Signs::free();         // or all_plus(), fixed({+1, -1})
/// opt.radius = 1.0;                         // the bounded problem (leave unset for unbounded)
/// opt.method = krelu::Method::branch_and_bound;   // the default; enumerate is Lemma 22 literally
/// auto r = krelu::train_exact(samples, opt);
/// // r.network, r.loss, r.lower_bound, r.status, r.patterns, r.qps, r.seconds
/// \endcode

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "krelu/sample_container.hpp"
#include "krelu/train/branch_and_bound.hpp"
#include "krelu/train/enumerate.hpp"
#include "krelu/train/local_search.hpp"
#include "krelu/train/options.hpp"
#include "krelu/train/result.hpp"
#include "krelu/train/tolerance.hpp"

namespace krelu {

namespace detail {

/// A certificate is withheld when the sample weights span more than the Scalar can resolve. That is
/// also named as the cause when the method itself already gave up on the certificate (numerical_issue).
template <SampleContainer Samples, class Scalar>
void withhold_unreliable_certificate(const Samples& samples, TrainResult<Scalar>& result) {
  if (result.status != Status::optimal && result.status != Status::numerical_issue) return;
  Scalar lightest = NumericTraits<Scalar>::infinity(), heaviest(0);
  for (Eigen::Index i = 0; i < samples.size(); ++i) {
    const Scalar c = Scalar(samples.weight(i));
    lightest = std::min(lightest, c);
    heaviest = std::max(heaviest, c);
  }
  if (lightest < smallest_certified_weight_ratio<Scalar>() * heaviest) {
    const std::string symptom = result.status == Status::numerical_issue ? result.message : std::string();
    result.status = Status::numerical_issue;
    result.message = "sample weights span more than this scalar type can resolve (min/max weight below " +
                     std::to_string(static_cast<double>(smallest_certified_weight_ratio<Scalar>())) +
                     "): the best network is returned but its optimality is not certified; merge or rescale the "
                     "weights, or train in a wider scalar type";
    if (!symptom.empty()) result.message += " (" + symptom + ")";
  }
}

template <SampleContainer Samples, class Scalar>
TrainResult<Scalar> train_exact_unchecked(const Samples& samples, const TrainOptions<Scalar>& options) {
  switch (options.method) {
    case Method::enumerate:
      return train_enumerate(samples, options);
    case Method::branch_and_bound: {
      // Multi-start local search gives the search a good first incumbent (fewer nodes to prune). Not
      // on tiny instances (is_tiny_search): there the whole search takes about a fifth of what the
      // restarts cost (planted (12,3,1): 0.17 ms against 0.85 ms).
      std::vector<Network<Scalar>> incumbents;
      double local_seconds = 0;
      if (options.incumbent_restarts > 0 && !is_tiny_search(samples.size(), options.units)) {
        auto lo = options;
        lo.time_limit_seconds = std::min(options.time_limit_seconds / 4, 10.0);
        const auto found = local_search(samples, lo, options.incumbent_restarts);
        incumbents.push_back(found.network);
        local_seconds = found.seconds;
      }
      auto remaining = options;
      remaining.time_limit_seconds = std::max(options.time_limit_seconds - local_seconds, 1e-6);
      auto result = train_branch_and_bound(samples, remaining, incumbents);
      result.seconds += local_seconds;
      return result;
    }
  }
  throw std::invalid_argument("train_exact: unknown TrainOptions.method");
}

}  // namespace detail

/// The global minimiser of the weighted training loss over k-ReLUs with the given signs (and
/// weights in the ball of the given radius, if set). Works on any SampleContainer (dense and
/// sparse SampleSets included) and any Scalar (double, long double, Boost.Multiprecision).
template <SampleContainer Samples, class Scalar = typename Samples::scalar_type>
TrainResult<Scalar> train_exact(const Samples& samples, const TrainOptions<Scalar>& options = {}) {
  options.validate();
  detail::check_training_samples(samples, "train_exact");
  auto result = detail::train_exact_unchecked(samples, options);
  detail::withhold_unreliable_certificate(samples, result);
  return result;
}

}  // namespace krelu
