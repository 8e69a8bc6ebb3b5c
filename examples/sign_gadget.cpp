// sign_gadget: Lemma 21 and Theorem 4. The k = 2 gadget is a small sample set that two ReLUs with
// output signs a = (+1, +1) fit exactly, while any network with a sign -1 has loss >= tau. Joined
// with a colouring instance (Theorem 4's composition: labels halved, weights crossed), it turns the
// "sum of k ReLUs" hardness of Lemma 17 into hardness for k-ReLUs with free signs: a negative sign
// costs >= tau/8 (ERRATA Thm 4: the proof's 0.5 tau forgets the halved labels).
// Every optimum below is certified by exact training, one fixed sign vector at a time.
//
//   build/examples/sign_gadget
//
// Exits 1 if a row disagrees with the lemma or the theorem.
#include <krelu/krelu.hpp>

#include <cstdio>
#include <string>
#include <vector>

namespace kp = krelu::problems;
namespace kr = krelu::reductions;

namespace {

// Exact training with fixed signs. A lower-bound claim needs only the proven lower bound, which a
// search stopped by its time budget still returns.
template <class Samples>
krelu::TrainResult<double> optimum(const Samples& s, std::vector<int> signs, std::optional<double> radius,
                                   double seconds = 10) {
  krelu::TrainOptions<double> o;
  o.units = static_cast<int>(signs.size());
  o.signs = krelu::Signs::fixed(std::move(signs));
  o.radius = radius;
  o.method = krelu::Method::branch_and_bound;
  o.time_limit_seconds = seconds;
  return krelu::train_exact(s, o);
}

int failures = 0;

void row(const std::string& instance, const std::string& signs, const krelu::TrainResult<double>& r,
         const std::string& claim, double bound, bool zero_expected) {
  // "= 0": a network with loss ~0 (rounding of exact zero) proves it. ">= bound": the proven lower
  // bound, up to the certificate's relative tolerance 1e-9 (tight rows such as tau = 1/2 meet it exactly).
  const bool bound_valid = r.status != krelu::Status::numerical_issue && r.status != krelu::Status::cancelled;
  const bool ok = zero_expected ? r.loss <= 1e-20 : (bound_valid && r.lower_bound >= bound * (1 - 1e-9));
  failures += !ok;
  std::printf("%-34s %-8s %11.4e %11.4e %8s %-22s %11.4e %6.2f %s\n", instance.c_str(), signs.c_str(), r.loss,
              r.lower_bound, krelu::to_string(r.status), claim.c_str(), bound, r.seconds, ok ? "yes" : "NO");
}

}  // namespace

int main() {
  std::printf("%-34s %-8s %11s %11s %8s %-22s %11s %6s %s\n", "instance", "signs", "exact opt", "lower bnd", "status",
              "claim", "bound", "sec", "holds");

  // Lemma 21, k = 2, two constructions: the two points {(e1, 1), (-e1, 1)} (tau = 1/2) and the
  // proof's general one (2^k k points around each orthant centre but -1_k; tau from its formula).
  kr::SignGadgetOptions general;
  general.construction = kr::GadgetConstruction::general;
  for (const auto& gadget : {kr::sign_gadget(2, 0), kr::sign_gadget(2, 7, general)}) {
    std::string name = "gadget k=2 ";
    name.append(gadget.source.two_point ? "two-point (" : "general (").append(std::to_string(gadget.samples.size()));
    name.append(" pts)");
    const double tau = gadget.constant("tau");
    // The general gadget's (+,-) search is long; half a second of it proves a bound far above tau.
    row(name, "(+,+)", optimum(gadget.samples, {1, 1}, gadget.radius, 0.5), "= 0", 0.0, true);
    row(name, "(+,-)", optimum(gadget.samples, {1, -1}, gadget.radius, 0.5), ">= tau", tau, false);
    row(name, "(-,-)", optimum(gadget.samples, {-1, -1}, gadget.radius, 0.5), ">= tau", tau, false);
  }

  // Theorem 4: a 2-colourable hypergraph (the 4-cycle) composed with the two-point gadget.
  const kp::Hypergraph cycle(4, {{0, 1}, {1, 2}, {2, 3}, {0, 3}});
  const std::vector<int> coloring = {0, 1, 0, 1};
  const auto composed = kr::compose_with_gadget(kr::reduce(cycle, 2), kr::sign_gadget(2, 0));
  const double tau = composed.constant("tau");
  const double wit = krelu::loss(kr::witness(composed, coloring), composed.samples);
  std::printf("\ncomposed instance: %ld samples in dimension %ld, tau = %.4g, witness loss %.3g\n",
              static_cast<long>(composed.samples.size()), static_cast<long>(composed.samples.dim()), tau, wit);
  failures += wit != 0.0;
  const std::string name = "4-cycle (2-colourable) + gadget";
  const auto plus = optimum(composed.samples, {1, 1}, composed.radius);
  row(name, "(+,+)", plus, "= 0", 0.0, true);
  const auto mixed = optimum(composed.samples, {1, -1}, composed.radius);
  row(name, "(+,-)", mixed, ">= tau/8 (ERRATA)", tau / 8, false);
  row(name, "(-,-)", optimum(composed.samples, {-1, -1}, composed.radius), ">= tau/8 (ERRATA)", tau / 8, false);
  std::printf("the proof as printed claims >= 0.5 tau = %.4g for (+,-); the certified optimum is %.4g\n", tau / 2,
              mixed.loss);

  const auto decoded = kr::decode(composed, plus.network);  // the inner colouring from (+,+)'s optimum
  std::printf("decoded from the (+,+) optimum: %s colouring\n", decoded.proper ? "a proper" : "an IMPROPER");
  failures += !decoded.proper;

  // A non-colourable inner instance: every sign vector now costs more than the composed epsilon.
  const auto triangle =
      kr::compose_with_gadget(kr::reduce(kp::Hypergraph(3, {{0, 1}, {1, 2}, {0, 2}}), 2), kr::sign_gadget(2, 0));
  const double eps = triangle.constant("epsilon");
  for (const std::vector<int>& a : {std::vector<int>{1, 1}, std::vector<int>{1, -1}, std::vector<int>{-1, -1}})
    row("triangle + gadget", a[0] > 0 ? (a[1] > 0 ? "(+,+)" : "(+,-)") : "(-,-)",
        optimum(triangle.samples, a, triangle.radius), "> epsilon", eps, false);

  std::printf("\n%s\n", failures == 0 ? "all rows hold" : "SOME ROWS FAILED");
  return failures == 0 ? 0 : 1;
}
