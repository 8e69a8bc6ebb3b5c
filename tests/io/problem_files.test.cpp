// Readers and writers of the source-problem file formats: OR-Library Set Cover, DIMACS graphs,
// hMETIS hypergraphs and monotone ISCAS .bench circuits. Round trips on the problems/ generators,
// the hand-written files in tests/data/problems/, and every malformed case with its location.

#include <catch2/catch.hpp>

#include <functional>
#include <random>
#include <sstream>
#include <string>

#include "krelu/io/bench_circuit.hpp"
#include "krelu/io/dimacs.hpp"
#include "krelu/io/hmetis.hpp"
#include "krelu/io/or_library.hpp"

namespace kp = krelu::problems;

namespace {

const std::string data_dir = std::string(KRELU_TEST_DATA_DIR) + "/problems/";

/// Runs `read` on `text` and checks that it throws a ParseError at (line, column) whose message
/// contains `fragment`.
template <class Read>
void require_parse_error(Read read, const std::string& text, std::size_t line, std::size_t column,
                         const std::string& fragment) {
  INFO("input:\n" << text);
  std::istringstream in(text);
  try {
    read(in, std::string("bad.txt"));
    FAIL("no ParseError thrown");
  } catch (const krelu::ParseError& e) {
    INFO("what(): " << e.what());
    CHECK(e.file() == "bad.txt");
    CHECK(e.line() == line);
    CHECK(e.column() == column);
    CHECK_THAT(e.message(), Catch::Matchers::Contains(fragment));
  }
}

auto read_scp = [](std::istream& in, const std::string& name) { return krelu::read_set_cover_or_library(in, name); };
auto read_col = [](std::istream& in, const std::string& name) { return krelu::read_graph_dimacs(in, name); };
auto read_hgr = [](std::istream& in, const std::string& name) { return krelu::read_hypergraph_hmetis(in, name); };
auto read_bench = [](std::istream& in, const std::string& name) { return krelu::read_circuit_bench(in, name); };

}  // namespace

TEST_CASE("OR-Library Set Cover: random instances round-trip, costs included", "[io][or_library]") {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 20; ++trial) {
    const int universe = 1 + static_cast<int>(rng() % 40), subsets = 1 + static_cast<int>(rng() % 30);
    const kp::SetCover sc = kp::random_set_cover(universe, subsets, 0.15, rng);
    std::vector<double> costs;
    if (trial % 2 == 1)
      for (int j = 0; j < subsets; ++j) costs.push_back(0.5 + static_cast<double>(rng() % 7));
    std::stringstream text;
    krelu::write_set_cover_or_library(text, sc, costs);
    const auto back = krelu::read_set_cover_or_library(text, "round_trip.txt");
    CHECK(back.instance.universe_size() == universe);
    CHECK(back.instance.subsets() == sc.subsets());
    if (costs.empty()) {
      CHECK(back.costs == std::vector<double>(static_cast<std::size_t>(subsets), 1.0));
      CHECK(back.unicost());
    } else {
      CHECK(back.costs == costs);
      const bool equal = std::all_of(costs.begin(), costs.end(), [&](double c) { return c == costs[0]; });
      CHECK(back.unicost() == equal);
    }
  }
}

TEST_CASE("OR-Library Set Cover: hand-written files", "[io][or_library]") {
  const auto tiny = krelu::read_set_cover_or_library(data_dir + "scp_tiny.txt");
  CHECK(tiny.instance.universe_size() == 6);
  CHECK(tiny.instance.subsets() == std::vector<std::vector<int>>{{0, 1, 5}, {0, 2}, {1, 3}, {2, 4}, {4, 5}});
  CHECK(tiny.unicost());
  CHECK(kp::solve_exact(tiny.instance) == std::vector<int>{0, 2, 3});

  const auto costly = krelu::read_set_cover_or_library(data_dir + "scp_costs.txt");
  CHECK(costly.costs == std::vector<double>{2, 1, 3});
  CHECK_FALSE(costly.unicost());
  CHECK_THAT(costly.warning, Catch::Matchers::Contains("from 1 to 3") && Catch::Matchers::Contains("Thm 8"));
  CHECK(kp::solve_exact(costly.instance).size() == 2);

  // Free-form whitespace: the whole file on one line reads the same; a column repeated in a row is merged.
  std::istringstream one_line("3 2 1 1 2 1 2 1 2 2 2 2");
  const auto flat = krelu::read_set_cover_or_library(one_line, "flat.txt");
  CHECK(flat.instance.subsets() == std::vector<std::vector<int>>{{0}, {0, 1, 2}});
  // A row covered by no column is accepted; the instance then has no cover.
  std::istringstream uncovered("2 1 1 1 1 0");
  CHECK_FALSE(krelu::read_set_cover_or_library(uncovered, "u.txt").instance.has_cover());
}

TEST_CASE("OR-Library Set Cover: malformed files name line and column", "[io][or_library]") {
  require_parse_error(read_scp, "", 1, 1, "unexpected end of file: expected the number of rows m");
  require_parse_error(read_scp, "0 3\n", 1, 1, "the number of rows m must lie in [1, ");
  require_parse_error(read_scp, "2 x\n", 1, 3, "expected the number of columns n (a non-negative integer), found 'x'");
  require_parse_error(read_scp, "2 2\n1 0\n", 2, 3, "the cost of column 2 must be > 0");
  require_parse_error(read_scp, "2 2\n1 abc\n", 2, 3, "cost of column 2");
  require_parse_error(read_scp, "2 2\n1 1\n1 3\n1 1\n", 3, 3, "column index 3 of row 1 is outside 1..2");
  require_parse_error(read_scp, "2 2\n1 1\n3 1 2 1\n", 3, 1, "the number of columns covering row 1 must lie in [0, 2]");
  require_parse_error(read_scp, "2 2\n1 1\n1 1\n2 1", 4, 4, "unexpected end of file: expected a column index of row 2");
  require_parse_error(read_scp, "1 1\n1\n1 1\n9\n", 4, 1, "unexpected '9' after the last row");
}

TEST_CASE("DIMACS graphs: random graphs round-trip", "[io][dimacs]") {
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 20; ++trial) {
    const int n = 2 + static_cast<int>(rng() % 30), d = 1 + static_cast<int>(rng() % 4);
    const int cap = std::min(n * (n - 1) / 2, n * d / 2);
    const kp::Graph g = kp::random_graph(n, static_cast<int>(rng() % static_cast<unsigned>(cap + 1)), d, rng);
    std::stringstream text;
    krelu::write_graph_dimacs(text, g);
    const kp::Graph back = krelu::read_graph_dimacs(text, "g.col");
    CHECK(back.num_vertices() == g.num_vertices());
    CHECK(back.edges() == g.edges());
  }
}

TEST_CASE("DIMACS graphs: hand-written file, 'p col' and merged duplicates", "[io][dimacs]") {
  const kp::Graph ring = krelu::read_graph_dimacs(data_dir + "ring.col");
  CHECK(ring.num_vertices() == 6);
  CHECK(ring.num_edges() == 8);
  CHECK(ring.max_degree() == 3);
  CHECK(kp::densest_subgraph(ring, 3).value == 3);
  CHECK(ring.has_edge(0, 2));

  // Both orientations of an edge (as some benchmark files list them) count toward M, then merge.
  std::istringstream both("p col 3 4\ne 1 2\ne 2 1\ne 2 3\ne 3 2\n");
  const kp::Graph merged = krelu::read_graph_dimacs(both, "both.col");
  CHECK(merged.edges() == std::vector<kp::Graph::Edge>{{0, 1}, {1, 2}});
}

TEST_CASE("DIMACS graphs: malformed files name line and column", "[io][dimacs]") {
  require_parse_error(read_col, "c nothing\n", 1, 1, "no problem line");
  require_parse_error(read_col, "e 1 2\n", 1, 1, "an edge before the problem line");
  require_parse_error(read_col, "p cnf 3 1\n", 1, 3, "found format 'cnf'");
  require_parse_error(read_col, "p edge 3 1\np edge 3 1\n", 2, 1, "a second problem line");
  require_parse_error(read_col, "p edge 3 1\ne 2 2\n", 2, 3, "self-loop at vertex 2");
  require_parse_error(read_col, "p edge 3 1\ne 1 4\n", 2, 5, "vertex 4 is outside 1..3");
  require_parse_error(read_col, "p edge 3 1\ne 0 1\n", 2, 3, "vertex 0 is outside 1..3");
  require_parse_error(read_col, "p edge 3 1\ne 1 2\ne 2 3\n", 3, 1, "more edges than the 1 announced on line 1");
  require_parse_error(read_col, "c x\np edge 3 2\ne 1 2\n", 2, 1, "announces 2 edges but the file has 1");
  require_parse_error(read_col, "p edge 3 1\ne 1 2 3\n", 2, 7, "an edge line must read 'e u v'");
  require_parse_error(read_col, "p edge 3 1\ne 1\n", 2, 4, "missing the second vertex");
  require_parse_error(read_col, "p edge 3 1\nn 1 5\n", 2, 1, "unknown line type 'n'");
}

TEST_CASE("hMETIS hypergraphs: random hypergraphs round-trip", "[io][hmetis]") {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 20; ++trial) {
    const int n = 6 + static_cast<int>(rng() % 20);
    const auto planted = kp::planted_colorable_hypergraph(n, static_cast<int>(rng() % 15), 2, 4, 2, rng);
    std::stringstream text;
    krelu::write_hypergraph_hmetis(text, planted.hypergraph);
    const kp::Hypergraph back = krelu::read_hypergraph_hmetis(text, "h.hgr");
    CHECK(back.vertices() == n);
    CHECK(back.edges() == planted.hypergraph.edges());
    CHECK(back.is_proper(planted.coloring, 2));
  }
}

TEST_CASE("hMETIS hypergraphs: hand-written files, weights dropped", "[io][hmetis]") {
  const kp::Hypergraph h = krelu::read_hypergraph_hmetis(data_dir + "fano_like.hgr");
  CHECK(h.vertices() == 6);
  CHECK(h.edge_count() == 5);
  CHECK(h.is_proper({0, 0, 0, 1, 1, 1}, 2));
  CHECK(kp::color_exact(h, 2).has_value());

  const kp::Hypergraph w = krelu::read_hypergraph_hmetis(data_dir + "weighted.hgr");
  CHECK(w.edges() == std::vector<std::vector<int>>{{0, 1}, {1, 2, 3}, {0, 3}});
  std::istringstream fmt1("% edge weights only\n1 3 1\n4 1 2 3 % trailing comment\n");
  CHECK(krelu::read_hypergraph_hmetis(fmt1, "fmt1.hgr").edges() == std::vector<std::vector<int>>{{0, 1, 2}});
}

TEST_CASE("hMETIS hypergraphs: malformed files name line and column", "[io][hmetis]") {
  require_parse_error(read_hgr, "% only a comment\n", 1, 1, "empty file");
  require_parse_error(read_hgr, "1 3 2\n1 2\n", 1, 5, "fmt must be 0, 1, 10 or 11, found 2");
  require_parse_error(read_hgr, "1 3 0 9\n1 2\n", 1, 7, "the header must read 'E V [fmt]'");
  require_parse_error(read_hgr, "2 3\n1 2\n", 2, 1, "announces 2 hyperedges, found 1");
  require_parse_error(read_hgr, "1 3\n1 4\n", 2, 3, "vertex 4 is outside 1..3");
  require_parse_error(read_hgr, "1 3\n1 2 1\n", 2, 5, "vertex 1 appears twice in hyperedge 1");
  require_parse_error(read_hgr, "1 3\n2\n", 2, 1, "hyperedge 1 has 1 vertices; colouring needs at least 2");
  require_parse_error(read_hgr, "1 3\n1 x\n", 2, 3, "found 'x'");
  require_parse_error(read_hgr, "1 3\n1 2\n3 1\n", 3, 1, "unexpected line after the 1 hyperedges");
  require_parse_error(read_hgr, "1 2 10\n1 2\n1\n", 3, 1, "needs 2 vertex weight lines, found 1");
}

TEST_CASE(".bench circuits: random circuits round-trip with names", "[io][bench]") {
  std::mt19937_64 rng(3);
  for (int trial = 0; trial < 20; ++trial) {
    const int inputs = 1 + static_cast<int>(rng() % 8), depth = 1 + static_cast<int>(rng() % 4);
    const kp::MonotoneCircuit c = kp::random_monotone_circuit(inputs, depth, depth + static_cast<int>(rng() % 8), rng);
    std::stringstream text;
    krelu::write_circuit_bench(text, c);
    const auto back = krelu::read_circuit_bench(text, "c.bench");
    REQUIRE(back.circuit.num_inputs() == inputs);
    REQUIRE(back.circuit.num_gates() == c.num_gates());
    CHECK(back.circuit.output() == c.output());
    for (int g = 0; g < c.num_gates(); ++g) {
      CHECK(back.circuit.gate(g).kind == c.gate(g).kind);
      CHECK(back.circuit.gate(g).inputs == c.gate(g).inputs);
    }
    CHECK(back.wire_names[0] == "x0");
    CHECK(back.wire_names[static_cast<std::size_t>(inputs)] == "g0");
    // Names survive a second trip.
    std::stringstream again;
    krelu::write_circuit_bench(again, back.circuit, back.wire_names);
    CHECK(again.str() == text.str());
  }
}

TEST_CASE(".bench circuits: hand-written file with gates out of order", "[io][bench]") {
  const auto maj = krelu::read_circuit_bench(data_dir + "majority.bench");
  const kp::MonotoneCircuit& c = maj.circuit;
  CHECK(c.num_inputs() == 3);
  CHECK(c.num_gates() == 4);
  CHECK(maj.wire_names[static_cast<std::size_t>(c.output())] == "z");
  CHECK(c.depth() == 2);
  for (int bits = 0; bits < 8; ++bits) {
    const std::vector<bool> x{(bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0};
    CHECK(c.evaluate(x) == (x[0] + x[1] + x[2] >= 2));
  }
  CHECK(kp::count_true(kp::solve_exact(c)) == 2);
  // An input may be the output; keywords are case-insensitive.
  std::istringstream trivial("input(a)\noutput(a)\n");
  CHECK(krelu::read_circuit_bench(trivial, "t.bench").circuit.output() == 0);
}

TEST_CASE(".bench circuits: only monotone AND/OR, and malformed files", "[io][bench]") {
  try {
    krelu::read_circuit_bench(data_dir + "not_gate.bench");
    FAIL("NOT accepted");
  } catch (const krelu::ParseError& e) {
    CHECK(e.line() == 5);
    CHECK(e.column() == 6);
    CHECK_THAT(e.message(), Catch::Matchers::Contains("gate type 'NOT' is not supported: only monotone AND/OR"));
  }
  const std::string head = "INPUT(a)\nINPUT(b)\nOUTPUT(z)\n";
  for (const char* kind : {"NAND", "NOR", "XOR", "XNOR", "BUFF", "DFF"})
    require_parse_error(read_bench, head + "z = " + kind + "(a, b)\n", 4, 5,
                        "gate type '" + std::string(kind) + "' is not supported: only monotone AND/OR");
  require_parse_error(read_bench, "INPUT(a)\nz = AND(a)\n", 2, 1, "no OUTPUT(name) line");
  require_parse_error(read_bench, head + "OUTPUT(a)\nz = AND(a, b)\n", 4, 1, "a second OUTPUT (the first is on line 3)");
  require_parse_error(read_bench, "INPUT(a)\nOUTPUT(z)\nz = AND(a, z)\n", 3, 12, "depends on itself");
  require_parse_error(read_bench, head + "z = AND(a, q)\n", 4, 12, "wire 'q' is never defined");
  require_parse_error(read_bench, head + "z = OR(a, b)\nz = AND(a, b)\n", 5, 1, "wire 'z' is defined twice (first on line 4)");
  require_parse_error(read_bench, head + "z = AND(a b)\n", 4, 11, "expected ')', found 'b'");
  require_parse_error(read_bench, head + "z = AND(a, b) x\n", 4, 15, "unexpected 'x' after the statement");
  require_parse_error(read_bench, head + "z AND(a, b)\n", 4, 3, "expected '(', found 'A'");
  require_parse_error(read_bench, head + "WIRE(z)\n", 4, 1, "expected INPUT(name), OUTPUT(name)");
  require_parse_error(read_bench, "INPUT(a, b)\nOUTPUT(a)\n", 1, 10, "INPUT takes exactly one wire name");
  require_parse_error(read_bench, head + "y = AND(a, b)\n", 3, 8, "the output wire 'z' is never defined");
  require_parse_error(read_bench, "INPUT(a)\nOUTPUT(z)\nz = OR(y, a)\ny = AND(z)\n", 4, 9, "depends on itself");
  require_parse_error(read_bench, "OUTPUT(z)\nz = AND(z)\n", 2, 1, "no INPUT(name) line");
}

TEST_CASE("Writers reject what their format cannot hold", "[io]") {
  std::ostringstream out;
  const kp::SetCover sc(2, {{0}, {1}});
  CHECK_THROWS_WITH(krelu::write_set_cover_or_library(out, sc, {1.0}), Catch::Matchers::Contains("1 costs for 2 subsets"));
  const kp::MonotoneCircuit c(2, {{kp::GateKind::and_gate, {0, 1}}});
  CHECK_THROWS_WITH(krelu::write_circuit_bench(out, c, {"a", "b"}), Catch::Matchers::Contains("2 names for 3 wires"));
  CHECK_THROWS_WITH(krelu::write_circuit_bench(out, c, {"a", "b c", "z"}), Catch::Matchers::Contains("'b c'"));
  CHECK_THROWS_WITH(krelu::write_circuit_bench(out, c, {"a", "a", "z"}), Catch::Matchers::Contains("used twice"));
}
