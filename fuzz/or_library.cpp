// Fuzz harness of read_set_cover_or_library: any input either parses or throws ParseError /
// std::invalid_argument; what parses survives write -> read unchanged (universe, subsets, costs bit
// for bit, the unicost warning), and writing again gives the same bytes.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>

#include "fuzz_support.hpp"

namespace {

bool same_file(const krelu::SetCoverFile& a, const krelu::SetCoverFile& b) {
  if (a.instance.universe_size() != b.instance.universe_size() || a.instance.subsets() != b.instance.subsets())
    return false;
  if (a.costs.size() != b.costs.size() || a.warning != b.warning) return false;
  for (std::size_t j = 0; j < a.costs.size(); ++j)
    if (!krelu_fuzz::same_bits(a.costs[j], b.costs[j])) return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::optional<krelu::SetCoverFile> file;
  try {
    std::istringstream in(text);
    file.emplace(krelu::read_set_cover_or_library(in, "fuzz.txt"));
  } catch (const std::invalid_argument&) {  // ParseError is one
    return 0;
  }
  if (file->costs.size() != static_cast<std::size_t>(file->instance.num_subsets()))
    krelu_fuzz::fail("OR-Library read: not one cost per column");

  std::ostringstream first;
  krelu::write_set_cover_or_library(first, file->instance, file->costs);
  std::optional<krelu::SetCoverFile> reread;
  try {
    std::istringstream back(first.str());
    reread.emplace(krelu::read_set_cover_or_library(back, "roundtrip.txt"));
  } catch (const std::invalid_argument&) {
    krelu_fuzz::fail("the written OR-Library file does not read back");
  }
  if (!same_file(*file, *reread)) krelu_fuzz::fail("OR-Library round trip changed the instance or its costs");
  std::ostringstream second;
  krelu::write_set_cover_or_library(second, reread->instance, reread->costs);
  if (first.str() != second.str()) krelu_fuzz::fail("writing the re-read OR-Library file gave other bytes");
  return 0;
}
