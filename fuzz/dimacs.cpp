// Fuzz harness of read_graph_dimacs: any input either parses or throws ParseError /
// std::invalid_argument; what parses survives write -> read unchanged (vertex count and the edges
// in order), and writing again gives the same bytes.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::optional<krelu::problems::Graph> g;
  try {
    std::istringstream in(text);
    g.emplace(krelu::read_graph_dimacs(in, "fuzz.col"));
  } catch (const std::invalid_argument&) {  // ParseError is one
    return 0;
  }
  for (const auto& [u, v] : g->edges())
    if (!(0 <= u && u < v && v < g->num_vertices())) krelu_fuzz::fail("DIMACS read: an edge is not (min, max) in range");

  std::ostringstream first;
  krelu::write_graph_dimacs(first, *g);
  std::optional<krelu::problems::Graph> reread;
  try {
    std::istringstream back(first.str());
    reread.emplace(krelu::read_graph_dimacs(back, "roundtrip.col"));
  } catch (const std::invalid_argument&) {
    krelu_fuzz::fail("the written DIMACS file does not read back");
  }
  if (reread->num_vertices() != g->num_vertices() || reread->edges() != g->edges())
    krelu_fuzz::fail("DIMACS round trip changed the graph");
  std::ostringstream second;
  krelu::write_graph_dimacs(second, *reread);
  if (first.str() != second.str()) krelu_fuzz::fail("writing the re-read DIMACS file gave other bytes");
  return 0;
}
