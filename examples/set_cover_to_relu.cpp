// set_cover_to_relu: Theorem 8 end to end. A random Set Cover instance becomes a 1-ReLU training
// instance (written as svmlight and CSV files), which is trained to its certified global optimum and
// decoded back into a cover. Three numbers must agree: the minimum cover size OPT found by the
// combinatorial solver, the optimum total squared error divided by gamma^2 (exactly OPT, ERRATA
// Thm 8), and the size of the decoded cover. The witness network of the proof must have the loss the
// proof predicts. Exits 1 if any of this fails.
//
//   build/examples/set_cover_to_relu [output-dir]     (files go to output-dir, default: current dir)
#include <krelu/krelu.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace kp = krelu::problems;
namespace kr = krelu::reductions;

namespace {

std::string join(const std::vector<int>& v) {
  std::string s = "{";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) s += ',';
    s += std::to_string(v[i]);
  }
  s += '}';
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path dir = argc > 1 ? argv[1] : ".";
  int failures = 0;
  auto check = [&](bool ok, const char* what) {
    if (!ok) std::printf("FAILED: %s\n", what);
    failures += !ok;
  };

  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    std::mt19937_64 rng(seed);
    const kp::SetCover sc = kp::random_set_cover(14, 9, 0.25, rng);  // |U| = 14 elements, M = 9 subsets
    const std::vector<int> cover = kp::solve_exact(sc);              // a minimum cover: OPT = cover.size()
    const auto red = kr::reduce(sc);                                 // Theorem 8: samples in {0,1}^{M+2}

    if (seed == 1) {  // the instance as files any other tool can read (sklearn: load_svmlight_file)
      const auto svm = dir / "set_cover_thm8.svm", csv = dir / "set_cover_thm8.csv";
      krelu::write_samples(svm.string(), red.samples);
      krelu::write_samples(csv.string(), red.samples);
      const auto back_svm = krelu::read_samples<double, krelu::Sparse>(svm.string());
      const auto back_csv = krelu::read_samples<double>(csv.string());
      const auto w = kr::witness(red, cover);
      const double l0 = krelu::loss(w, red.samples);
      check(back_svm.size() == red.samples.size() && back_csv.size() == red.samples.size() &&
                std::abs(krelu::loss(w, back_svm) - l0) <= 1e-14 * l0 &&
                std::abs(krelu::loss(w, back_csv) - l0) <= 1e-14 * l0,
            "files read back give the same instance");
      std::printf("wrote %s and %s (%ld samples, %ld features)\n", svm.string().c_str(), csv.string().c_str(),
                  static_cast<long>(red.samples.size()), static_cast<long>(red.samples.dim()));
      std::printf("%4s %4s %4s %4s %4s %10s %11s %11s %11s %11s %8s %12s %14s %7s %7s\n", "seed", "|U|", "M", "m",
                  "OPT", "gamma", "witness", "predicted", "exact opt", "lower bnd", "status", "total/g^2", "decoded",
                  "nodes", "sec");
    }

    // The completeness network: w_1 = 1, w_gamma = gamma, w_Ti = -1 on the cover.
    const auto wit = kr::witness(red, cover);
    const double wit_loss = krelu::loss(wit, red.samples), predicted = kr::predicted_loss(red, cover);

    // Exact training of the 1-ReLU with a = +1 (labels are >= 0, App. B).
    krelu::TrainOptions<double> opt;
    opt.units = 1;
    opt.signs = krelu::Signs::fixed({+1});
    opt.method = krelu::Method::branch_and_bound;
    opt.time_limit_seconds = 60;
    const auto r = krelu::train_exact(red.samples, opt);
    const auto decoded = kr::decode(red, r.network);  // {T_i : w_Ti < -w_gamma}

    const double gamma = red.constant("gamma");
    const double total_over_g2 = r.loss * red.samples.total_weight() / (gamma * gamma);
    const double opt_size = static_cast<double>(cover.size());
    std::printf("%4llu %4d %4d %4ld %4zu %10.3e %11.4e %11.4e %11.4e %11.4e %8s %12.9f %14s %7llu %7.2f\n",
                static_cast<unsigned long long>(seed), sc.universe_size(), sc.num_subsets(),
                static_cast<long>(red.samples.size()), cover.size(), gamma, wit_loss, predicted, r.loss, r.lower_bound,
                krelu::to_string(r.status), total_over_g2, join(decoded).c_str(),
                static_cast<unsigned long long>(r.nodes), r.seconds);

    check(std::abs(wit_loss - predicted) <= 1e-12 * predicted, "witness loss = gamma^2 OPT / |S|");
    check(r.status == krelu::Status::optimal, "exact training certified optimal");
    check(std::abs(total_over_g2 - opt_size) <= 1e-6 * opt_size, "optimum total error = OPT gamma^2");
    check(sc.is_cover(decoded) && decoded.size() == cover.size(), "decoded family is a minimum cover");
  }
  std::printf("%s\n", failures == 0 ? "all checks hold" : "SOME CHECKS FAILED");
  return failures == 0 ? 0 : 1;
}
