// densest_subgraph_gap: the constants of Lemma 14 (Densest kappa-Subgraph -> bounded 1-ReLU) in
// 50-digit arithmetic. The gap epsilon between the YES bound OPT and the NO bound OPT + epsilon is
// about 1e-8 of OPT ~ 1e-11, i.e. ~1e-19 of the losses' natural scale (the mean squared label ~1/2):
// in double a loss of OPT and one of OPT + epsilon are the same number. The paper says
// epsilon > 0 "for N large enough"; in the best case (kappa = N, ell = M) the closed forms give
//   epsilon > 0  <=>  N > N* = (2 sqrt2 ((1-gamma)/8 + gamma/32) / gamma)^2,   gamma = 1/(1000 d),
// i.e. N* ~ 5e5 for d = 2 and ~1.13e6 for d = 3 (ERRATA, Lemma 14): at every smaller N the instance
// separates nothing. The program prints delta, gamma, zeta, OPT, epsilon for N = 10^2 .. 10^7, finds
// the sign change by bisection on the library's constants, and compares it with N*. Then one small
// instance: its witness network's loss, computed in 50 digits, against OPT.
//
//   build/examples/densest_subgraph_gap
//
// Exits 1 if epsilon does not change sign where the closed form says, or the witness loss exceeds OPT.
#include <krelu/krelu.hpp>

#include <cstdint>
#include <cstdio>
#include <iomanip>
#include <limits>
#include <random>
#include <sstream>
#include <string>

#ifdef KRELU_HAVE_BOOST
#include <boost/multiprecision/cpp_bin_float.hpp>
using Real = boost::multiprecision::number<boost::multiprecision::cpp_bin_float<50>, boost::multiprecision::et_off>;
static const char* const kPrecision = "50 decimal digits (boost cpp_bin_float<50>)";
#else
using Real = long double;  // without Boost: about 19 digits, still enough for the sign of epsilon
static const char* const kPrecision = "long double (Boost not found)";
#endif

namespace kp = krelu::problems;
namespace kr = krelu::reductions;

namespace {

std::string show(const Real& x, int digits = 6) {
  std::ostringstream o;
  o << std::scientific << std::setprecision(digits) << x;
  return o.str();
}

// The best case of the lemma for a d-regular graph: kappa = N, ell = M = d N / 2.
kr::DensestSubgraphConstants<Real> best_case(std::int64_t N, int d) {
  const std::int64_t M = d * N / 2;
  return kr::densest_subgraph_constants<Real>(N, M, d, N, M);
}

// Smallest even N with epsilon > 0 (epsilon is increasing in N in the best case), by bisection.
std::int64_t sign_change(int d) {
  std::int64_t lo = 2, hi = 100'000'000;  // epsilon(lo) <= 0 < epsilon(hi)
  while (hi - lo > 2) {
    const std::int64_t mid = (lo + hi) / 4 * 2;
    (best_case(mid, d).epsilon > 0 ? hi : lo) = mid;
  }
  return hi;
}

}  // namespace

int main() {
  using std::abs;
  using std::sqrt;
  int failures = 0;
  auto check = [&](bool ok, const std::string& what) {
    if (!ok) std::printf("FAILED: %s\n", what.c_str());
    failures += !ok;
  };
  std::printf("Lemma 14 constants in %s, best case kappa = N, ell = M = dN/2\n\n", kPrecision);
  for (int d = 2; d <= 3; ++d) {
    std::printf("d = %d\n%10s %12s %12s %12s %14s %15s %12s\n", d, "N", "delta", "gamma", "zeta", "OPT", "epsilon",
                "eps/OPT");
    const Real gamma = Real(1) / (Real(1000) * d);
    const Real root = Real(2) * sqrt(Real(2)) * ((Real(1) - gamma) / 8 + gamma / 32) / gamma;
    const Real threshold = root * root;  // N*: epsilon > 0 iff N > N*
    for (std::int64_t N = 100; N <= 10'000'000; N *= 10) {
      const auto c = best_case(N, d);
      std::printf("%10lld %12s %12s %12s %14s %15s %12s\n", static_cast<long long>(N), show(c.delta, 4).c_str(),
                  show(c.gamma, 4).c_str(), show(c.zeta, 4).c_str(), show(c.OPT, 6).c_str(), show(c.epsilon, 6).c_str(),
                  show(c.epsilon / c.OPT, 3).c_str());
      check((c.epsilon > 0) == (Real(N) > threshold), std::string("sign of epsilon at N = ").append(std::to_string(N)));
    }
    const std::int64_t found = sign_change(d);
    std::printf("epsilon > 0 from N = %lld on (bisection on the library's constants); closed form N* = %s\n\n",
                static_cast<long long>(found), show(threshold, 8).c_str());
    check(Real(found) > threshold && Real(found - 2) <= threshold, "bisection agrees with the closed form N*");
  }

  // One small instance: a planted 12-set with 16 induced edges in a graph of maximum degree 3,
  // asked for ell = 14 edges (a YES instance: the witness's loss is below OPT).
  std::mt19937_64 rng(3);
  const auto planted = kp::planted_dense_subgraph(60, 3, 12, 16, 50, rng);
  const auto red = kr::reduce<Real>(planted.graph, 12, 14);  // kappa = 12, ell = 14
  const auto net = kr::witness(red, planted.planted);        // w_* = 1/sqrt2, w_v = sqrt2 delta on T
  const Real L = krelu::loss(net, red.samples);
  const Real predicted = kr::predicted_loss(red, planted.planted);
  const Real OPT = red.constant("OPT"), eps = red.constant("epsilon");
  const auto sound = kr::soundness_analysis(red, net);
  std::printf("small instance: N = %lld, M = %lld, d = %lld, kappa = 12, ell = 14, |E(T)| = %d\n",
              static_cast<long long>(static_cast<double>(red.constant("N"))),
              static_cast<long long>(static_cast<double>(red.constant("M"))),
              static_cast<long long>(static_cast<double>(red.constant("d"))),
              kp::edges_within(planted.graph, planted.planted));
  std::printf(
      "  witness loss  %s\n  predicted     %s\n  OPT           %s\n  OPT - loss    %s\n"
      "  epsilon       %s   (negative: at this size the lemma separates nothing)\n"
      "  soundness lower bound on the witness's loss %s\n",
      show(L, 25).c_str(), show(predicted, 25).c_str(), show(OPT, 25).c_str(), show(OPT - L, 6).c_str(),
      show(eps, 6).c_str(), show(sound.lower_bound, 12).c_str());
  check(abs(L - predicted) <= Real(1e4) * std::numeric_limits<Real>::epsilon() * predicted, "witness loss = predicted");
  check(L <= OPT, "witness loss <= OPT (completeness)");
  check(sound.lower_bound <= L, "soundness lower bound <= loss");
  check(kr::decode(red, net) == planted.planted, "decoder returns the planted set");
  std::printf("%s\n", failures == 0 ? "all checks hold" : "SOME CHECKS FAILED");
  return failures == 0 ? 0 : 1;
}
