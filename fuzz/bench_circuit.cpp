// Fuzz harness of read_circuit_bench: any input either parses or throws ParseError /
// std::invalid_argument; what parses survives write -> read unchanged (inputs, gates with their
// kinds and inputs, the output wire, every wire name), and writing again gives the same bytes.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>

#include "fuzz_support.hpp"

namespace {

bool same_circuit(const krelu::BenchCircuit& a, const krelu::BenchCircuit& b) {
  const auto &ca = a.circuit, &cb = b.circuit;
  if (ca.num_inputs() != cb.num_inputs() || ca.num_gates() != cb.num_gates() || ca.output() != cb.output())
    return false;
  for (int g = 0; g < ca.num_gates(); ++g)
    if (ca.gate(g).kind != cb.gate(g).kind || ca.gate(g).inputs != cb.gate(g).inputs) return false;
  return a.wire_names == b.wire_names;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::optional<krelu::BenchCircuit> file;
  try {
    std::istringstream in(text);
    file.emplace(krelu::read_circuit_bench(in, "fuzz.bench"));
  } catch (const std::invalid_argument&) {  // ParseError is one
    return 0;
  }
  if (file->wire_names.size() != static_cast<std::size_t>(file->circuit.num_wires()))
    krelu_fuzz::fail(".bench read: not one name per wire");

  std::ostringstream first;
  krelu::write_circuit_bench(first, file->circuit, file->wire_names);
  std::optional<krelu::BenchCircuit> reread;
  try {
    std::istringstream back(first.str());
    reread.emplace(krelu::read_circuit_bench(back, "roundtrip.bench"));
  } catch (const std::invalid_argument&) {
    krelu_fuzz::fail("the written .bench file does not read back");
  }
  if (!same_circuit(*file, *reread)) krelu_fuzz::fail(".bench round trip changed the circuit or its wire names");
  std::ostringstream second;
  krelu::write_circuit_bench(second, reread->circuit, reread->wire_names);
  if (first.str() != second.str()) krelu_fuzz::fail("writing the re-read .bench file gave other bytes");
  return 0;
}
