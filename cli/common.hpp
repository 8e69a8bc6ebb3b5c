// Shared pieces of the krelu command-line tool: errors and exit codes, reading the user's
// files, sign and radius options, and printing networks and numbers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "krelu/network.hpp"
#include "krelu/samples.hpp"
#include "krelu/train/options.hpp"

namespace krelu::cli {

/// Exit codes of the tool.
enum ExitCode : int { exit_ok = 0, exit_internal = 1, exit_bad_input = 2, exit_claim_failed = 3 };

/// A mistake in what the user gave (a file, an option value): exit code 2, one line on stderr.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// What a subcommand runs after the command line parsed; returns the exit code.
using Runner = std::function<int()>;

/// Each command adds itself to the application; when selected it stores its runner in `run`.
void add_train_command(CLI::App& app, Runner& run);
void add_local_command(CLI::App& app, Runner& run);
void add_eval_command(CLI::App& app, Runner& run);
void add_reduce_command(CLI::App& app, Runner& run);
void add_decode_command(CLI::App& app, Runner& run);
void add_verify_command(CLI::App& app, Runner& run);

/// Throws InputError unless `path` names a readable regular file.
void require_file(const std::string& path, const char* what);

/// The `--format csv|svmlight` option shared by the commands that read samples.
void add_format_option(CLI::App& cmd, std::string& format);

/// Reads a sample file, in `format` ("csv", "svmlight") or, when empty, the one its extension names.
SampleSet<double> load_samples(const std::string& path, const std::string& format);

/// Reads a network file (krelu/io/network_file.hpp).
Network<double> load_network(const std::string& path);

/// Writes a network file; InputError if the path cannot be written.
void save_network(const std::string& path, const Network<double>& net);

/// Parses --signs: "free", "plus" (all +1), or a comma-separated vector of + / - / +1 / -1.
Signs parse_signs(const std::string& text);

/// Checks --radius: finite and > 0.
std::optional<double> checked_radius(const std::optional<double>& radius);

/// The network as {"a": [...], "W": [[...], ...]}.
nlohmann::json network_json(const Network<double>& net);

/// The network of a {"a": [...], "W": [[...]]} object; InputError naming `where` if malformed.
Network<double> network_from_json(const nlohmann::json& j, const std::string& where);

/// Reads and parses a JSON file; InputError with the parser's message if it is not JSON.
nlohmann::json load_json(const std::string& path);

/// Writes `j` to a file (pretty-printed); InputError if it cannot be written.
void save_json(const std::string& path, const nlohmann::json& j);

/// A number for people: 10 significant digits.
std::string num(double x);

/// Prints a network for people: one line per unit, sign and weights (at most `max_weights` shown).
void print_network(std::ostream& out, const Network<double>& net, int max_weights = 12);

/// True when standard error is a terminal (the live progress line is shown only then).
bool stderr_is_terminal();

}  // namespace krelu::cli
