#pragma once
/// \file
/// ISCAS `.bench` circuit files restricted to monotone gates: the source circuits of the
/// Minimum Monotone Circuit Satisfiability reduction (Thm 11).
///
/// Format, one statement per line ('#' starts a comment, blank lines are ignored):
///
///     INPUT(a)                  an input wire
///     OUTPUT(z)                 the circuit's output wire, exactly once
///     g = AND(a, b, ...)        a gate wire; fan-in >= 1
///     g = OR(a, b, ...)
///
/// Keywords are case-insensitive; wire names are any text without blanks, parentheses, commas,
/// '=' or '#'. Gates may appear in any order and may use wires defined further down (the
/// benchmark files do): they are sorted topologically, so wire indices follow
/// problems::MonotoneCircuit (inputs in file order, then gates in an order where every gate
/// comes after the wires it reads). Any other gate type (NOT, NAND, NOR, XOR, BUFF, DFF, ...)
/// throws ParseError at its line: MMCS is about monotone AND/OR circuits only. So do a wire
/// defined twice, an undefined wire, a cycle, and zero or several OUTPUT lines.
///
/// \code
/// std::istringstream in("INPUT(a)\nINPUT(b)\nINPUT(c)\nOUTPUT(z)\nt = OR(a, b)\nz = AND(t, c)\n");
/// auto file = krelu::read_circuit_bench(in, "tiny.bench");
/// bool y = file.circuit.evaluate({true, false, true});   // true
/// std::string name = file.wire_names[3];                  // "t"
/// \endcode

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <istream>
#include <map>
#include <optional>
#include <stdexcept>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "krelu/io/parse_error.hpp"
#include "krelu/io/text_lines.hpp"
#include "krelu/problems/monotone_circuit.hpp"

namespace krelu {

/// A monotone circuit read from a `.bench` file and the names of its wires.
struct BenchCircuit {
  problems::MonotoneCircuit circuit;
  std::vector<std::string> wire_names;  ///< wire_names[w] = the file's name of wire w
};

namespace detail {

inline bool is_bench_name_char(char c) {
  return !is_blank(c) && c != '(' && c != ')' && c != ',' && c != '=' && c != '#';
}

/// A statement's pieces with their columns: `name = KIND(args)` or `KIND(args)`.
struct BenchStatement {
  std::string_view target;  ///< empty for INPUT/OUTPUT
  std::string_view kind;
  std::vector<std::string_view> args;
};

inline std::string_view bench_name(const LineReader& lines, std::string_view s, std::size_t& pos, const char* what) {
  while (pos < s.size() && is_blank(s[pos])) ++pos;
  const std::size_t start = pos;
  while (pos < s.size() && is_bench_name_char(s[pos])) ++pos;
  if (pos == start)
    lines.fail(lines.column_of(s.substr(std::min(start, s.size()))),
               std::string("expected ") + what + (start < s.size() ? ", found '" + std::string(1, s[start]) + "'"
                                                                   : std::string(" at the end of the line")));
  return s.substr(start, pos - start);
}

inline void bench_expect(const LineReader& lines, std::string_view s, std::size_t& pos, char c) {
  while (pos < s.size() && is_blank(s[pos])) ++pos;
  if (pos >= s.size() || s[pos] != c)
    lines.fail(lines.column_of(s.substr(std::min(pos, s.size()))),
               std::string("expected '") + c + "'" +
                   (pos < s.size() ? ", found '" + std::string(1, s[pos]) + "'" : std::string(" at the end of the line")));
  ++pos;
}

inline BenchStatement parse_bench_statement(const LineReader& lines, std::string_view s) {
  BenchStatement st;
  std::size_t pos = 0;
  const std::string_view first = bench_name(lines, s, pos, "a statement");
  std::size_t look = pos;
  while (look < s.size() && is_blank(s[look])) ++look;
  if (look < s.size() && s[look] == '=') {
    st.target = first;
    pos = look + 1;
    st.kind = bench_name(lines, s, pos, "a gate type after '='");
  } else {
    st.kind = first;
  }
  bench_expect(lines, s, pos, '(');
  for (;;) {
    st.args.push_back(bench_name(lines, s, pos, "a wire name"));
    while (pos < s.size() && is_blank(s[pos])) ++pos;
    if (pos < s.size() && s[pos] == ',') {
      ++pos;
      continue;
    }
    bench_expect(lines, s, pos, ')');
    break;
  }
  while (pos < s.size() && is_blank(s[pos])) ++pos;
  if (pos < s.size())
    lines.fail(lines.column_of(s.substr(pos)), "unexpected '" + std::string(s.substr(pos)) + "' after the statement");
  return st;
}

}  // namespace detail

/// Reads a monotone `.bench` circuit from a stream; `name` is used in error messages.
inline BenchCircuit read_circuit_bench(std::istream& in, const std::string& name) {
  detail::LineReader lines(in, name);
  struct Wire {
    std::size_t line = 0;
    bool is_input = false;
    problems::GateKind kind = problems::GateKind::and_gate;
    std::vector<std::string> args;
    std::vector<std::size_t> arg_columns;
  };
  std::vector<std::string> order;  // wire names in definition order
  std::map<std::string, Wire, std::less<>> wires;
  std::optional<std::pair<std::string, std::size_t>> output;  // name, line
  std::size_t output_column = 1;
  while (lines.next()) {
    std::string_view s = lines.line();
    s = s.substr(0, s.find('#'));
    if (detail::trim_blanks(s).empty()) continue;
    const detail::BenchStatement st = detail::parse_bench_statement(lines, s);
    const bool is_input = st.target.empty() && detail::equals_ignoring_case(st.kind, "input");
    const bool is_output = st.target.empty() && detail::equals_ignoring_case(st.kind, "output");
    if (st.target.empty() && !is_input && !is_output)
      lines.fail_at(st.kind, "expected INPUT(name), OUTPUT(name) or 'name = AND(...)' / 'name = OR(...)', found " +
                                 detail::quoted(st.kind));
    if ((is_input || is_output) && st.args.size() != 1)
      lines.fail_at(st.args[1], std::string(is_input ? "INPUT" : "OUTPUT") + " takes exactly one wire name");
    if (is_output) {
      if (output)
        lines.fail_at(st.kind, "a second OUTPUT (the first is on line " + std::to_string(output->second) +
                                   "): the circuit must have exactly one output");
      output.emplace(std::string(st.args[0]), lines.number());
      output_column = lines.column_of(st.args[0]);
      continue;
    }
    Wire w;
    w.line = lines.number();
    w.is_input = is_input;
    const std::string_view defined = is_input ? st.args[0] : st.target;
    if (!is_input) {
      if (detail::equals_ignoring_case(st.kind, "and"))
        w.kind = problems::GateKind::and_gate;
      else if (detail::equals_ignoring_case(st.kind, "or"))
        w.kind = problems::GateKind::or_gate;
      else
        lines.fail_at(st.kind, "gate type " + detail::quoted(st.kind) +
                                   " is not supported: only monotone AND/OR gates are (Minimum Monotone Circuit "
                                   "Satisfiability, Thm 11)");
      for (const auto a : st.args) {
        w.args.emplace_back(a);
        w.arg_columns.push_back(lines.column_of(a));
      }
    }
    if (const auto it = wires.find(defined); it != wires.end())
      lines.fail_at(defined, "wire " + detail::quoted(defined) + " is defined twice (first on line " +
                                 std::to_string(it->second.line) + ")");
    order.emplace_back(defined);
    wires.emplace(std::string(defined), std::move(w));
  }
  const std::size_t last = std::max<std::size_t>(lines.number(), 1);
  if (!output) throw ParseError(name, last, 1, "no OUTPUT(name) line: the circuit must have exactly one output");
  if (!wires.count(output->first))
    throw ParseError(name, output->second, output_column, "the output wire " + detail::quoted(output->first) +
                                                                " is never defined");

  // Inputs first (file order), then gates in a topological order found by depth-first search.
  std::map<std::string, int, std::less<>> index;
  BenchCircuit out{problems::MonotoneCircuit(1, {}), {}};
  for (const auto& n : order)
    if (wires.at(n).is_input) {
      index.emplace(n, static_cast<int>(out.wire_names.size()));
      out.wire_names.push_back(n);
    }
  if (out.wire_names.empty()) throw ParseError(name, last, 1, "no INPUT(name) line: the circuit needs an input");
  const int num_inputs = static_cast<int>(out.wire_names.size());
  std::vector<problems::Gate> gates;
  std::map<std::string, char, std::less<>> state;  // 1 = on the DFS stack, 2 = placed
  for (const auto& root : order) {
    if (wires.at(root).is_input || state[root] == 2) continue;
    // Iterative DFS: (wire name, next argument to visit).
    std::vector<std::pair<std::string, std::size_t>> stack{{root, 0}};
    state[root] = 1;
    while (!stack.empty()) {
      auto& [wname, next] = stack.back();
      const Wire& w = wires.at(wname);
      if (next < w.args.size()) {
        const std::string& a = w.args[next];
        const auto it = wires.find(a);
        if (it == wires.end())
          throw ParseError(name, w.line, w.arg_columns[next], "wire " + detail::quoted(a) + " is never defined");
        ++next;
        if (it->second.is_input) continue;
        char& s = state[a];
        if (s == 1)
          throw ParseError(name, w.line, w.arg_columns[next - 1],
                           "wire " + detail::quoted(a) + " depends on itself (a cycle): circuits must be acyclic");
        if (s == 0) {
          s = 1;
          stack.emplace_back(a, 0);
        }
        continue;
      }
      problems::Gate g;
      g.kind = w.kind;
      for (const auto& a : w.args) g.inputs.push_back(index.at(a));
      index.emplace(wname, num_inputs + static_cast<int>(gates.size()));
      out.wire_names.push_back(wname);
      gates.push_back(std::move(g));
      state[wname] = 2;
      stack.pop_back();
    }
  }
  out.circuit = problems::MonotoneCircuit(num_inputs, std::move(gates), index.at(output->first));
  return out;
}

/// Reads a `.bench` file; std::runtime_error if it cannot be opened.
inline BenchCircuit read_circuit_bench(const std::filesystem::path& path) {
  auto in = detail::open_input(path, "read_circuit_bench");
  return read_circuit_bench(in, path.string());
}

/// Writes a circuit as `.bench`: INPUT lines, the OUTPUT line, then the gates in wire order.
/// `wire_names` (one per wire, no blanks or separators) defaults to x0, x1, ... for the inputs and
/// g0, g1, ... for the gates. Throws std::invalid_argument for a wrong count or an unusable name.
inline void write_circuit_bench(std::ostream& out, const problems::MonotoneCircuit& c,
                                const std::vector<std::string>& wire_names = {}) {
  std::vector<std::string> names = wire_names;
  if (names.empty())
    for (int w = 0; w < c.num_wires(); ++w)
      names.push_back(c.is_input(w) ? "x" + std::to_string(w) : "g" + std::to_string(w - c.num_inputs()));
  if (names.size() != static_cast<std::size_t>(c.num_wires()))
    throw std::invalid_argument("write_circuit_bench: " + std::to_string(wire_names.size()) + " names for " +
                                std::to_string(c.num_wires()) + " wires");
  for (const auto& n : names)
    if (n.empty() || !std::all_of(n.begin(), n.end(), detail::is_bench_name_char))
      throw std::invalid_argument("write_circuit_bench: wire name " + detail::quoted(n) +
                                  " is empty or holds a blank, parenthesis, comma, '=' or '#'");
  std::vector<std::string> sorted = names;
  std::sort(sorted.begin(), sorted.end());
  if (const auto dup = std::adjacent_find(sorted.begin(), sorted.end()); dup != sorted.end())
    throw std::invalid_argument("write_circuit_bench: wire name " + detail::quoted(*dup) + " is used twice");
  for (int i = 0; i < c.num_inputs(); ++i) out << "INPUT(" << names[static_cast<std::size_t>(i)] << ")\n";
  out << "OUTPUT(" << names[static_cast<std::size_t>(c.output())] << ")\n";
  for (int g = 0; g < c.num_gates(); ++g) {
    const auto& gate = c.gate(g);
    out << names[static_cast<std::size_t>(c.num_inputs() + g)] << " = "
        << (gate.kind == problems::GateKind::and_gate ? "AND(" : "OR(");
    for (std::size_t p = 0; p < gate.inputs.size(); ++p)
      out << (p ? ", " : "") << names[static_cast<std::size_t>(gate.inputs[p])];
    out << ")\n";
  }
}

/// Writes a `.bench` file; std::runtime_error if it cannot be written.
inline void write_circuit_bench(const std::filesystem::path& path, const problems::MonotoneCircuit& c,
                                const std::vector<std::string>& wire_names = {}) {
  auto out = detail::open_output(path, "write_circuit_bench");
  write_circuit_bench(out, c, wire_names);
  detail::finish_output(out, path.string(), "write_circuit_bench");
}

}  // namespace krelu
