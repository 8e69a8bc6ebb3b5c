// krelu reduce: build one of the paper's hard training instances from a source instance (a file
// or a seeded random generator), with its witness network and a META file that decode reads.

#include <cmath>
#include <iostream>
#include <map>
#include <memory>
#include <random>

#include "common.hpp"
#include "instances.hpp"
#include "krelu/io/bench_circuit.hpp"
#include "krelu/io/dimacs.hpp"
#include "krelu/io/files.hpp"
#include "krelu/io/hmetis.hpp"
#include "krelu/io/or_library.hpp"
#include "krelu/reductions/densest_subgraph.hpp"
#include "krelu/reductions/hypergraph_coloring.hpp"
#include "krelu/reductions/monotone_circuit.hpp"
#include "krelu/reductions/set_cover.hpp"
#include "krelu/reductions/sign_gadget.hpp"

namespace krelu::cli {

namespace {

namespace kp = krelu::problems;
namespace kr = krelu::reductions;

struct ReduceArgs {
  std::string problem, input, output, witness, meta;
  std::vector<std::string> random;
  std::uint64_t seed = 0;
  std::optional<int> kappa, ell, colors, units;
};

// Size guards for the exact source solvers (their measured ranges, see problems/*.hpp): beyond
// them the optimum is not computed and no witness is written.
constexpr int max_exact_subsets = 60, max_exact_inputs = 30, max_exact_dks_vertices = 40;
int max_exact_coloring_vertices(int k) { return k == 2 ? 30 : k == 3 ? 20 : 14; }

/// The key=value parameters of --random, checked against the generator's keys.
class GeneratorParams {
 public:
  GeneratorParams(const std::vector<std::string>& items, std::map<std::string, double> defaults, std::string generator)
      : values_(std::move(defaults)), generator_(std::move(generator)) {
    for (const auto& item : items) {
      const auto eq = item.find('=');
      const std::string key = item.substr(0, eq);
      if (eq == std::string::npos || !values_.count(key)) throw InputError("--random: " + usage("'" + item + "'"));
      const std::string text = item.substr(eq + 1);
      std::size_t used = 0;
      double v = 0;
      try {
        v = std::stod(text, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != text.size() || text.empty() || !std::isfinite(v))
        throw InputError("--random: " + key + "=" + text + " is not a number");
      values_[key] = v;
    }
  }
  int integer(const std::string& key) const {
    const double v = values_.at(key);
    if (v != std::floor(v) || std::abs(v) > 1e9) throw InputError("--random: " + key + " must be an integer");
    return static_cast<int>(v);
  }
  double real(const std::string& key) const { return values_.at(key); }
  nlohmann::json to_json() const { return values_; }

 private:
  std::string usage(const std::string& bad) const {
    std::string keys;
    for (const auto& [k, v] : values_) {
      if (!keys.empty()) keys += ',';
      keys += k;
      keys += '=';
      keys += num(v);
    }
    return bad + " is not a parameter of " + generator_ + "; give key=value items from " + keys;
  }
  std::map<std::string, double> values_;
  std::string generator_;
};

/// What every problem reports back to the common part of the command.
struct Built {
  nlohmann::json instance, optimum = nullptr, constants = nlohmann::json::object();
  std::string optimum_note, witness_note, summary;
  std::optional<Network<double>> witness;
  std::optional<double> predicted_loss;
  int units = 1;
  std::vector<int> signs;
  std::optional<double> radius;
  Eigen::Index samples = 0, dim = 0;
};

template <class Source>
void describe(Built& b, const kr::Reduction<double, Source>& red, const std::string& output) {
  for (const auto& [name, value] : red.constants) b.constants[name] = value;
  b.units = red.units;
  b.signs = red.signs;
  b.radius = red.radius;
  b.samples = red.samples.size();
  b.dim = red.samples.dim();
  write_samples(output, red.samples);
}

Built build_set_cover(const ReduceArgs& a, nlohmann::json& source) {
  std::optional<kp::SetCover> sc;
  if (!a.input.empty()) {
    require_file(a.input, "OR-Library Set Cover file");
    auto file = read_set_cover_or_library(std::filesystem::path(a.input));
    if (!file.unicost()) std::cerr << "krelu: warning: " << a.input << ": " << file.warning << '\n';
    source["format"] = "or-library";
    sc.emplace(std::move(file.instance));
  } else {
    GeneratorParams p(a.random, {{"universe", 12}, {"subsets", 8}, {"density", 0.25}}, "random_set_cover");
    std::mt19937_64 rng(a.seed);
    sc.emplace(kp::random_set_cover(p.integer("universe"), p.integer("subsets"), p.real("density"), rng));
    source["generator"] = "random_set_cover";
    source["params"] = p.to_json();
  }
  Built b;
  b.instance = to_json(*sc);
  const auto red = kr::reduce(*sc);  // Thm 8
  describe(b, red, a.output);
  b.summary = "Set Cover (Thm 8): |U| = " + std::to_string(sc->universe_size()) + ", M = " +
              std::to_string(sc->num_subsets()) + " subsets";
  if (!sc->has_cover()) {
    b.optimum_note = "the instance has no cover";
  } else if (sc->num_subsets() > max_exact_subsets) {
    b.optimum_note = "not solved: M = " + std::to_string(sc->num_subsets()) + " > " + std::to_string(max_exact_subsets) +
                     " subsets is beyond the exact solver's range";
  } else {
    const auto cover = kp::solve_exact(*sc);
    b.optimum = {{"value", cover.size()}, {"solution", cover}, {"meaning", "minimum cover size; subset indices 0-based"}};
    b.witness = kr::witness(red, cover);
    b.predicted_loss = kr::predicted_loss(red, cover);
  }
  return b;
}

Built build_circuit(const ReduceArgs& a, nlohmann::json& source) {
  std::optional<NamedCircuit> c;
  if (!a.input.empty()) {
    require_file(a.input, ".bench circuit file");
    auto file = read_circuit_bench(std::filesystem::path(a.input));
    source["format"] = "bench";
    c.emplace(NamedCircuit{std::move(file.circuit), std::move(file.wire_names)});
  } else {
    GeneratorParams p(a.random, {{"inputs", 4}, {"depth", 2}, {"gates", 4}, {"fanin", 3}}, "random_monotone_circuit");
    std::mt19937_64 rng(a.seed);
    auto circuit = kp::random_monotone_circuit(p.integer("inputs"), p.integer("depth"), p.integer("gates"), rng,
                                               p.integer("fanin"));
    auto names = default_wire_names(circuit);
    c.emplace(NamedCircuit{std::move(circuit), std::move(names)});
    source["generator"] = "random_monotone_circuit";
    source["params"] = p.to_json();
  }
  Built b;
  b.instance = to_json(*c);
  const auto red = kr::reduce(c->circuit);  // Thm 11
  describe(b, red, a.output);
  b.summary = "Monotone circuit SAT (Thm 11): " + std::to_string(c->circuit.num_inputs()) + " inputs, " +
              std::to_string(c->circuit.num_gates()) + " gates, depth " + std::to_string(c->circuit.depth());
  if (c->circuit.num_inputs() > max_exact_inputs) {
    b.optimum_note = "not solved: " + std::to_string(c->circuit.num_inputs()) + " inputs > " +
                     std::to_string(max_exact_inputs) + " is beyond the exact solver's range";
  } else {
    const auto best = kp::solve_exact(c->circuit);
    std::vector<std::string> on;
    for (int i = 0; i < c->circuit.num_inputs(); ++i)
      if (best[static_cast<std::size_t>(i)]) on.push_back(c->wire_names[static_cast<std::size_t>(i)]);
    b.optimum = {{"value", kp::count_true(best)}, {"solution", on}, {"meaning", "fewest TRUE inputs; their names"}};
    b.witness = kr::witness(red, best);
    b.predicted_loss = kr::predicted_loss(red, best);
  }
  return b;
}

Built build_densest_subgraph(const ReduceArgs& a, nlohmann::json& source) {
  if (!a.kappa || !a.ell) throw InputError("densest-subgraph needs --kappa K (the set size) and --ell L (the edges asked for)");
  std::optional<kp::Graph> g;
  if (!a.input.empty()) {
    require_file(a.input, "DIMACS graph file");
    g.emplace(read_graph_dimacs(std::filesystem::path(a.input)));
    source["format"] = "dimacs";
  } else {
    GeneratorParams p(a.random, {{"vertices", 12}, {"edges", 14}, {"degree", 3}, {"planted", 0}},
                      "random_graph / planted_dense_subgraph");
    std::mt19937_64 rng(a.seed);
    if (p.integer("planted") > 0) {
      g.emplace(kp::planted_dense_subgraph(p.integer("vertices"), p.integer("degree"), *a.kappa, p.integer("planted"),
                                           p.integer("edges"), rng)
                    .graph);
      source["generator"] = "planted_dense_subgraph";
    } else {
      g.emplace(kp::random_graph(p.integer("vertices"), p.integer("edges"), p.integer("degree"), rng));
      source["generator"] = "random_graph";
    }
    source["params"] = p.to_json();
  }
  Built b;
  b.instance = to_json(*g);
  b.instance["kappa"] = *a.kappa;
  b.instance["ell"] = *a.ell;
  const auto red = kr::reduce(*g, *a.kappa, *a.ell);  // Lemma 14
  describe(b, red, a.output);
  b.summary = "Densest kappa-Subgraph (Lemma 14): N = " + std::to_string(g->num_vertices()) + ", M = " +
              std::to_string(g->num_edges()) + ", d = " + std::to_string(g->max_degree()) +
              ", kappa = " + std::to_string(*a.kappa) + ", ell = " + std::to_string(*a.ell);
  const int core = g->num_vertices() - g->num_isolated_vertices();
  if (core > max_exact_dks_vertices) {
    b.optimum_note = "not solved: " + std::to_string(core) + " non-isolated vertices > " +
                     std::to_string(max_exact_dks_vertices) + " is beyond the exact solver's range";
  } else {
    const auto best = kp::densest_subgraph(*g, *a.kappa);
    b.optimum = {{"value", best.value}, {"solution", best.vertices}, {"meaning", "den_kappa(G); vertices 0-based"}};
    b.witness = kr::witness(red, best.vertices);
    b.predicted_loss = kr::predicted_loss(red, best.vertices);
  }
  return b;
}

Built build_coloring(const ReduceArgs& a, nlohmann::json& source) {
  if (!a.colors) throw InputError("coloring needs --colors K (the number of colours = ReLU units)");
  const int k = *a.colors;
  std::optional<kp::Hypergraph> h;
  if (!a.input.empty()) {
    require_file(a.input, "hMETIS hypergraph file");
    h.emplace(read_hypergraph_hmetis(std::filesystem::path(a.input)));
    source["format"] = "hmetis";
  } else {
    GeneratorParams p(a.random, {{"vertices", 8}, {"edges", 10}, {"size", 3}, {"planted", 1}},
                      "planted_colorable_hypergraph / random_uniform_hypergraph");
    std::mt19937_64 rng(a.seed);
    if (p.integer("planted") != 0) {
      h.emplace(kp::planted_colorable_hypergraph(p.integer("vertices"), p.integer("edges"), p.integer("size"),
                                                 p.integer("size"), k, rng)
                    .hypergraph);
      source["generator"] = "planted_colorable_hypergraph";
    } else {
      h.emplace(kp::random_uniform_hypergraph(p.integer("vertices"), p.integer("edges"), p.integer("size"), rng));
      source["generator"] = "random_uniform_hypergraph";
    }
    source["params"] = p.to_json();
  }
  Built b;
  b.instance = to_json(*h);
  b.instance["colors"] = k;
  const auto red = kr::reduce(*h, k);  // Lemma 17
  describe(b, red, a.output);
  b.summary = "Hypergraph " + std::to_string(k) + "-colouring (Lemma 17): N = " + std::to_string(h->vertices()) +
              ", M = " + std::to_string(h->edge_count()) + " edges of size <= " + std::to_string(h->max_edge_size());
  if (h->vertices() > max_exact_coloring_vertices(k)) {
    b.optimum_note = "not solved: " + std::to_string(h->vertices()) + " vertices > " +
                     std::to_string(max_exact_coloring_vertices(k)) + " is beyond the exact solver's range for k = " +
                     std::to_string(k);
  } else {
    const auto best = kp::solve_exact(*h, k);
    b.optimum = {{"value", best.monochromatic},
                 {"solution", best.coloring},
                 {"meaning", "fewest monochromatic edges; one colour per vertex"}};
    b.witness = kr::witness(red, best.coloring);
    b.predicted_loss = kr::predicted_loss(red, best.coloring);
  }
  return b;
}

Built build_gadget(const ReduceArgs& a, nlohmann::json& source) {
  if (!a.units) throw InputError("gadget needs --units K (k >= 2)");
  const auto red = kr::sign_gadget(*a.units, a.seed);  // Lemma 21
  source["generator"] = "sign_gadget";
  Built b;
  b.instance = {{"units", *a.units}, {"seed", a.seed}};
  describe(b, red, a.output);
  b.summary = "Negative-coefficient gadget (Lemma 21): k = " + std::to_string(*a.units);
  b.optimum_note = "the gadget has no source problem; a sum of k ReLUs (all signs +1) reaches loss 0";
  b.witness = kr::witness(red);
  b.predicted_loss = kr::predicted_loss(red);
  return b;
}

std::string signs_text(const std::vector<int>& signs) {
  if (signs.empty()) return "free";
  if (std::all_of(signs.begin(), signs.end(), [](int s) { return s == 1; })) return "plus";
  std::string t;
  for (int s : signs) {
    if (!t.empty()) t += ',';
    t += s > 0 ? '+' : '-';
  }
  return t;
}

int run_reduce(const ReduceArgs& a) {
  check_problem(a.problem);
  const bool gadget = a.problem == "gadget";
  if (gadget && (!a.input.empty() || !a.random.empty()))
    throw InputError("gadget has no source instance: give --units K (and --seed S), not --input or --random");
  if (!gadget && a.input.empty() == a.random.empty())
    throw InputError(a.problem + " needs exactly one of --input FILE and --random key=value,...");
  if ((a.kappa || a.ell) && a.problem != "densest-subgraph")
    throw InputError("--kappa and --ell apply to densest-subgraph only");
  if (a.colors && a.problem != "coloring") throw InputError("--colors applies to coloring only");
  if (a.units && !gadget) throw InputError("--units applies to gadget only (the other reductions fix k)");

  nlohmann::json source = nlohmann::json::object();
  if (!a.input.empty()) source["file"] = a.input;
  source["seed"] = a.seed;
  Built b = a.problem == "set-cover"          ? build_set_cover(a, source)
            : a.problem == "circuit"          ? build_circuit(a, source)
            : a.problem == "densest-subgraph" ? build_densest_subgraph(a, source)
            : a.problem == "coloring"         ? build_coloring(a, source)
                                              : build_gadget(a, source);
  if (!a.witness.empty()) {
    if (b.witness)
      save_network(a.witness, *b.witness);
    else
      b.witness_note = "no witness written: " + b.optimum_note;
  }
  if (!b.witness && b.witness_note.empty()) b.witness_note = "no witness: " + b.optimum_note;

  std::string train = "krelu train " + a.output + " --units " + std::to_string(b.units) + " --signs " +
                      signs_text(b.signs) + (b.radius ? " --radius " + num(*b.radius) : std::string());
  if (!a.meta.empty()) {
    nlohmann::json meta = {{"krelu_meta", 1},
                           {"problem", a.problem},
                           {"source", source},
                           {"instance", b.instance},
                           {"data", a.output},
                           {"samples", b.samples},
                           {"dim", b.dim},
                           {"units", b.units},
                           {"signs", b.signs.empty() ? nlohmann::json("free") : nlohmann::json(b.signs)},
                           {"radius", b.radius ? nlohmann::json(*b.radius) : nlohmann::json(nullptr)},
                           {"constants", b.constants},
                           {"optimum", b.optimum},
                           {"optimum_note", b.optimum_note},
                           {"witness", a.witness.empty() || !b.witness ? nlohmann::json(nullptr) : nlohmann::json(a.witness)},
                           {"witness_note", b.witness_note},
                           {"witness_predicted_loss",
                            b.predicted_loss ? nlohmann::json(*b.predicted_loss) : nlohmann::json(nullptr)},
                           {"train_command", train}};
    save_json(a.meta, meta);
  }
  std::cout << b.summary << '\n'
            << "samples:      " << b.samples << " in dimension " << b.dim << " -> " << a.output << '\n'
            << "target:       " << b.units << (b.units == 1 ? " unit" : " units") << ", signs " << signs_text(b.signs)
            << ", radius " << (b.radius ? num(*b.radius) : std::string("unbounded")) << '\n'
            << "constants:   ";
  for (const auto& [name, value] : b.constants.items()) std::cout << ' ' << name << '=' << num(value.get<double>());
  std::cout << '\n';
  if (!b.optimum.is_null())
    std::cout << "optimum:      " << b.optimum["value"].dump() << " (" << b.optimum["meaning"].get<std::string>() << ")"
              << (b.optimum.contains("solution") ? ": " + b.optimum["solution"].dump() : std::string()) << '\n';
  else
    std::cout << "optimum:      " << b.optimum_note << '\n';
  if (b.predicted_loss) std::cout << "witness loss: " << num(*b.predicted_loss) << " (predicted by the proof)\n";
  if (!a.witness.empty() && b.witness) std::cout << "witness:      " << a.witness << '\n';
  if (!b.witness_note.empty() && !a.witness.empty()) std::cerr << "krelu: note: " << b.witness_note << '\n';
  if (!a.meta.empty()) std::cout << "meta:         " << a.meta << '\n';
  std::cout << "train with:   " << train << '\n';
  return exit_ok;
}

}  // namespace

void add_reduce_command(CLI::App& app, Runner& run) {
  auto args = std::make_shared<ReduceArgs>();
  CLI::App* cmd = app.add_subcommand("reduce", "Build a hard training instance from a source problem (the paper's reductions)");
  cmd->add_option("PROBLEM", args->problem, "set-cover | circuit | densest-subgraph | coloring | gadget")->required();
  cmd->add_option("--input,-i", args->input,
                  "Source file: OR-Library (set-cover), .bench (circuit), DIMACS (densest-subgraph), hMETIS (coloring)");
  cmd->add_option("--random", args->random,
                  "Random source from key=value parameters, e.g. universe=20,subsets=12,density=0.2 (see docs/cli.md)")
      ->delimiter(',');
  cmd->add_option("--output,-o", args->output, "Sample file to write (.svm or .csv)")->required();
  cmd->add_option("--witness", args->witness, "Write the proof's witness network (needs the source optimum)");
  cmd->add_option("--meta", args->meta, "Write META (JSON): instance, constants, optimum; what decode reads");
  cmd->add_option("--seed", args->seed, "Seed of the random generator (and of the gadget)");
  cmd->add_option("--kappa", args->kappa, "densest-subgraph: size of the vertex set");
  cmd->add_option("--ell", args->ell, "densest-subgraph: number of induced edges asked for");
  cmd->add_option("--colors", args->colors, "coloring: number of colours k (= ReLU units)");
  cmd->add_option("--units", args->units, "gadget: number of units k");
  cmd->callback([args, &run] { run = [args] { return run_reduce(*args); }; });
}

}  // namespace krelu::cli
