// krelu verify: recompute what a result claims and say whether the claim holds (exit 3 if not).
//
// A claim is the "loss" of a `krelu train --json` (or `krelu local --json`) result, or a loss
// given with --claim for a plain network file. The loss is recomputed from the data file alone
// and compared with relative tolerance 1e-9. The lower bound (and status) of a train result is
// checked with krelu::verify for the problem the result records (units, signs, radius).

#include <algorithm>
#include <cctype>
#include <cmath>
#include <iostream>
#include <memory>

#include "common.hpp"
#include "krelu/loss.hpp"
#include "krelu/train/verify.hpp"

namespace krelu::cli {

namespace {

struct VerifyArgs {
  std::string data, result, format;
  std::optional<double> claim;
  bool json = false;
};

constexpr double relative_tolerance = 1e-9;

/// What was checked of a lower-bound claim (krelu::verify: signs, radius, gap, and a seeded sample
/// of sign patterns re-solved in long double, all of them on small instances).
struct BoundCheck {
  bool checked = false;
  bool holds = true;
  std::string note;
};

Status status_from(const std::string& text) {
  for (Status s : {Status::optimal, Status::time_limit, Status::pattern_limit, Status::node_limit, Status::cancelled,
                   Status::numerical_issue})
    if (text == to_string(s)) return s;
  throw InputError("unknown status '" + text + "' in the result");
}

BoundCheck check_lower_bound(const SampleSet<double>& samples, const Network<double>& net, double claimed_loss,
                             const nlohmann::json& result) {
  if (!result.contains("lower_bound") || !result["lower_bound"].is_number()) return {false, true, "the result claims no lower bound"};
  TrainOptions<double> problem;
  problem.units = static_cast<int>(net.units());
  problem.signs = parse_signs(result.contains("signs") && result["signs"].is_string() ? result["signs"].get<std::string>()
                                                                                     : std::string("free"));
  if (result.contains("radius") && result["radius"].is_number()) problem.radius = result["radius"].get<double>();
  TrainResult<double> claim(net, claimed_loss, result["lower_bound"].get<double>());
  claim.status = status_from(result.contains("status") && result["status"].is_string() ? result["status"].get<std::string>()
                                                                                       : std::string("optimal"));
  const auto report = krelu::verify(samples, claim, problem);
  const bool holds = report.bound_ok && report.gap_ok && report.signs_ok && report.radius_ok && report.shape_ok &&
                     report.finite_ok;
  std::string note = holds ? "holds: " + std::to_string(report.patterns_checked) + " sign patterns re-solved in long double" +
                                 (report.enumerated ? " (all of them)" : " (a seeded sample)")
                           : "DOES NOT HOLD: " + report.message;
  return {true, holds, note};
}

int run_verify(const VerifyArgs& args) {
  const SampleSet<double> samples = load_samples(args.data, args.format);
  if (samples.size() == 0) throw InputError(args.data + ": the file holds no sample");
  std::string ext = std::filesystem::path(args.result).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  nlohmann::json result = nlohmann::json::object();
  std::optional<double> claimed = args.claim;
  Network<double> net = [&] {
    if (ext != ".json") return load_network(args.result);
    result = load_json(args.result);
    if (!result.is_object() || !result.contains("network"))
      throw InputError(args.result + ": not a result of 'krelu train --json' (no \"network\" field)");
    if (!claimed) {
      if (!result.contains("loss") || !result["loss"].is_number())
        throw InputError(args.result + ": no numeric \"loss\" to verify");
      claimed = result["loss"].get<double>();
    }
    return network_from_json(result["network"], args.result);
  }();
  if (net.dim() != samples.dim())
    throw InputError("the network has dimension " + std::to_string(net.dim()) + " but the samples of '" + args.data +
                     "' have dimension " + std::to_string(samples.dim()));
  const double L = loss(net, samples);
  const BoundCheck bound = claimed ? check_lower_bound(samples, net, *claimed, result) : BoundCheck{false, true, "no claim"};
  std::optional<bool> holds;
  double relative = 0;
  if (claimed) {
    const double scale = std::max(std::abs(L), std::abs(*claimed));
    relative = scale > 0 ? std::abs(L - *claimed) / scale : 0.0;
    holds = std::isfinite(*claimed) && relative <= relative_tolerance;
  }
  if (args.json) {
    nlohmann::json j = {{"command", "verify"},
                        {"loss", L},
                        {"claimed_loss", claimed ? nlohmann::json(*claimed) : nlohmann::json(nullptr)},
                        {"relative_difference", claimed ? nlohmann::json(relative) : nlohmann::json(nullptr)},
                        {"tolerance", relative_tolerance},
                        {"holds", holds ? nlohmann::json(*holds) : nlohmann::json(nullptr)},
                        {"lower_bound_checked", bound.checked},
                        {"lower_bound_holds", bound.holds},
                        {"lower_bound_note", bound.note}};
    std::cout << j.dump(2) << '\n';
  } else {
    std::cout << "loss:         " << num(L) << " (recomputed from " << args.data << ")\n";
    if (claimed)
      std::cout << "claimed:      " << num(*claimed) << " (relative difference " << num(relative) << ", tolerance "
                << num(relative_tolerance) << ")\n"
                << "claim:        " << (*holds ? "holds" : "DOES NOT HOLD") << '\n';
    else
      std::cout << "claim:        none (give a result .json or --claim LOSS)\n";
    std::cout << "lower bound:  " << bound.note << '\n';
  }
  return (holds && !*holds) || !bound.holds ? exit_claim_failed : exit_ok;
}

}  // namespace

void add_verify_command(CLI::App& app, Runner& run) {
  auto args = std::make_shared<VerifyArgs>();
  CLI::App* cmd = app.add_subcommand("verify", "Recompute the loss a result claims (exit 3 if it does not hold)");
  cmd->add_option("DATA", args->data, "Samples: .csv or .svm")->required();
  cmd->add_option("RESULT", args->result, "A 'krelu train --json' result (.json) or a network file")->required();
  cmd->add_option("--claim", args->claim, "The claimed loss (default: the result's \"loss\")");
  add_format_option(*cmd, args->format);
  cmd->add_flag("--json", args->json, "Print one JSON object instead of text");
  cmd->callback([args, &run] { run = [args] { return run_verify(*args); }; });
}

}  // namespace krelu::cli
