// hardness_tour: the paper's reductions on small seeded instances, each ReLU instance trained to
// its global optimum with a certificate, decoded back, and compared with the source problem's own
// optimum and with gradient-based local search. Prints one table; exits 1 if any row's claim fails.
//
//   build/examples/hardness_tour
#include <krelu/krelu.hpp>
#include <krelu/train/local_search.hpp>

#include <cmath>
#include <cstdio>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace kp = krelu::problems;
namespace kr = krelu::reductions;

namespace {

struct Row {
  std::string reduction, source, source_opt;
  long m = 0, n = 0, k = 0;
  double witness = 0, predicted = 0;
  krelu::TrainResult<double>* exact = nullptr;
  std::string decoded = {};
  bool holds = false;
  double local = 0;
  std::string claim = {};
};

template <class T>
std::string join(const std::vector<T>& v) {
  std::ostringstream o;
  o << "{";
  for (std::size_t i = 0; i < v.size(); ++i) o << (i ? "," : "") << v[i];
  o << "}";
  return o.str();
}

std::string true_inputs(const std::vector<bool>& a) {
  std::vector<int> idx;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i]) idx.push_back(static_cast<int>(i));
  return join(idx);
}

krelu::TrainOptions<double> exact_options(const std::vector<int>& signs, std::optional<double> radius) {
  krelu::TrainOptions<double> o;
  o.units = static_cast<int>(signs.size());
  o.signs = krelu::Signs::fixed(signs);
  o.radius = radius;
  o.method = krelu::Method::branch_and_bound;
  o.time_limit_seconds = 20;
  return o;
}

double local_baseline(const krelu::SampleSet<double, krelu::Sparse>& s, const krelu::TrainOptions<double>& o) {
  return static_cast<double>(krelu::local_search(s, o, 20).loss);
}

}  // namespace

int main() {
  std::vector<Row> rows;
  std::vector<krelu::TrainResult<double>> results;
  results.reserve(8);

  {  // Theorem 8: Set Cover -> 1-ReLU; minimum total error = OPT gamma^2 (errata)
    std::mt19937_64 rng(8);
    const auto sc = kp::random_set_cover(24, 14, 0.2, rng);
    const auto cover = kp::solve_exact(sc);
    const auto red = kr::reduce(sc);
    const auto o = exact_options(red.signs, red.radius);
    results.push_back(krelu::train_exact(red.samples, o));
    auto& r = results.back();
    const auto back = kr::decode(red, r.network);
    const double gamma = red.constant("gamma");
    const double opt_total = r.loss * red.samples.total_weight();
    Row row{"Set Cover (Thm 8)", "|U|=24 M=14", std::to_string(cover.size()) + " sets"};
    row.m = red.samples.size(), row.n = red.samples.dim(), row.k = 1;
    row.witness = krelu::loss(kr::witness(red, cover), red.samples);
    row.predicted = kr::predicted_loss(red, cover);
    row.exact = &r;
    row.decoded = join(back);
    row.holds = r.status == krelu::Status::optimal && sc.is_cover(back) && back.size() == cover.size() &&
                std::abs(opt_total / (gamma * gamma) - static_cast<double>(cover.size())) < 1e-6;
    row.claim = "total error / gamma^2 = " + std::to_string(opt_total / (gamma * gamma));
    row.local = local_baseline(red.samples, o);
    rows.push_back(row);
  }
  {  // Theorem 11: monotone circuit -> 1-ReLU; minimum total error = OPT gamma^2 (errata)
    std::mt19937_64 rng(11);
    const auto c = kp::random_monotone_circuit(8, 2, 7, rng);
    const auto best = kp::solve_exact(c);
    const auto red = kr::reduce(c);
    const auto o = exact_options(red.signs, red.radius);
    results.push_back(krelu::train_exact(red.samples, o));
    auto& r = results.back();
    const auto back = kr::decode(red, r.network);
    const double gamma = red.constant("gamma");
    const double opt_total = r.loss * red.samples.total_weight();
    Row row{"Monotone circuit (Thm 11)", "8 inputs depth " + std::to_string(c.depth()),
            std::to_string(kp::count_true(best)) + " TRUE"};
    row.m = red.samples.size(), row.n = red.samples.dim(), row.k = 1;
    row.witness = krelu::loss(kr::witness(red, best), red.samples);
    row.predicted = kr::predicted_loss(red, best);
    row.exact = &r;
    row.decoded = true_inputs(back);
    row.holds = r.status == krelu::Status::optimal && c.evaluate(back) && kp::count_true(back) == kp::count_true(best) &&
                std::abs(opt_total / (gamma * gamma) - kp::count_true(best)) < 1e-6;
    row.claim = "total error / gamma^2 = " + std::to_string(opt_total / (gamma * gamma));
    row.local = local_baseline(red.samples, o);
    rows.push_back(row);
  }
  for (int colourable = 1; colourable >= 0; --colourable) {  // Lemma 17: realizable iff k-colourable
    const kp::Hypergraph h = colourable ? kp::Hypergraph(5, {{0, 1, 2}, {2, 3, 4}, {0, 3}, {1, 4}})
                                        : kp::Hypergraph(3, {{0, 1}, {1, 2}, {0, 2}});  // a triangle
    const auto best = kp::solve_exact(h, 2);
    const auto red = kr::reduce(h, 2);
    const auto o = exact_options(red.signs, red.radius);
    results.push_back(krelu::train_exact(red.samples, o));
    auto& r = results.back();
    const auto back = kr::decode(red, r.network);
    const double eps = red.constant("epsilon");
    Row row{"2-colouring (Lemma 17)", colourable ? "5 vertices 4 edges" : "triangle",
            colourable ? "colourable" : "not colourable"};
    row.m = red.samples.size(), row.n = red.samples.dim(), row.k = 2;
    row.exact = &r;
    if (best.monochromatic == 0) {
      row.witness = krelu::loss(kr::witness(red, best.coloring), red.samples);
      row.predicted = kr::predicted_loss(red, best.coloring);
    } else {
      row.witness = row.predicted = std::nan("");
    }
    row.decoded = join(back.coloring) + (back.proper ? " proper" : " improper");
    row.holds = r.status == krelu::Status::optimal &&
                (colourable ? (r.loss <= 1e-20 && back.proper) : (r.lower_bound > eps));
    row.claim = colourable ? "optimum 0, decodes to a proper colouring"
                           : "optimum >= " + std::to_string(r.lower_bound) + " > epsilon";
    row.local = local_baseline(red.samples, o);
    rows.push_back(row);
  }
  {  // Lemma 21: the k = 2 gadget forces a = (+1, +1)
    const auto gadget = kr::sign_gadget(2, 0);
    for (int mixed = 0; mixed < 2; ++mixed) {
      const std::vector<int> signs = mixed ? std::vector<int>{1, -1} : std::vector<int>{1, 1};
      const auto o = exact_options(signs, gadget.radius);
      results.push_back(krelu::train_exact(gadget.samples, o));
      auto& r = results.back();
      Row row{"Sign gadget (Lemma 21)", mixed ? "k=2, a=(+1,-1)" : "k=2, a=(+1,+1)", mixed ? "> 0" : "0"};
      row.m = gadget.samples.size(), row.n = gadget.samples.dim(), row.k = 2;
      row.witness = mixed ? std::nan("") : krelu::loss(kr::witness(gadget), gadget.samples);
      row.predicted = mixed ? std::nan("") : kr::predicted_loss(gadget);
      row.exact = &r;
      row.decoded = "-";
      row.holds = r.status == krelu::Status::optimal && (mixed ? r.lower_bound > 0.1 : r.loss <= 1e-20);
      row.claim = mixed ? "negative sign costs >= " + std::to_string(r.lower_bound) : "all-plus fits exactly";
      row.local = local_baseline(gadget.samples, o);
      rows.push_back(row);
    }
  }

  std::printf("%-26s %-20s %-14s %4s %4s %2s %11s %11s %11s %11s %-8s %-18s %11s %-5s\n", "reduction", "source",
              "source opt", "m", "n", "k", "witness", "predicted", "exact opt", "lower bnd", "status", "decoded",
              "local srch", "holds");
  int failures = 0;
  for (const auto& row : rows) {
    std::printf("%-26s %-20s %-14s %4ld %4ld %2ld %11.4e %11.4e %11.4e %11.4e %-8s %-18s %11.4e %-5s\n",
                row.reduction.c_str(), row.source.c_str(), row.source_opt.c_str(), row.m, row.n, row.k, row.witness,
                row.predicted, static_cast<double>(row.exact->loss), static_cast<double>(row.exact->lower_bound),
                krelu::to_string(row.exact->status), row.decoded.c_str(), row.local, row.holds ? "yes" : "NO");
    failures += !row.holds;
  }
  std::printf("\n");
  for (const auto& row : rows) std::printf("%-26s %-20s %s\n", row.reduction.c_str(), row.source.c_str(), row.claim.c_str());
  std::printf("\n%zu of %zu rows hold\n", rows.size() - static_cast<std::size_t>(failures), rows.size());
  return failures == 0 ? 0 : 1;
}
