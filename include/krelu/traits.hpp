#pragma once
/// \file
/// Numeric traits so that every numeric type of krelu works with `double`, `long double` and
/// Boost.Multiprecision numbers (with expression templates off) alike.

#include <cmath>
#include <limits>

namespace krelu {

/// Machine facts about a scalar type, found through std::numeric_limits (which Boost.Multiprecision
/// specialises) and argument-dependent lookup for the maths functions.
template <class Scalar>
struct NumericTraits {
  /// Unit roundoff of the type.
  static Scalar epsilon() { return std::numeric_limits<Scalar>::epsilon(); }
  static Scalar infinity() { return std::numeric_limits<Scalar>::infinity(); }
  static Scalar quiet_nan() { return std::numeric_limits<Scalar>::quiet_NaN(); }
  /// Decimal digits needed to write a value and read back the same value.
  static int round_trip_digits() { return std::numeric_limits<Scalar>::max_digits10; }
};

/// True if x is neither NaN nor infinite.
template <class Scalar>
bool is_finite(const Scalar& x) {
  using std::isfinite;
  return static_cast<bool>(isfinite(x));
}

/// sqrt found by argument-dependent lookup (std:: for builtin types, the type's own otherwise).
template <class Scalar>
Scalar sqrt_of(const Scalar& x) {
  using std::sqrt;
  return sqrt(x);
}

template <class Scalar>
Scalar abs_of(const Scalar& x) {
  using std::abs;
  return abs(x);
}

namespace detail {

/// Neumaier's compensated summation: the error of a sum of terms of wildly different magnitude
/// stays at one rounding of the result instead of growing with the number of terms.
template <class Scalar>
class CompensatedSum {
 public:
  void add(const Scalar& term) {
    const Scalar t = sum_ + term;
    if (abs_of(sum_) >= abs_of(term))
      correction_ += (sum_ - t) + term;
    else
      correction_ += (term - t) + sum_;
    sum_ = t;
  }
  Scalar value() const { return sum_ + correction_; }

 private:
  Scalar sum_ = Scalar(0);
  Scalar correction_ = Scalar(0);
};

}  // namespace detail
}  // namespace krelu
