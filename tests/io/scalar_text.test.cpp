// Exact text <-> scalar conversion: bitwise round trips, agreement with independent
// conversions (strtod / strtold, exact Boost division), the accepted grammar.
#include "io_test_support.hpp"

#include <clocale>
#include <cstdlib>

using krelu::detail::format_scalar;
using krelu::detail::parse_scalar;
using krelu::detail::ScalarTextError;

namespace {

template <class Scalar>
ScalarTextError parse_status(const std::string& token) {
  Scalar v(0);
  return parse_scalar(token, v);
}

template <class Scalar>
Scalar parsed(const std::string& token) {
  Scalar v(0);
  const auto e = parse_scalar(token, v);
  INFO("token " << token);
  REQUIRE(e == ScalarTextError::none);
  return v;
}

/// A random decimal literal: 1-30 digits, optional point, optional exponent, optional sign.
std::string random_literal(std::mt19937_64& rng, int max_exponent) {
  std::string s;
  if (rng() % 3 == 0) s += (rng() % 2) ? '-' : '+';
  const int digits = 1 + static_cast<int>(rng() % 30);
  const int point = static_cast<int>(rng() % (digits + 2)) - 1;  // -1: no point
  for (int d = 0; d < digits; ++d) {
    if (d == point) s += '.';
    s += static_cast<char>('0' + rng() % 10);
  }
  if (point == digits) s += '.';
  if (rng() % 4 != 0) {
    s += (rng() % 2) ? 'e' : 'E';
    const int e = static_cast<int>(rng() % (2 * max_exponent + 1)) - max_exponent;
    if (e >= 0 && rng() % 2) s += '+';
    s += std::to_string(e);
  }
  return s;
}

}  // namespace

TEST_CASE("every finite double survives format -> parse bit for bit, and format -> parse -> format byte for byte") {
  std::mt19937_64 rng(20240601);
  int checked = 0;
  for (int t = 0; t < 200000; ++t) {
    const double x = std::bit_cast<double>(rng());  // every bit pattern: subnormals, huge, tiny
    if (!std::isfinite(x)) continue;
    const std::string text = format_scalar(x);
    const double back = parsed<double>(text);
    INFO(text);
    REQUIRE(iotest::same_bits(x, back));
    REQUIRE(format_scalar(back) == text);
    ++checked;
  }
  CHECK(checked > 190000);
}

TEST_CASE("every finite float survives format -> parse bit for bit") {
  std::mt19937_64 rng(17);
  for (int t = 0; t < 100000; ++t) {
    const float x = std::bit_cast<float>(static_cast<std::uint32_t>(rng()));
    if (!std::isfinite(x)) continue;
    const std::string text = format_scalar(x);
    INFO(text);
    REQUIRE(iotest::same_bits(x, parsed<float>(text)));
    REQUIRE(std::strtof(text.c_str(), nullptr) == x);
  }
}

TEMPLATE_TEST_CASE("random values of every scalar type round-trip bit for bit", "", KRELU_IO_SCALARS) {
  std::mt19937_64 rng(7);
  for (int t = 0; t < 20000; ++t) {
    const TestType x = iotest::random_value<TestType>(rng);
    const std::string text = format_scalar(x);
    INFO(text);
    const TestType back = parsed<TestType>(text);
    REQUIRE(iotest::same_bits(x, back));
    REQUIRE(format_scalar(back) == text);
    // The text is a number of our grammar and no longer than max_digits10 digits need.
    krelu::detail::NumberShape shape;
    REQUIRE(krelu::detail::number_shape(text, shape) == ScalarTextError::none);
  }
}

TEMPLATE_TEST_CASE("the extremes of every scalar type round-trip", "", KRELU_IO_SCALARS) {
  using limits = std::numeric_limits<TestType>;
  std::vector<TestType> values = {limits::max(), limits::lowest(), limits::min(), TestType(-limits::min()),
                                  limits::epsilon(), TestType(1) + limits::epsilon(), TestType(1) - limits::epsilon()};
  if constexpr (limits::has_denorm == std::denorm_present)
    values.insert(values.end(), {limits::denorm_min(), TestType(-limits::denorm_min()), TestType(limits::min() - limits::denorm_min())});
  for (const TestType& x : values) {
    const std::string text = format_scalar(x);
    INFO(text);
    CHECK(iotest::same_bits(x, parsed<TestType>(text)));
  }
}

TEST_CASE("long double values built from random 64-bit mantissas round-trip, subnormals included") {
  std::mt19937_64 rng(99);
  using L = long double;
  for (int t = 0; t < 50000; ++t) {
    const L m = static_cast<L>(rng());  // exact: 64-bit mantissa
    const int e = static_cast<int>(rng() % 32800) - 16445 - 64;  // down to the subnormal range
    const L x = std::ldexp((rng() % 2) ? m : -m, e);
    if (!std::isfinite(x)) continue;
    const std::string text = format_scalar(x);
    INFO(text);
    REQUIRE(iotest::same_bits(x, parsed<L>(text)));
  }
  const L tiny = std::numeric_limits<L>::denorm_min();
  CHECK(iotest::same_bits(tiny, parsed<L>(format_scalar(tiny))));
}

TEST_CASE("parsing agrees with strtod and strtold on random decimal literals") {
  // strtod/strtold are correctly rounded in glibc and independent of the from_chars path.
  std::mt19937_64 rng(31337);
  for (int t = 0; t < 50000; ++t) {
    const std::string s = random_literal(rng, 330);
    const double reference = std::strtod(s.c_str(), nullptr);
    double value = 0;
    const auto status = parse_scalar(s, value);
    INFO(s);
    if (std::isinf(reference)) {
      REQUIRE(status == ScalarTextError::out_of_range);
    } else {
      REQUIRE(status == ScalarTextError::none);
      REQUIRE(iotest::same_bits(reference, value));
    }
    const long double reference_l = std::strtold(s.c_str(), nullptr);
    long double value_l = 0;
    REQUIRE(parse_scalar(s, value_l) == ScalarTextError::none);
    REQUIRE(iotest::same_bits(reference_l, value_l));
  }
}

#if KRELU_HAVE_BOOST
TEST_CASE("Boost numbers parse to the correctly rounded quotient k / 10^p") {
  // k < 2^64 and 10^p with p <= 60 are exact in 168 bits, so the division is the only rounding:
  // an independent computation of the value the literal "k e-p" denotes.
  using B = iotest::Boost50;
  std::mt19937_64 rng(4242);
  for (int t = 0; t < 5000; ++t) {
    const std::uint64_t k = rng() >> (rng() % 60);
    const int p = static_cast<int>(rng() % 61);
    const B expected = B(k) / pow(B(10), p);
    const std::string literal = std::to_string(k) + "e-" + std::to_string(p);
    INFO(literal);
    REQUIRE(iotest::same_bits(expected, parsed<B>(literal)));
    REQUIRE(iotest::same_bits(B(-expected), parsed<B>("-" + literal)));
  }
}
#endif

TEMPLATE_TEST_CASE("the grammar accepts decimal literals and rejects everything else", "", KRELU_IO_SCALARS) {
  for (const std::string ok : {"1", "-1", "+1", ".5", "5.", "-.5e3", "1e5", "1E-5", "1e+05", "007", "0", "-0", "0.000",
                               "123456789012345678901234567890", "1.5e-7"})
    CHECK(parse_status<TestType>(ok) == ScalarTextError::none);
  for (const std::string bad : {"", "-", "+", ".", "e5", "1e", "1e+", "1.2.3", "abc", "0x10", "1,5", " 1", "1 ", "--1",
                                "1e5.0", "1_000", "1d5", "+-1", "1e-+5", "\xd9\xa1"})
    CHECK(parse_status<TestType>(bad) == ScalarTextError::syntax);
  for (const std::string nan : {"nan", "NaN", "-nan", "inf", "-Inf", "+INF", "infinity", "-Infinity", "nan(123)"})
    CHECK(parse_status<TestType>(nan) == ScalarTextError::not_finite);
}

TEMPLATE_TEST_CASE("signed zeros are kept and unparsable text leaves the target untouched", "", KRELU_IO_SCALARS) {
  using std::signbit;
  CHECK(signbit(parsed<TestType>("-0")));
  CHECK(signbit(parsed<TestType>("-0.000e12")));
  CHECK(!signbit(parsed<TestType>("0")));
  TestType v(42);
  CHECK(parse_scalar(std::string("1.2.3"), v) == ScalarTextError::syntax);
  CHECK(v == TestType(42));
  CHECK(parse_scalar(std::string("nan"), v) == ScalarTextError::not_finite);
  CHECK(v == TestType(42));
}

TEST_CASE("overflow is an error, underflow rounds to a zero of the written sign") {
  using std::signbit;
  CHECK(parse_status<double>("1e309") == ScalarTextError::out_of_range);
  CHECK(parse_status<double>("-1.8e308") == ScalarTextError::out_of_range);
  CHECK(parse_status<long double>("1e5000") == ScalarTextError::out_of_range);
  CHECK(parse_status<double>("1e99999999999999999999999") == ScalarTextError::out_of_range);
  CHECK(parsed<long double>("1e309") > std::numeric_limits<double>::max());
  const double under = parsed<double>("1e-400");
  CHECK(under == 0.0);
  CHECK(!signbit(under));
  CHECK(signbit(parsed<double>("-1e-400")));
  CHECK(parsed<double>("3e-324") == std::numeric_limits<double>::denorm_min());
  CHECK(parsed<long double>("-1e-99999999999999") == 0.0L);
#if KRELU_HAVE_BOOST
  using B = iotest::Boost50;
  CHECK(parse_status<B>("1e999999999999") == ScalarTextError::out_of_range);
  CHECK(parsed<B>("1e-999999999999") == B(0));
  CHECK(parsed<B>("1e400") > B(1e300));
#endif
}

TEST_CASE("the printf fallback of the formatter writes what std::to_chars writes") {
  std::mt19937_64 rng(5);
  for (int t = 0; t < 20000; ++t) {
    const double x = std::bit_cast<double>(rng());
    if (!std::isfinite(x)) continue;
    std::string by_printf;
    krelu::detail::append_with_printf(by_printf, x, std::numeric_limits<double>::max_digits10);
    INFO(by_printf);
    REQUIRE(by_printf == format_scalar(x));
  }
}

TEST_CASE("a decimal-comma C locale changes neither reading nor writing") {
  const char* previous = std::setlocale(LC_NUMERIC, nullptr);
  const std::string saved = previous ? previous : "C";
  const char* comma = nullptr;
  for (const char* name : {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8", "de_DE", "fr_FR"})
    if ((comma = std::setlocale(LC_NUMERIC, name)) != nullptr) break;
  if (comma == nullptr) {
    WARN("no decimal-comma locale installed; only the C locale was checked");
    return;
  }
  const long double l = parsed<long double>("1.25");
  std::string s;
  krelu::detail::append_with_printf(s, 0.5, 17);
  std::setlocale(LC_NUMERIC, saved.c_str());
  CHECK(l == 1.25L);
  CHECK(s == "0.5");
}
