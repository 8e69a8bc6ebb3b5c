// Fuzz harness of read_network: any input either parses or throws ParseError /
// std::invalid_argument; what parses survives write -> read bit for bit, and writing again gives the
// same bytes.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::optional<krelu::Network<double>> net;
  try {
    std::istringstream in(text);
    net.emplace(krelu::read_network<double>(in, "fuzz.txt"));
  } catch (const std::invalid_argument&) {  // ParseError is one
    return 0;
  }
  std::ostringstream first;
  krelu::write_network(first, *net);
  std::istringstream back(first.str());
  const auto reread = krelu::read_network<double>(back, "roundtrip.txt");
  if (reread.units() != net->units() || reread.dim() != net->dim()) krelu_fuzz::fail("network shape changed");
  for (Eigen::Index j = 0; j < net->units(); ++j) {
    if (!krelu_fuzz::same_bits(reread.signs()(j), net->signs()(j))) krelu_fuzz::fail("a sign changed");
    for (Eigen::Index l = 0; l < net->dim(); ++l)
      if (!krelu_fuzz::same_bits(reread.weights()(j, l), net->weights()(j, l))) krelu_fuzz::fail("a weight changed");
  }
  std::ostringstream second;
  krelu::write_network(second, reread);
  if (first.str() != second.str()) krelu_fuzz::fail("writing the re-read network gave other bytes");
  return 0;
}
