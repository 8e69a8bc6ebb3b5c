// Fuzz harness of read_samples_csv: any input either parses or throws ParseError /
// std::invalid_argument; what parses survives write -> read bit for bit, and writing again gives the
// same bytes. Dense and sparse storage must read the same values.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  krelu::SampleSet<double> dense;
  try {
    std::istringstream in(text);
    dense = krelu::read_samples_csv<double>(in, "fuzz.csv");
  } catch (const std::invalid_argument&) {  // ParseError is one
    return 0;
  }
  std::istringstream again(text);
  const auto sparse = krelu::read_samples_csv<double, krelu::Sparse>(again, "fuzz.csv");
  if (!krelu_fuzz::same_samples(dense, sparse)) krelu_fuzz::fail("dense and sparse reads differ");

  std::ostringstream first;
  krelu::write_samples_csv(first, dense);
  std::istringstream back(first.str());
  const auto reread = krelu::read_samples_csv<double>(back, "roundtrip.csv");
  if (!krelu_fuzz::same_samples(dense, reread)) krelu_fuzz::fail("CSV round trip changed the samples");
  std::ostringstream second;
  krelu::write_samples_csv(second, reread);
  if (first.str() != second.str()) krelu_fuzz::fail("writing the re-read CSV gave other bytes");
  std::ostringstream from_sparse;
  krelu::write_samples_csv(from_sparse, sparse);
  if (from_sparse.str() != first.str()) krelu_fuzz::fail("dense and sparse sets write different CSV");
  return 0;
}
