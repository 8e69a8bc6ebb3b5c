// paper_claims: every quantitative claim of Goel, Klivans, Manurangsi, Reichman, "Tight Hardness
// Results for Training Depth-2 ReLU Networks" that krelu encodes, checked on seeded instance
// families. One row per claim: the claim, the instances, how many, the measured value, the expected
// outcome and whether it was met. Where the paper as printed is wrong (docs/errata.md), the row
// tests the printed form and its expected outcome is "fails": the program shows the true behaviour
// rather than hiding it. A row whose outcome differs from the expected one says UNEXPECTED.
//
//   build/examples/paper_claims
//
// Exit code 0 iff every row has its expected outcome.
#include <krelu/krelu.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#ifdef KRELU_HAVE_BOOST
#include <boost/multiprecision/cpp_bin_float.hpp>
using Real = boost::multiprecision::number<boost::multiprecision::cpp_bin_float<50>, boost::multiprecision::et_off>;
static const char* const kRealName = "50 digits";
#else
using Real = long double;
static const char* const kRealName = "long double";
#endif

namespace kp = krelu::problems;
namespace kr = krelu::reductions;

namespace {

struct Row {
  std::string claim, family;
  int count = 0;
  std::string measured;
  bool expected = true;  // the outcome the claim should have (false: the paper as printed is wrong)
  bool holds = true;
  std::string errata;  // docs/errata.md entry, where the paper is corrected
};

std::vector<Row> rows;

template <class T>
std::string num(const T& x, int digits = 3) {
  std::ostringstream o;
  o << std::scientific << std::setprecision(digits) << x;
  return o.str();
}

// Concatenation through a stream (GCC 12 warns falsely on some "literal" + std::string).
template <class... Parts>
std::string cat(const Parts&... parts) {
  std::ostringstream o;
  (o << ... << parts);
  return o.str();
}

krelu::TrainResult<double> train(const krelu::SampleSet<double, krelu::Sparse>& s, int units, krelu::Signs signs,
                                 std::optional<double> radius, double seconds = 10) {
  krelu::TrainOptions<double> o;
  o.units = units;
  o.signs = std::move(signs);
  o.radius = radius;
  o.method = krelu::Method::branch_and_bound;
  o.time_limit_seconds = seconds;
  return krelu::train_exact(s, o);
}

bool optimal(const krelu::TrainResult<double>& r) { return r.status == krelu::Status::optimal; }

// A claim "optimum >= bound" is proven by the search's lower bound, also when a budget stopped it,
// up to the certificate's relative tolerance 1e-9 (tight claims such as tau = 1/2 meet it exactly).
bool proves_at_least(const krelu::TrainResult<double>& r, double bound) {
  return r.status != krelu::Status::numerical_issue && r.status != krelu::Status::cancelled &&
         r.lower_bound >= bound * (1 - 1e-9);
}

// ---------------------------------------------------------------- Theorem 8 (App. B)
void set_cover_claims() {
  const int count = 5;
  double witness_dev = 0, optimum_dev = 0;
  int decoded_ok = 0, certified = 0;
  for (int seed = 1; seed <= count; ++seed) {
    std::mt19937_64 rng(static_cast<std::uint64_t>(seed));
    const auto sc = kp::random_set_cover(10 + seed, 6 + seed % 4, 0.25, rng);
    const auto red = kr::reduce(sc);
    const double g2 = red.constant("gamma") * red.constant("gamma");
    const auto best = kp::solve_exact(sc);
    for (const auto& cover : {best, kp::greedy_cover(sc)}) {  // any cover of t sets: total error t gamma^2
      const double t = static_cast<double>(cover.size());
      witness_dev =
          std::max(witness_dev, std::abs(krelu::total_loss(kr::witness(red, cover), red.samples) / (t * g2) - 1));
    }
    const auto r = train(red.samples, 1, krelu::Signs::fixed({1}), std::nullopt);
    certified += optimal(r);
    const double opt = static_cast<double>(best.size());
    optimum_dev = std::max(optimum_dev, std::abs(r.loss * red.samples.total_weight() / (g2 * opt) - 1));
    const auto back = kr::decode(red, r.network);
    decoded_ok += sc.is_cover(back) && back.size() == best.size() && kr::decode(red, kr::witness(red, best)) == best;
  }
  const std::string fam = "random Set Cover |U|=11..15, M=6..9";
  rows.push_back({"Thm 8: witness of a t-cover has total error t gamma^2", cat(fam, " (opt+greedy)"), 2 * count,
                  cat("max rel dev ", num(witness_dev)), true, witness_dev < 1e-12, "Thm 8 samples in {0,1}^n"});
  rows.push_back({"Thm 8: optimum total error = OPT gamma^2", fam, count,
                  cat("max rel dev ", num(optimum_dev), ", ", certified, " certified"), true,
                  optimum_dev < 1e-6 && certified == count, "Thm 8 min loss interval"});
  rows.push_back({"Thm 8: decoder {T_i: w_Ti < -w_gamma} gives a min cover", fam, count,
                  cat(decoded_ok, "/", count, " covers of size OPT"), true, decoded_ok == count, ""});
}

// ---------------------------------------------------------------- Theorem 11 (App. B.1)
void circuit_claims() {
  const int count = 5;
  double witness_dev = 0, optimum_dev = 0;
  int decoded_ok = 0, certified = 0;
  for (int seed = 1; seed <= count; ++seed) {
    std::mt19937_64 rng(static_cast<std::uint64_t>(seed) + 100);
    const int depth = 1 + seed % 3;
    const auto c = kp::random_monotone_circuit(7, depth, 4 + seed % 3, rng);
    const auto red = kr::reduce(c);
    const double g2 = red.constant("gamma") * red.constant("gamma");
    const auto best = kp::solve_exact(c);
    const std::vector<bool> all_true(static_cast<std::size_t>(c.num_inputs()), true);
    for (const auto& a : {best, all_true}) {
      const double t = kp::count_true(a);
      witness_dev = std::max(witness_dev, std::abs(krelu::total_loss(kr::witness(red, a), red.samples) / (t * g2) - 1));
    }
    const auto r = train(red.samples, 1, krelu::Signs::fixed({1}), std::nullopt);
    certified += optimal(r);
    const double opt = kp::count_true(best);
    optimum_dev = std::max(optimum_dev, std::abs(r.loss * red.samples.total_weight() / (g2 * opt) - 1));
    const auto back = kr::decode(red, r.network);
    decoded_ok += c.evaluate(back) && kp::count_true(back) == kp::count_true(best);
  }
  const std::string fam = "random circuits, 7 inputs, depth 1-3";
  rows.push_back({"Thm 11: witness of t TRUE inputs has total error t gamma^2", cat(fam, " (opt+all)"), 2 * count,
                  cat("max rel dev ", num(witness_dev)), true, witness_dev < 1e-12, "Thm 11 x in {-1,0,1}^n"});
  rows.push_back({"Thm 11: optimum total error = OPT gamma^2", fam, count,
                  cat("max rel dev ", num(optimum_dev), ", ", certified, " certified"), true,
                  optimum_dev < 1e-6 && certified == count, "Thm 11 |C|, l, OPT gamma^2"});
  rows.push_back({"Thm 11: decoder (w_i >= w_gamma) satisfies C with OPT TRUE", fam, count,
                  cat(decoded_ok, "/", count, " minimum assignments"), true, decoded_ok == count,
                  "Thm 11 w_epsilon = w_gamma"});
}

// ---------------------------------------------------------------- Lemma 14 (App. C.1)
void densest_subgraph_claims() {
  using std::abs;
  const int count = 4;
  Real formula_dev(0), margin(1);
  int decoded_ok = 0, negative_eps = 0;
  Real sound_margin(1);
  int sound_checked = 0;
  for (int seed = 1; seed <= count; ++seed) {
    std::mt19937_64 rng(static_cast<std::uint64_t>(seed));
    const int kappa = 8 + 2 * seed, ell = kappa;  // kappa + 2 edges are planted: a YES instance
    const auto planted = kp::planted_dense_subgraph(40 + 5 * seed, 3, kappa, kappa + 2, 30 + 5 * seed, rng);
    const auto red = kr::reduce<Real>(planted.graph, kappa, ell);
    const auto net = kr::witness(red, planted.planted);
    const Real L = krelu::loss(net, red.samples), P = kr::predicted_loss(red, planted.planted);
    const Real OPT = red.constant("OPT");
    formula_dev = std::max(formula_dev, Real(abs(L - P) / P));
    margin = std::min(margin, Real((OPT - L) / OPT));
    decoded_ok += kr::decode(red, net) == planted.planted;
    negative_eps += red.constant("epsilon") < Real(0);
    // Soundness analysis: its lower bound holds for every w in the unit ball (random points, the
    // witness, and the witness shrunk towards 0).
    std::normal_distribution<double> g;
    for (int trial = 0; trial < 6; ++trial) {
      krelu::Network<Real>::Vector w(red.samples.dim());
      if (trial < 3) {
        for (Eigen::Index i = 0; i < w.size(); ++i) w(i) = Real(g(rng));
        w /= Real(w.norm() * Real(1 + trial));
      } else {
        w = net.weights().row(0).transpose() * Real(1.0 - 0.2 * (trial - 3));
      }
      const auto candidate = krelu::Network<Real>::single(w);
      const Real loss = krelu::loss(candidate, red.samples);
      const auto s = kr::soundness_analysis(red, candidate);
      sound_margin = std::min(sound_margin, Real((loss - s.lower_bound) / loss));
      ++sound_checked;
    }
  }
  const std::string fam = cat("planted DkS, N=45..60, d<=3 (", kRealName, ")");
  rows.push_back({"Lemma 14: witness loss = proof's formula", fam, count, cat("max rel dev ", num(formula_dev)), true,
                  formula_dev < Real(1e4) * std::numeric_limits<Real>::epsilon(), "Lemma 14 edge sample"});
  rows.push_back({"Lemma 14: completeness |E(T)|>=ell => loss <= OPT, decode=T", fam, count,
                  cat("min (OPT-loss)/OPT ", num(margin), ", ", decoded_ok, " decoded"), true,
                  margin > Real(0) && decoded_ok == count, ""});
  rows.push_back({"Lemma 14: soundness_analysis bound <= loss on the ball", fam, sound_checked,
                  cat("min (loss-bound)/loss ", num(sound_margin)), true, sound_margin >= Real(0),
                  "Lemma 14 zeta, step (15)"});

  // epsilon > 0 iff N > N* (best case kappa = N, ell = M = dN/2), at N = 10^2 .. 10^7, d = 2, 3.
  int agree = 0, cases = 0, positive_small = 0, small_cases = 0;
  std::string thresholds;
  for (int d = 2; d <= 3; ++d) {
    using std::sqrt;
    const Real gamma = Real(1) / (Real(1000) * d);
    const Real root = Real(2) * sqrt(Real(2)) * ((Real(1) - gamma) / 8 + gamma / 32) / gamma;
    const Real threshold = root * root;
    thresholds += cat(thresholds.empty() ? "" : ", ", "d=", d, ": N*=", num(threshold, 2));
    for (std::int64_t N = 100; N <= 10'000'000; N *= 10) {
      const auto c = kr::densest_subgraph_constants<Real>(N, d * N / 2, d, N, d * N / 2);
      agree += (c.epsilon > Real(0)) == (Real(N) > threshold);
      ++cases;
      if (N <= 100'000) {
        positive_small += c.epsilon > Real(0);
        ++small_cases;
      }
    }
  }
  rows.push_back({"Lemma 14: epsilon > 0 iff N > N* (closed form)", "kappa=N, ell=M, N=1e2..1e7", cases,
                  cat(agree, " agree; ", thresholds), true, agree == cases, "Lemma 14 epsilon"});
  rows.push_back({"Lemma 14: epsilon > 0 at buildable sizes (paper: N large)", "best case N<=1e5 + planted",
                  small_cases + count,
                  cat(positive_small, " positive (best case), ", count - negative_eps, " positive (planted)"), false,
                  positive_small + (count - negative_eps) == small_cases + count, "Lemma 14 epsilon"});
  // The domain: with kappa = 1 the edge sample 1/2 (e_u + e_v - 3.5 delta e_*) has norm > 1.
  {
    using std::sqrt;
    const double delta = 1.0 / (2.0 * std::sqrt(1.0));
    const double norm = 0.5 * std::sqrt(2.0 + 3.5 * delta * 3.5 * delta);
    rows.push_back({"Lemma 14: samples in the unit ball for every kappa", "kappa = 1 (formula)", 1,
                    cat("edge sample norm ", num(norm, 4)), false, norm <= 1.0, "Lemma 14 domain"});
  }
}

// ---------------------------------------------------------------- Lemma 17 (App. D) and D.1
void coloring_claims() {
  // Proper colouring -> loss exactly 0 (corrected witness); the printed witness 1/(t sqrt n) does not fit.
  const int count = 6;
  double max_loss = 0, min_printed = std::numeric_limits<double>::infinity();
  int decoded_ok = 0;
  for (int seed = 1; seed <= count; ++seed) {
    const int k = 2 + seed % 2;
    const auto p = kp::planted_colorable_hypergraph(7 + seed, 8 + seed, 2, 3, k, static_cast<std::uint64_t>(seed));
    const auto red = kr::reduce(p.hypergraph, k);
    const auto net = kr::witness(red, p.coloring);
    max_loss = std::max(max_loss, krelu::loss(net, red.samples));
    const auto back = kr::decode(red, net);
    decoded_ok += back.coloring == p.coloring && back.proper;
    // The printed witness: 1/(t sqrt n) on the colour class, -1/sqrt n elsewhere.
    const double t = red.constant("t"), n = red.constant("n");
    Eigen::MatrixXd W(k, p.hypergraph.vertices());
    for (int a = 0; a < k; ++a)
      for (int i = 0; i < W.cols(); ++i)
        W(a, i) = p.coloring[static_cast<std::size_t>(i)] == a ? 1.0 / (t * std::sqrt(n)) : -1.0 / std::sqrt(n);
    min_printed = std::min(min_printed, krelu::loss(krelu::Network<double>(W, Eigen::VectorXd::Ones(k)), red.samples));
  }
  const std::string fam = "planted k-col, k=2,3, 8-13 v";
  rows.push_back({"Lemma 17: proper colouring -> witness loss 0", fam, count, cat("max loss ", num(max_loss)), true,
                  max_loss == 0.0, "Lemma 17 witness"});
  rows.push_back({"Lemma 17 as printed: w = 1/(t sqrt n) fits exactly", fam, count, cat("min loss ", num(min_printed)),
                  false, min_printed == 0.0, "Lemma 17 witness"});

  // Exact training on colourable instances finds 0 and decodes to a proper colouring.
  int trained_ok = 0;
  const int trained = 3;
  for (int seed = 1; seed <= trained; ++seed) {
    const auto p = kp::planted_colorable_hypergraph(6 + seed, 6 + seed, 2, 3, 2, static_cast<std::uint64_t>(seed + 50));
    const auto red = kr::reduce(p.hypergraph, 2);
    const auto r = train(red.samples, 2, krelu::Signs::all_plus(), 1.0);
    trained_ok += optimal(r) && r.loss <= 1e-20 && kr::decode(red, r.network).proper;
  }
  rows.push_back({"Lemma 17: decoder on trained optimum is proper", "planted 2-col, 7-9 v", trained + count,
                  cat(trained_ok, "/", trained, " trained, ", decoded_ok, "/", count, " witnesses"), true,
                  trained_ok == trained && decoded_ok == count, ""});

  // Non-colourable -> every sum of k ReLUs has loss > epsilon = 1/(100 k^2 t^5 n M).
  struct Hard {
    kp::Hypergraph h;
    int k;
  };
  const std::vector<Hard> hard = {{kp::Hypergraph(3, {{0, 1}, {1, 2}, {0, 2}}), 2},
                                  {kp::Hypergraph(5, {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {0, 4}}), 2},
                                  {kp::random_uniform_hypergraph(5, 10, 3, std::uint64_t{0}), 2},
                                  {kp::Hypergraph(4, {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}}), 3}};
  double min_ratio = std::numeric_limits<double>::infinity();
  int hard_ok = 0;
  for (const auto& [h, k] : hard) {
    const auto red = kr::reduce(h, k);
    const auto r = train(red.samples, k, krelu::Signs::all_plus(), 1.0);
    const bool non_colourable = !kp::color_exact(h, k).has_value();
    min_ratio = std::min(min_ratio, r.lower_bound / red.constant("epsilon"));
    hard_ok += non_colourable && proves_at_least(r, red.constant("epsilon"));
  }
  rows.push_back({"Lemma 17: not k-colourable -> optimum > epsilon", "C3, C5, K5^(3) (k=2), K4 (k=3)",
                  static_cast<int>(hard.size()), cat("min optimum/epsilon ", num(min_ratio)), true,
                  hard_ok == static_cast<int>(hard.size()), "Lemma 17 m = sum deg + |E|"});

  // App. D.1: padding 2-colouring -> k-colouring, on random hypergraphs with 6 vertices.
  int printed_keeps = 0, printed_cases = 0, fixed_keeps = 0, fixed_cases = 0, non2 = 0;
  for (int seed = 0; seed < 8; ++seed) {
    // Alternately a random graph (odd cycles make many of them non-2-colourable) and a random 3-uniform one.
    const auto h = seed % 2 ? kp::random_uniform_hypergraph(6, 6 + seed % 3, 2, static_cast<std::uint64_t>(seed))
                            : kp::random_uniform_hypergraph(6, 9 + seed % 5, 3, static_cast<std::uint64_t>(seed));
    const bool col2 = kp::color_exact(h, 2).has_value();
    non2 += !col2;
    for (int k = 3; k <= 4; ++k) {
      fixed_keeps += col2 == kp::color_exact(kp::pad_coloring(h, k), k).has_value();
      ++fixed_cases;
      if (!col2) {  // the printed padding should keep a non-2-colourable h non-k-colourable
        printed_keeps += !kp::color_exact(kp::pad_coloring_printed(h, k), k).has_value();
        ++printed_cases;
      }
    }
  }
  const auto k5 = kp::random_uniform_hypergraph(5, 10, 3, std::uint64_t{0});  // K5^(3): not 2-colourable
  for (int k = 3; k <= 4; ++k) {
    printed_keeps += !kp::color_exact(kp::pad_coloring_printed(k5, k), k).has_value();
    ++printed_cases;
  }
  rows.push_back({"App. D.1 printed padding keeps non-colourability", "K5^(3) + random, k=3,4", printed_cases,
                  cat(printed_keeps, "/", printed_cases, " stay non-colourable"), false, printed_keeps == printed_cases,
                  "App. D.1 padding"});
  rows.push_back({"App. D.1 corrected padding: 2-col(h) iff k-col(pad)", "random graphs + 3-unif., 6 v, k=3,4",
                  fixed_cases, cat(fixed_keeps, "/", fixed_cases, " agree (", non2, "/8 h not 2-col)"), true,
                  fixed_keeps == fixed_cases, "App. D.1 padding"});
}

// ---------------------------------------------------------------- Lemma 21 and Theorem 4 (App. E)
void gadget_claims() {
  kr::SignGadgetOptions general;
  general.construction = kr::GadgetConstruction::general;
  int ok = 0, n = 0;
  double min_ratio = std::numeric_limits<double>::infinity();
  std::string taus;
  for (const auto& g : {kr::sign_gadget(2, 0), kr::sign_gadget(2, 1, general), kr::sign_gadget(2, 2, general)}) {
    const double tau = g.constant("tau");
    // 0.5 s per search: the general gadget's (+,-) search is long, but its bound passes tau at once.
    const auto plus = train(g.samples, 2, krelu::Signs::fixed({1, 1}), g.radius, 0.5);
    const auto mixed = train(g.samples, 2, krelu::Signs::fixed({1, -1}), g.radius, 0.5);
    const auto minus = train(g.samples, 2, krelu::Signs::fixed({-1, -1}), g.radius, 0.5);
    min_ratio = std::min({min_ratio, mixed.lower_bound / tau, minus.lower_bound / tau});
    ok += plus.loss <= 1e-20 && krelu::loss(kr::witness(g), g.samples) == 0.0 && proves_at_least(mixed, tau) &&
          proves_at_least(minus, tau);
    ++n;
    taus += cat(taus.empty() ? "" : ",", num(tau, 1));
  }
  const auto g3 = kr::sign_gadget(3, 1);
  const bool g3_ok = g3.constant("tau") > 0 && krelu::loss(kr::witness(g3), g3.samples) == 0.0;
  rows.push_back({"Lemma 21: gadget (+,+) -> 0, a sign -1 -> >= tau", "k=2 two-point + 2 general", n,
                  cat("min opt/tau ", num(min_ratio), " (tau ", taus, ")"), true, ok == n, "Lemma 21 distance, sigma"});
  rows.push_back({"Lemma 21: k=3 gadget in general position, witness 0", "k=3 general, 168 points", 1,
                  cat("tau ", num(static_cast<double>(g3.constant("tau")))), true, g3_ok, "Lemma 21"});

  // Theorem 4: L(composed; W, a) = (L(2W, a; S) + L(2W~, a; S~)) / 8 on random networks, then the
  // certified optima of composed instances.
  double identity_dev = 0, min_mixed = std::numeric_limits<double>::infinity(), max_mixed_printed = 0;
  int composed_ok = 0;
  const int count = 3;  // inner instances below
  std::mt19937_64 rng(4);
  std::normal_distribution<double> gauss;
  // Small colourable inner instances: the (+,-) search on the composed instance grows fast with n
  // (0.03 s for a path, ~1 s for 5 vertices, ~6 s for 6).
  const std::vector<kp::PlantedHypergraph> inner = {
      {kp::Hypergraph(3, {{0, 1}, {1, 2}}), {0, 1, 0}},
      {kp::Hypergraph(4, {{0, 1}, {1, 2}, {2, 3}, {0, 3}}), {0, 1, 0, 1}},
      {kp::Hypergraph(5, {{0, 1, 2}, {2, 3, 4}, {0, 3}, {1, 4}}),
       kp::solve_exact(kp::Hypergraph(5, {{0, 1, 2}, {2, 3, 4}, {0, 3}, {1, 4}}), 2).coloring}};
  for (const auto& p : inner) {
    const auto c = kr::compose_with_gadget(kr::reduce(p.hypergraph, 2), kr::sign_gadget(2, 0));
    for (int trial = 0; trial < 5; ++trial) {
      Eigen::MatrixXd W(2, c.samples.dim());
      for (Eigen::Index i = 0; i < W.size(); ++i) W(i) = 0.3 * gauss(rng);
      const krelu::Network<double> net(W, trial % 2 ? Eigen::Vector2d(1, -1) : Eigen::Vector2d(1, 1));
      const double lhs = krelu::loss(net, c.samples);
      const double rhs = (krelu::loss(kr::inner_network(c, net), c.source.inner.samples) +
                          krelu::loss(kr::gadget_network(c, net), c.source.gadget.samples)) /
                         8;
      identity_dev = std::max(identity_dev, std::abs(lhs - rhs) / rhs);
    }
    const double tau = c.constant("tau");
    const auto plus = train(c.samples, 2, krelu::Signs::fixed({1, 1}), c.radius);
    const auto mixed = train(c.samples, 2, krelu::Signs::fixed({1, -1}), c.radius);
    min_mixed = std::min(min_mixed, mixed.lower_bound / (tau / 8));
    max_mixed_printed = std::max(max_mixed_printed, mixed.loss / (tau / 2));
    composed_ok += plus.loss <= 1e-20 && krelu::loss(kr::witness(c, p.coloring), c.samples) == 0.0 &&
                   proves_at_least(mixed, tau / 8) && kr::decode(c, plus.network).proper;
  }
  const std::string fam = "P3, C4, 5-v 2-col hypergraph + k=2 gadget";
  rows.push_back({"Thm 4: L = (L(2W;S) + L(2W~;S~))/8", fam, 5 * count, cat("max rel dev ", num(identity_dev)), true,
                  identity_dev < 1e-12, "Thm 4 halved labels"});
  rows.push_back({"Thm 4: (+,+) -> 0 and decodes; (+,-) -> >= tau/8", fam, count,
                  cat("min opt/(tau/8) ", num(min_mixed)), true, composed_ok == count, "Thm 4 tau/8"});
  rows.push_back({"Thm 4 as printed: (+,-) -> loss >= 0.5 tau", fam, count,
                  cat("max opt/(tau/2) ", num(max_mixed_printed)), false, max_mixed_printed >= 1.0, "Thm 4 tau/8"});

  // A non-colourable inner instance: free signs cannot go below the composed epsilon.
  const auto tri =
      kr::compose_with_gadget(kr::reduce(kp::Hypergraph(3, {{0, 1}, {1, 2}, {0, 2}}), 2), kr::sign_gadget(2, 0));
  const auto r = train(tri.samples, 2, krelu::Signs::free(), tri.radius);
  rows.push_back({"Thm 4: inner not colourable -> any signs > epsilon", "triangle + k=2 gadget, free signs", 1,
                  cat("optimum/epsilon ", num(r.lower_bound / tri.constant("epsilon"))), true,
                  proves_at_least(r, tri.constant("epsilon")), ""});
}

}  // namespace

int main() {
  set_cover_claims();
  circuit_claims();
  densest_subgraph_claims();
  coloring_claims();
  gadget_claims();

  int unexpected = 0;
  std::printf("%-58s %-36s %5s %-52s %-8s %-30s %s\n", "claim", "instances", "count", "measured", "expected", "outcome",
              "errata (docs/errata.md)");
  for (const auto& r : rows) {
    std::string outcome;
    if (r.holds == r.expected)
      outcome = r.holds ? "holds" : "fails as ERRATA says";
    else
      outcome = r.holds ? "UNEXPECTED: holds" : "UNEXPECTED: fails";
    unexpected += r.holds != r.expected;
    std::printf("%-58s %-36s %5d %-52s %-8s %-30s %s\n", r.claim.c_str(), r.family.c_str(), r.count, r.measured.c_str(),
                r.expected ? "holds" : "fails", outcome.c_str(), r.errata.empty() ? "-" : r.errata.c_str());
  }
  std::printf("\n%zu claims, %d with an unexpected outcome\n", rows.size(), unexpected);
  return unexpected == 0 ? 0 : 1;
}
