// krelu decode: read a combinatorial solution off a trained network, as the soundness proofs do
// (Thm 8, Thm 11, Lemma 14, Lemma 17; Lemma 21 for the gadget), and compare it with the source
// optimum stored in META by `krelu reduce`.

#include <iostream>
#include <memory>

#include "common.hpp"
#include "instances.hpp"
#include "krelu/loss.hpp"
#include "krelu/reductions/densest_subgraph.hpp"
#include "krelu/reductions/hypergraph_coloring.hpp"
#include "krelu/reductions/monotone_circuit.hpp"
#include "krelu/reductions/set_cover.hpp"
#include "krelu/reductions/sign_gadget.hpp"

namespace krelu::cli {

namespace {

namespace kp = krelu::problems;
namespace kr = krelu::reductions;

struct DecodeArgs {
  std::string problem, meta, network;
  bool json = false;
};

/// What decoding found, for printing.
struct Decoded {
  nlohmann::json solution;
  std::string solution_text;  ///< for people
  bool valid = false;
  std::string valid_text;     ///< what "valid" means for this problem
  std::optional<double> value;
  std::optional<bool> optimal;
  double loss = 0, threshold = std::nan("");
  std::string guarantee;      ///< what the proof promises at this loss
  bool has_optimum = true;    ///< false for the gadget: no source problem to be optimal for
};

/// Loss on the rebuilt instance, after checking that the network fits it.
template <class Source>
double checked_loss(const kr::Reduction<double, Source>& red, const Network<double>& net) {
  if (net.dim() != red.samples.dim())
    throw InputError("the network has dimension " + std::to_string(net.dim()) + " but the " +
                     "reduction's samples have dimension " + std::to_string(red.samples.dim()) +
                     " (was it trained on this META's data?)");
  return loss(net, red.samples);
}

std::optional<double> meta_optimum(const nlohmann::json& meta) {
  if (!meta.contains("optimum") || !meta["optimum"].is_object() || !meta["optimum"].contains("value")) return std::nullopt;
  return meta["optimum"]["value"].get<double>();
}

std::string list_text(const std::vector<int>& v) {
  std::string t;
  for (int x : v) {  // appended piece by piece: GCC 12 warns falsely (-Wrestrict) about "s" + std::string
    if (!t.empty()) t += ' ';
    t += std::to_string(x);
  }
  return t.empty() ? "(none)" : t;
}

Decoded decode_set_cover(const nlohmann::json& meta, const Network<double>& net) {
  const auto sc = set_cover_from_json(meta["instance"], "META instance");
  const auto red = kr::reduce(sc);
  Decoded d;
  d.loss = checked_loss(red, net);
  const auto family = kr::decode(red, net);  // {T_i : w_Ti < -w_gamma}
  d.solution = family;
  d.solution_text = "subsets " + list_text(family) + " (0-based), " + std::to_string(family.size()) + " of them";
  d.valid = sc.is_cover(family);
  d.valid_text = d.valid ? "a cover" : "not a cover";
  d.value = static_cast<double>(family.size());
  d.threshold = kr::decode_threshold(red);
  d.guarantee = "loss <= threshold: a cover of at most total_loss / gamma^2 subsets (Thm 8)";
  return d;
}

Decoded decode_circuit(const nlohmann::json& meta, const Network<double>& net) {
  const NamedCircuit c = circuit_from_json(meta["instance"], "META instance");
  const auto red = kr::reduce(c.circuit);
  Decoded d;
  d.loss = checked_loss(red, net);
  const auto assignment = kr::decode(red, net);  // input i TRUE iff w_i >= w_gamma
  std::vector<std::string> on;
  for (std::size_t i = 0; i < assignment.size(); ++i)
    if (assignment[i]) on.push_back(c.wire_names[i]);
  d.solution = on;
  std::string names;
  for (const auto& n : on) {
    if (!names.empty()) names += ' ';
    names += n;
  }
  d.solution_text = "TRUE inputs " + (names.empty() ? std::string("(none)") : names) + ", " + std::to_string(on.size()) +
                    " of " + std::to_string(assignment.size());
  d.valid = c.circuit.evaluate(assignment);
  d.valid_text = d.valid ? "satisfies the circuit" : "does not satisfy the circuit";
  d.value = static_cast<double>(on.size());
  d.threshold = kr::decode_threshold(red);
  d.guarantee = "loss <= threshold: a satisfying assignment with at most total_loss / gamma^2 TRUE inputs (Thm 11)";
  return d;
}

Decoded decode_densest_subgraph(const nlohmann::json& meta, const Network<double>& net) {
  const auto g = graph_from_json(meta["instance"], "META instance");
  const int kappa = json_field<int>(meta["instance"], "kappa", "META instance");
  const int ell = json_field<int>(meta["instance"], "ell", "META instance");
  const auto red = kr::reduce(g, kappa, ell);
  Decoded d;
  d.loss = checked_loss(red, net);
  const auto vertices = kr::decode(red, net);  // the kappa largest w_v
  const int edges = kp::edges_within(g, vertices);
  d.solution = vertices;
  d.solution_text = "vertices " + list_text(vertices) + " (0-based), inducing " + std::to_string(edges) + " edges";
  d.valid = edges >= ell;
  d.valid_text = d.valid ? "at least ell = " + std::to_string(ell) + " edges" : "fewer than ell = " + std::to_string(ell) + " edges";
  d.value = edges;
  d.threshold = red.constant("OPT");
  d.guarantee = "loss <= OPT (+ epsilon): a dense set; epsilon > 0 only for very large graphs (Lemma 14)";
  return d;
}

Decoded decode_coloring(const nlohmann::json& meta, const Network<double>& net) {
  const auto h = hypergraph_from_json(meta["instance"], "META instance");
  const int k = json_field<int>(meta["instance"], "colors", "META instance");
  const auto red = kr::reduce(h, k);
  Decoded d;
  d.loss = checked_loss(red, net);
  const auto c = kr::decode(red, net);  // colour of i = the unit with the largest w^l_i
  d.solution = c.coloring;
  d.solution_text = "colouring " + list_text(c.coloring) + " (one colour per vertex), " +
                    std::to_string(c.monochromatic) + " monochromatic edges";
  d.valid = c.proper;
  d.valid_text = c.proper ? "a proper colouring" : "not proper";
  d.value = c.monochromatic;
  d.threshold = red.constant("epsilon");
  d.guarantee = "loss <= epsilon: a proper colouring (Lemma 17)";
  return d;
}

Decoded decode_gadget(const nlohmann::json& meta, const Network<double>& net) {
  const int k = json_field<int>(meta["instance"], "units", "META instance");
  const auto seed = json_field<std::uint64_t>(meta["instance"], "seed", "META instance");
  const auto red = kr::sign_gadget(k, seed);
  Decoded d;
  d.loss = checked_loss(red, net);
  std::vector<int> signs;
  for (Eigen::Index j = 0; j < net.units(); ++j) signs.push_back(net.signs()(j) > 0 ? 1 : -1);
  d.solution = signs;
  d.solution_text = "signs " + list_text(signs);
  d.valid = std::all_of(signs.begin(), signs.end(), [](int s) { return s == 1; });
  d.valid_text = d.valid ? "all signs +1" : "some sign is -1";
  d.has_optimum = false;
  d.threshold = red.constant("tau");
  d.guarantee = "loss < tau: every sign is +1 (Lemma 21)";
  return d;
}

int run_decode(const DecodeArgs& a) {
  check_problem(a.problem);
  const nlohmann::json meta = load_json(a.meta);
  const auto problem = json_field<std::string>(meta, "problem", a.meta);
  if (problem != a.problem) throw InputError(a.meta + " is a META file for '" + problem + "', not '" + a.problem + "'");
  if (!meta.contains("instance")) throw InputError(a.meta + ": the field \"instance\" is missing");
  const Network<double> net = load_network(a.network);
  Decoded d = a.problem == "set-cover"          ? decode_set_cover(meta, net)
              : a.problem == "circuit"          ? decode_circuit(meta, net)
              : a.problem == "densest-subgraph" ? decode_densest_subgraph(meta, net)
              : a.problem == "coloring"         ? decode_coloring(meta, net)
                                                : decode_gadget(meta, net);
  const auto best = meta_optimum(meta);
  // Optimal: valid and as good as the stored optimum (smaller is better except for densest-subgraph).
  if (best && d.value) {
    const bool maximise = a.problem == "densest-subgraph";
    d.optimal = d.valid && (maximise ? *d.value >= *best : *d.value <= *best);
  }
  const bool below = d.loss <= d.threshold;
  if (a.json) {
    nlohmann::json j = {{"command", "decode"},
                        {"problem", a.problem},
                        {"loss", d.loss},
                        {"threshold", d.threshold},
                        {"below_threshold", below},
                        {"solution", d.solution},
                        {"value", d.value ? nlohmann::json(*d.value) : nlohmann::json(nullptr)},
                        {"valid", d.valid},
                        {"optimum", best ? nlohmann::json(*best) : nlohmann::json(nullptr)},
                        {"optimal", d.optimal ? nlohmann::json(*d.optimal) : nlohmann::json(nullptr)}};
    std::cout << j.dump(2) << '\n';
    return exit_ok;
  }
  std::cout << "problem:      " << a.problem << '\n'
            << "loss:         " << num(d.loss) << " on the rebuilt instance (threshold " << num(d.threshold) << ": "
            << (below ? "below" : "above") << ")\n"
            << "guarantee:    " << d.guarantee << '\n'
            << "solution:     " << d.solution_text << '\n'
            << "valid:        " << (d.valid ? "yes, " : "no, ") << d.valid_text << '\n'
            << "optimal:      "
            << (!d.has_optimum ? std::string("not applicable (no source problem)")
                : d.optimal ? (*d.optimal ? "yes" : "no") + std::string(" (META optimum ") + num(*best) + ")"
                            : std::string("unknown (META holds no optimum)"))
            << '\n';
  return exit_ok;
}

}  // namespace

void add_decode_command(CLI::App& app, Runner& run) {
  auto args = std::make_shared<DecodeArgs>();
  CLI::App* cmd = app.add_subcommand("decode", "Read the combinatorial solution off a trained network (soundness proofs)");
  cmd->add_option("PROBLEM", args->problem, "set-cover | circuit | densest-subgraph | coloring | gadget")->required();
  cmd->add_option("META", args->meta, "The META file written by 'krelu reduce --meta'")->required();
  cmd->add_option("NET", args->network, "The trained network file")->required();
  cmd->add_flag("--json", args->json, "Print one JSON object instead of text");
  cmd->callback([args, &run] { run = [args] { return run_decode(*args); }; });
}

}  // namespace krelu::cli
