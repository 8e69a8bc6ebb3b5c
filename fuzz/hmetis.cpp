// Fuzz harness of read_hypergraph_hmetis: any input either parses or throws ParseError /
// std::invalid_argument; what parses survives write -> read unchanged (vertex count and the
// hyperedges in order; weights are dropped by design), and writing again gives the same bytes.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::optional<krelu::problems::Hypergraph> h;
  try {
    std::istringstream in(text);
    h.emplace(krelu::read_hypergraph_hmetis(in, "fuzz.hgr"));
  } catch (const std::invalid_argument&) {  // ParseError is one
    return 0;
  }

  std::ostringstream first;
  krelu::write_hypergraph_hmetis(first, *h);
  std::optional<krelu::problems::Hypergraph> reread;
  try {
    std::istringstream back(first.str());
    reread.emplace(krelu::read_hypergraph_hmetis(back, "roundtrip.hgr"));
  } catch (const std::invalid_argument&) {
    krelu_fuzz::fail("the written hMETIS file does not read back");
  }
  if (reread->vertices() != h->vertices() || reread->edges() != h->edges())
    krelu_fuzz::fail("hMETIS round trip changed the hypergraph");
  std::ostringstream second;
  krelu::write_hypergraph_hmetis(second, *reread);
  if (first.str() != second.str()) krelu_fuzz::fail("writing the re-read hMETIS file gave other bytes");
  return 0;
}
