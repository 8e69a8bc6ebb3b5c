#pragma once
// Shared helpers of the file-format tests: bitwise comparison of scalars and sample sets,
// random values spanning the whole range of a type, random sample sets, scratch files.

#include <catch2/catch.hpp>
#include <krelu/io/files.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <unistd.h>

#if KRELU_HAVE_BOOST
#include <boost/multiprecision/cpp_bin_float.hpp>
namespace iotest {
/// 50 significant decimal digits, expression templates off (as krelu requires).
using Boost50 = boost::multiprecision::number<boost::multiprecision::cpp_bin_float<50>, boost::multiprecision::et_off>;
}  // namespace iotest
#define KRELU_IO_SCALARS double, long double, iotest::Boost50
#else
#define KRELU_IO_SCALARS double, long double
#endif

namespace iotest {

/// Same value and same sign of zero, compared through the bits for builtin types.
template <class Scalar>
bool same_bits(const Scalar& a, const Scalar& b) {
  if constexpr (std::is_same_v<Scalar, double>) {
    return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
  } else if constexpr (std::is_same_v<Scalar, float>) {
    return std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b);
  } else if constexpr (std::is_same_v<Scalar, long double>) {
    // x87 extended precision: 10 significant bytes, the rest is padding.
    constexpr std::size_t bytes = std::numeric_limits<long double>::digits == 64 ? 10 : sizeof(long double);
    unsigned char ba[sizeof(long double)], bb[sizeof(long double)];
    std::memcpy(ba, &a, sizeof a);
    std::memcpy(bb, &b, sizeof b);
    return std::memcmp(ba, bb, bytes) == 0;
  } else {
    // Boost cpp_bin_float keeps normalised (mantissa, exponent, sign): equal values with the
    // same sign have the same representation.
    using std::signbit;
    return a == b && signbit(a) == signbit(b);
  }
}

template <class Scalar>
std::string show(const Scalar& x) {
  return krelu::detail::format_scalar(x);
}

/// A random value of the type: full-precision mantissas with decimal magnitudes between
/// 1e-300 and 1e300, both zeros, subnormals (where the type has them), the extremes of the
/// type and small integers.
template <class Scalar>
Scalar random_value(std::mt19937_64& rng) {
  using limits = std::numeric_limits<Scalar>;
  using std::ldexp;
  const auto kind = rng() % 20;
  if (kind == 0) return Scalar(0);
  if (kind == 1) return -Scalar(0);
  if (kind == 2) return Scalar(static_cast<int>(rng() % 11) - 5);
  if (kind == 3) {
    const Scalar extremes[] = {limits::max(), limits::lowest(), limits::min(), -limits::min(), limits::epsilon()};
    return extremes[rng() % 5];
  }
  if (kind == 4) {
    if constexpr (limits::has_denorm == std::denorm_present) {
      const Scalar tiny = limits::denorm_min() * Scalar(static_cast<double>(1 + rng() % 1000000));
      return (rng() % 2) ? tiny : -tiny;
    }
  }
  // Mantissa with more random bits than the type holds, then a binary exponent giving
  // 1e-300 .. 1e300 (2^-996 .. 2^996).
  const int chunks = limits::digits / 52 + 2;
  Scalar m(0);
  for (int c = 0; c < chunks; ++c) m = ldexp(m, 52) + Scalar(static_cast<double>(rng() >> 12));
  const int exponent = static_cast<int>(rng() % 1993) - 996;
  Scalar x = ldexp(m, exponent - 52 * chunks);
  return (rng() % 2) ? x : Scalar(-x);
}

/// A random dense input matrix with about `zero_fraction` exact zeros (some of them -0).
template <class Scalar>
Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> random_inputs(Eigen::Index m, Eigen::Index n, double zero_fraction,
                                                                    std::mt19937_64& rng) {
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> x(m, n);
  std::uniform_real_distribution<double> u(0, 1);
  for (Eigen::Index i = 0; i < m; ++i)
    for (Eigen::Index j = 0; j < n; ++j) {
      if (u(rng) < zero_fraction)
        x(i, j) = (rng() % 4 == 0) ? -Scalar(0) : Scalar(0);
      else
        x(i, j) = random_value<Scalar>(rng);
    }
  return x;
}

/// A random positive finite weight: 1 for about a third of the samples, else a random
/// magnitude (including subnormal ones).
template <class Scalar>
Scalar random_weight(std::mt19937_64& rng) {
  using std::abs;
  if (rng() % 3 == 0) return Scalar(1);
  for (;;) {
    const Scalar w = abs(random_value<Scalar>(rng));
    if (w > Scalar(0)) return w;
  }
}

/// A random sample set; the sparse version keeps the -0 entries of the dense one.
template <class Scalar, class Storage>
krelu::SampleSet<Scalar, Storage> random_set(Eigen::Index m, Eigen::Index n, double zero_fraction,
                                             std::mt19937_64& rng) {
  using Set = krelu::SampleSet<Scalar, Storage>;
  const auto x = random_inputs<Scalar>(m, n, zero_fraction, rng);
  typename Set::Vector y(m), c(m);
  for (Eigen::Index i = 0; i < m; ++i) {
    y(i) = random_value<Scalar>(rng);
    c(i) = random_weight<Scalar>(rng);
  }
  typename Set::InputMatrix inputs;
  if constexpr (Set::is_sparse) {
    std::vector<Eigen::Triplet<Scalar>> entries;
    for (Eigen::Index i = 0; i < m; ++i)
      for (Eigen::Index j = 0; j < n; ++j)
        if (!krelu::detail::is_positive_zero(x(i, j))) entries.emplace_back(i, j, x(i, j));
    inputs.resize(m, n);
    inputs.setFromTriplets(entries.begin(), entries.end());
  } else {
    inputs = x;
  }
  Set s(n);
  s.assign(std::move(inputs), y, c);
  return s;
}

/// x_{ij} of any set (+0 where a sparse set stores nothing).
template <class Scalar, class Storage>
Scalar entry(const krelu::SampleSet<Scalar, Storage>& s, Eigen::Index i, Eigen::Index j) {
  if constexpr (krelu::is_sparse_storage_v<Storage>)
    return s.inputs().coeff(i, j);
  else
    return s.inputs()(i, j);
}

/// True if both sets hold the same samples, bit for bit (storage may differ).
template <class Scalar, class StorageA, class StorageB>
bool same_samples(const krelu::SampleSet<Scalar, StorageA>& a, const krelu::SampleSet<Scalar, StorageB>& b) {
  if (a.size() != b.size() || a.dim() != b.dim()) return false;
  for (Eigen::Index i = 0; i < a.size(); ++i) {
    if (!same_bits(a.label(i), b.label(i)) || !same_bits(a.weight(i), b.weight(i))) return false;
    for (Eigen::Index j = 0; j < a.dim(); ++j)
      if (!same_bits(entry(a, i, j), entry(b, i, j))) return false;
  }
  return true;
}

template <class Scalar>
bool same_network(const krelu::Network<Scalar>& a, const krelu::Network<Scalar>& b) {
  if (a.units() != b.units() || a.dim() != b.dim()) return false;
  for (Eigen::Index j = 0; j < a.units(); ++j) {
    if (!same_bits(a.signs()(j), b.signs()(j))) return false;
    for (Eigen::Index l = 0; l < a.dim(); ++l)
      if (!same_bits(a.weights()(j, l), b.weights()(j, l))) return false;
  }
  return true;
}

/// A fresh path in this process's scratch directory. ctest runs every test case as its own process, in
/// parallel, so a directory shared between processes would let two cases overwrite each other's files.
inline std::filesystem::path scratch_path(const std::string& file_name) {
  const std::filesystem::path dir =
      std::filesystem::path(KRELU_TEST_TMP_DIR) / "io" / ("pid" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto p = dir / file_name;
  std::filesystem::remove(p);
  return p;
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

inline std::filesystem::path data_path(const std::string& name) {
  return std::filesystem::path(KRELU_TEST_DATA_DIR) / "io" / name;
}

/// Splits text into lines (without the '\n').
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

inline std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

/// Runs `read` and returns the ParseError it throws (fails the test if it throws nothing or
/// something else).
template <class F>
krelu::ParseError parse_error_of(F&& read) {
  try {
    read();
  } catch (const krelu::ParseError& e) {
    return e;
  } catch (const std::exception& e) {
    FAIL("expected krelu::ParseError, got another exception: " << e.what());
  }
  FAIL("expected krelu::ParseError, nothing was thrown");
  return krelu::ParseError("", 0, 0, "");
}

}  // namespace iotest
