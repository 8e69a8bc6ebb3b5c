// Fuzz harness of read_samples_svmlight: any input either parses or throws ParseError /
// std::invalid_argument; what parses survives write -> read bit for bit, and writing again gives the
// same bytes. Sparse storage is read first (O(nonzeros), whatever dimension the header declares);
// dense storage only when the dense matrix is small.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  krelu::SampleSet<double, krelu::Sparse> sparse;
  try {
    std::istringstream in(text);
    sparse = krelu::read_samples_svmlight<double, krelu::Sparse>(in, "fuzz.svm");
  } catch (const std::invalid_argument&) {  // ParseError is one
    return 0;
  }
  if (sparse.size() * sparse.dim() <= (Eigen::Index{1} << 20)) {
    std::istringstream again(text);
    const auto dense = krelu::read_samples_svmlight<double>(again, "fuzz.svm");
    if (!krelu_fuzz::same_samples(dense, sparse)) krelu_fuzz::fail("dense and sparse reads differ");
  }
  std::ostringstream first;
  krelu::write_samples_svmlight(first, sparse);
  std::istringstream back(first.str());
  const auto reread = krelu::read_samples_svmlight<double, krelu::Sparse>(back, "roundtrip.svm");
  if (!krelu_fuzz::same_samples(sparse, reread)) krelu_fuzz::fail("svmlight round trip changed the samples");
  std::ostringstream second;
  krelu::write_samples_svmlight(second, reread);
  if (first.str() != second.str()) krelu_fuzz::fail("writing the re-read svmlight file gave other bytes");
  return 0;
}
