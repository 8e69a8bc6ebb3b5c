// krelu eval: the loss of a network on a sample file (Definition 2) and a summary of its residuals.

#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>
#include <vector>

#include "common.hpp"
#include "krelu/loss.hpp"

namespace krelu::cli {

namespace {

struct EvalArgs {
  std::string network, data, format;
  bool json = false;
};

/// The q-quantile of sorted values, linear interpolation between order statistics.
double quantile(const std::vector<double>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

int run_eval(const EvalArgs& args) {
  const Network<double> net = load_network(args.network);
  const SampleSet<double> samples = load_samples(args.data, args.format);
  if (samples.size() == 0) throw InputError(args.data + ": the file holds no sample");
  if (net.dim() != samples.dim())
    throw InputError("the network has dimension " + std::to_string(net.dim()) + " but the samples of '" + args.data +
                     "' have dimension " + std::to_string(samples.dim()));
  const auto r = residuals(net, samples);
  const double L = loss(net, samples), total = total_loss(net, samples);
  std::vector<double> sorted(r.data(), r.data() + r.size());
  std::sort(sorted.begin(), sorted.end());
  const double max_abs = r.cwiseAbs().maxCoeff(), mean = r.mean(), mean_abs = r.cwiseAbs().mean();
  const double q[5] = {sorted.front(), quantile(sorted, 0.25), quantile(sorted, 0.5), quantile(sorted, 0.75),
                       sorted.back()};
  if (args.json) {
    nlohmann::json j = {{"command", "eval"},
                        {"loss", L},
                        {"total_loss", total},
                        {"samples", samples.size()},
                        {"total_weight", samples.total_weight()},
                        {"residuals",
                         {{"max_abs", max_abs},
                          {"mean", mean},
                          {"mean_abs", mean_abs},
                          {"min", q[0]},
                          {"q25", q[1]},
                          {"median", q[2]},
                          {"q75", q[3]},
                          {"max", q[4]}}}};
    std::cout << j.dump(2) << '\n';
    return exit_ok;
  }
  std::cout << "samples:      " << samples.size() << " (total weight " << num(samples.total_weight()) << ")\n"
            << "loss:         " << num(L) << "  (weighted mean of squared residuals)\n"
            << "total loss:   " << num(total) << "  (weighted sum)\n"
            << "residuals r_i = f(x_i) - y_i (unweighted):\n"
            << "  max |r|:    " << num(max_abs) << '\n'
            << "  mean:       " << num(mean) << "   mean |r|: " << num(mean_abs) << '\n'
            << "  quantiles:  min " << num(q[0]) << "  25% " << num(q[1]) << "  50% " << num(q[2]) << "  75% "
            << num(q[3]) << "  max " << num(q[4]) << '\n';
  return exit_ok;
}

}  // namespace

void add_eval_command(CLI::App& app, Runner& run) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = app.add_subcommand("eval", "Loss and residual summary of a network on samples");
  cmd->add_option("NET", args->network, "Network file (one unit per line: a_j w_j1 ... w_jn)")->required();
  cmd->add_option("DATA", args->data, "Samples: .csv or .svm")->required();
  add_format_option(*cmd, args->format);
  cmd->add_flag("--json", args->json, "Print one JSON object instead of text");
  cmd->callback([args, &run] { run = [args] { return run_eval(*args); }; });
}

}  // namespace krelu::cli
