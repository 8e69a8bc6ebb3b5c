#pragma once
/// \file
/// Exact text <-> scalar conversion for the file formats: writing a value with max_digits10
/// significant digits and reading it back gives the same bits, for `float`, `double`,
/// `long double` and Boost.Multiprecision numbers alike.
///
/// Number grammar accepted (the decimal floating-point literal that C, C++ and Python's float()
/// all read the same way):
///
///     number   := [+-]? mantissa exponent?
///     mantissa := digit+ ( "." digit* )?  |  "." digit+
///     exponent := ( "e" | "E" ) [+-]? digit+
///
/// Hexadecimal floats, digit separators and surrounding blanks are not numbers; `inf`,
/// `infinity` and `nan` (any case, any sign) are recognised only to reject them with a clear
/// message. A value that rounds to zero is read as a zero of the written sign; a value beyond
/// the largest finite number of the type is out of range.

#include <cerrno>
#include <charconv>
#include <clocale>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ios>
#include <limits>
#include <locale>
#include <sstream>
#include <stdexcept>
#include <algorithm>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

#include "krelu/traits.hpp"

namespace krelu::detail {

/// Why a token is not a usable number.
enum class ScalarTextError { none, syntax, not_finite, out_of_range };

inline bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
/// Blank characters between tokens (Python's bytes.split() set, minus the newline).
inline bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r'; }

inline std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

inline bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char c = (a[i] >= 'A' && a[i] <= 'Z') ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (c != b[i]) return false;
  }
  return true;
}

/// The shape of a token that passed the grammar: its sign, whether every mantissa digit is
/// zero, and its decimal magnitude e10 (the value lies in [10^(e10-1), 10^e10)).
struct NumberShape {
  bool negative = false;
  bool zero = false;
  long long magnitude = 0;
};

/// Checks the number grammar given at the top of this file and computes the shape of the token.
inline ScalarTextError number_shape(std::string_view t, NumberShape& shape) {
  shape = NumberShape{};
  if (!t.empty() && (t.front() == '+' || t.front() == '-')) {
    shape.negative = t.front() == '-';
    t.remove_prefix(1);
  }
  if (equals_ignoring_case(t, "inf") || equals_ignoring_case(t, "infinity") || equals_ignoring_case(t, "nan"))
    return ScalarTextError::not_finite;
  if (t.size() >= 4 && equals_ignoring_case(t.substr(0, 4), "nan(") && t.back() == ')')
    return ScalarTextError::not_finite;

  std::size_t i = 0;
  long long integer_digits = 0, digits = 0, first_nonzero = -1;
  for (; i < t.size() && is_ascii_digit(t[i]); ++i, ++integer_digits, ++digits)
    if (first_nonzero < 0 && t[i] != '0') first_nonzero = digits;
  if (i < t.size() && t[i] == '.') {
    ++i;
    for (; i < t.size() && is_ascii_digit(t[i]); ++i, ++digits)
      if (first_nonzero < 0 && t[i] != '0') first_nonzero = digits;
  }
  if (digits == 0) return ScalarTextError::syntax;
  long long exponent = 0;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    bool negative_exponent = false;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) negative_exponent = t[i++] == '-';
    if (i == t.size() || !is_ascii_digit(t[i])) return ScalarTextError::syntax;
    constexpr long long saturation = 1'000'000'000'000'000LL;  // far beyond every type's range
    for (; i < t.size() && is_ascii_digit(t[i]); ++i)
      exponent = exponent >= saturation ? saturation : exponent * 10 + (t[i] - '0');
    if (negative_exponent) exponent = -exponent;
  }
  if (i != t.size()) return ScalarTextError::syntax;
  shape.zero = first_nonzero < 0;
  shape.magnitude = shape.zero ? 0 : integer_digits - first_nonzero + exponent;
  return ScalarTextError::none;
}

/// strtod-family conversion, independent of the C locale's decimal point (the token is
/// rewritten with the locale's point first). Exact: strtof/strtod/strtold round correctly.
template <class Scalar>
ScalarTextError parse_with_strto(std::string_view unsigned_token, Scalar& out) {
  std::string buffer;
  buffer.reserve(unsigned_token.size() + 4);
  const char* point = std::localeconv()->decimal_point;
  for (char c : unsigned_token) {
    if (c == '.')
      buffer += point;
    else
      buffer += c;
  }
  char* end = nullptr;
  errno = 0;
  Scalar value;
  if constexpr (std::is_same_v<Scalar, float>)
    value = std::strtof(buffer.c_str(), &end);
  else if constexpr (std::is_same_v<Scalar, double>)
    value = std::strtod(buffer.c_str(), &end);
  else
    value = std::strtold(buffer.c_str(), &end);
  if (end != buffer.c_str() + buffer.size()) return ScalarTextError::syntax;
  // ERANGE also flags correctly rounded subnormal or zero results; only infinity is an error.
  if (std::isinf(value)) return ScalarTextError::out_of_range;
  out = value;
  return ScalarTextError::none;
}

/// Converts a token to a Scalar exactly (correctly rounded). On error `out` is unchanged.
template <class Scalar>
ScalarTextError parse_scalar(std::string_view token, Scalar& out) {
  NumberShape shape;
  if (const auto e = number_shape(token, shape); e != ScalarTextError::none) return e;
  std::string_view magnitude = token;
  if (magnitude.front() == '+' || magnitude.front() == '-') magnitude.remove_prefix(1);
  Scalar value(0);
  if (!shape.zero) {
    if constexpr (std::is_same_v<Scalar, float> || std::is_same_v<Scalar, double>) {
#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
      const auto [ptr, ec] =
          std::from_chars(magnitude.data(), magnitude.data() + magnitude.size(), value, std::chars_format::general);
      if (ec == std::errc::result_out_of_range) {
        // from_chars reports both overflow and underflow to zero; the magnitude tells which.
        if (shape.magnitude > 0) return ScalarTextError::out_of_range;
        value = Scalar(0);
      } else if (ec != std::errc() || ptr != magnitude.data() + magnitude.size()) {
        return ScalarTextError::syntax;
      }
#else
      if (const auto e = parse_with_strto(magnitude, value); e != ScalarTextError::none) return e;
#endif
    } else if constexpr (std::is_same_v<Scalar, long double>) {
      // std::from_chars(long double) of libstdc++ rejects subnormal results, strtold does not.
      if (const auto e = parse_with_strto(magnitude, value); e != ScalarTextError::none) return e;
    } else {
      static_assert(std::is_constructible_v<Scalar, std::string>,
                    "krelu file formats need Scalar to be float, double, long double or constructible from "
                    "a decimal std::string (as Boost.Multiprecision numbers are)");
      using limits = std::numeric_limits<Scalar>;
      // Guard the type's own parser against exponents far beyond its range (and beyond int).
      // The bounds come from the binary exponents: Boost's min/max_exponent10 do not match
      // its min()/max().
      constexpr long double log10_2 = 0.30102999566398119521L;
      const auto highest = static_cast<long long>(static_cast<long double>(limits::max_exponent) * log10_2) + 2;
      const auto lowest =
          static_cast<long long>((static_cast<long double>(limits::min_exponent) - limits::digits) * log10_2) - 2;
      if (shape.magnitude > highest) return ScalarTextError::out_of_range;
      if (shape.magnitude < lowest) {
        value = Scalar(0);
      } else {
        try {
          value = Scalar(std::string(magnitude));
        } catch (const std::exception&) {
          return ScalarTextError::syntax;
        }
        if (!is_finite(value)) return ScalarTextError::out_of_range;
      }
    }
  }
  out = shape.negative ? Scalar(-value) : value;
  return ScalarTextError::none;
}

/// "'token'", shortened if long, for error messages.
inline std::string quoted(std::string_view token) {
  constexpr std::size_t limit = 40;
  // appended piece by piece: GCC 12 reports a false -Wrestrict on "'" + std::string(...) when inlined
  std::string out;
  out.reserve(std::min(token.size(), limit) + 5);
  out += '\'';
  out += token.substr(0, limit);
  if (token.size() > limit) out += "...";
  out += '\'';
  return out;
}

/// The sentence for a failed conversion of `token`, which is `what` ("field 3 (x1)", "weight").
inline std::string scalar_error_message(ScalarTextError error, std::string_view what, std::string_view token) {
  const std::string subject(what);
  switch (error) {
    case ScalarTextError::syntax:
      return token.empty() ? subject + " is empty" : subject + " " + quoted(token) + " is not a number";
    case ScalarTextError::not_finite:
      return subject + " is " + quoted(token) + ": values must be finite (no NaN or Inf)";
    case ScalarTextError::out_of_range:
      return subject + " " + quoted(token) + " is out of range for the scalar type (it would be infinite)";
    case ScalarTextError::none:
      break;
  }
  return subject + " is invalid";
}

/// printf-based formatting of builtin floating types with a locale-independent decimal point;
/// used where std::to_chars for floating types is not available.
template <class Scalar>
void append_with_printf(std::string& out, Scalar x, int digits) {
  char buffer[128];
  int length;
  if constexpr (std::is_same_v<Scalar, long double>)
    length = std::snprintf(buffer, sizeof buffer, "%.*Lg", digits, x);
  else
    length = std::snprintf(buffer, sizeof buffer, "%.*g", digits, static_cast<double>(x));
  if (length < 0 || length >= static_cast<int>(sizeof buffer)) throw std::runtime_error("number formatting failed");
  const std::string_view point = std::localeconv()->decimal_point;
  const std::string_view text(buffer, static_cast<std::size_t>(length));
  for (std::size_t i = 0; i < text.size();) {
    if (!point.empty() && text.substr(i, point.size()) == point) {
      out += '.';
      i += point.size();
    } else {
      out += text[i++];
    }
  }
}

/// Appends x with NumericTraits<Scalar>::round_trip_digits() significant digits in the shortest
/// of fixed or scientific notation ("%g" style: 1 -> "1", 0.1 -> "0.10000000000000001"), so that
/// parse_scalar gives back the same bits and formatting that again gives the same text.
template <class Scalar>
void append_scalar(std::string& out, const Scalar& x) {
  const int digits = NumericTraits<Scalar>::round_trip_digits();
  if constexpr (std::is_same_v<Scalar, float> || std::is_same_v<Scalar, double> ||
                std::is_same_v<Scalar, long double>) {
#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
    char buffer[128];
    const auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, x, std::chars_format::general, digits);
    if (ec != std::errc()) throw std::runtime_error("number formatting failed");
    out.append(buffer, ptr);
#else
    append_with_printf(out, x, digits);
#endif
  } else if constexpr (requires { x.str(digits, std::ios_base::fmtflags{}); }) {
    out += x.str(digits, std::ios_base::fmtflags{});  // Boost.Multiprecision: general format
  } else {
    std::ostringstream s;
    s.imbue(std::locale::classic());
    s.precision(digits);
    s << x;
    out += s.str();
  }
}

template <class Scalar>
std::string format_scalar(const Scalar& x) {
  std::string s;
  append_scalar(s, x);
  return s;
}

/// True for +0 (not -0): the only value a sparse row may leave out without losing bits.
template <class Scalar>
bool is_positive_zero(const Scalar& x) {
  using std::signbit;
  return x == Scalar(0) && !signbit(x);
}

}  // namespace krelu::detail
