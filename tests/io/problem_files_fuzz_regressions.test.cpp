// Inputs found by fuzzing the source-problem readers (fuzz/dimacs.cpp, fuzz/hmetis.cpp,
// fuzz/or_library.cpp): a one-line header that declares a huge count must neither make the reader
// allocate for that count before the file backs it, nor build a problem whose per-vertex arrays
// take gigabytes. This executable replaces the global operator new to record the largest single
// allocation made while a reader runs.

#include <catch2/catch.hpp>

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>
#include <sstream>
#include <string>
#include <vector>

#include "krelu/io/dimacs.hpp"
#include "krelu/io/hmetis.hpp"
#include "krelu/io/or_library.hpp"

namespace {

std::atomic<bool> recording{false};
std::atomic<std::size_t> largest_allocation{0};

}  // namespace

namespace {
void* recorded_malloc(std::size_t bytes) noexcept {
  if (recording.load(std::memory_order_relaxed)) {
    std::size_t seen = largest_allocation.load(std::memory_order_relaxed);
    while (bytes > seen && !largest_allocation.compare_exchange_weak(seen, bytes)) {
    }
  }
  return std::malloc(bytes ? bytes : 1);
}
}  // namespace

// Every replaceable form that pairs with free(), so that no allocation of the runtime (Catch uses
// the nothrow form) is released by a different allocator (AddressSanitizer checks the pairing).
void* operator new(std::size_t bytes) {
  if (void* p = recorded_malloc(bytes)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t bytes) {
  if (void* p = recorded_malloc(bytes)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t bytes, const std::nothrow_t&) noexcept { return recorded_malloc(bytes); }
void* operator new[](std::size_t bytes, const std::nothrow_t&) noexcept { return recorded_malloc(bytes); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace {

constexpr std::size_t one_megabyte = std::size_t{1} << 20;
constexpr int vertex_limit = 1 << 24;

/// Runs `read` on `text`; returns the largest single allocation it made. Reports (and rethrows
/// nothing of) a ParseError, whose location and message the caller checks through `check`.
template <class Read, class Check>
std::size_t largest_allocation_of(Read read, const std::string& text, Check check) {
  std::istringstream in(text);
  largest_allocation = 0;
  recording = true;
  try {
    read(in);
    recording = false;
    FAIL("no ParseError thrown for:\n" << text);
  } catch (const krelu::ParseError& e) {
    recording = false;
    INFO("what(): " << e.what());
    check(e);
  }
  return largest_allocation.load();
}

auto read_col = [](std::istream& in) { return krelu::read_graph_dimacs(in, "fuzz.col"); };
auto read_hgr = [](std::istream& in) { return krelu::read_hypergraph_hmetis(in, "fuzz.hgr"); };
auto read_scp = [](std::istream& in) { return krelu::read_set_cover_or_library(in, "fuzz.txt"); };

}  // namespace

TEST_CASE("DIMACS: a vertex count beyond the limit is a ParseError, not a huge graph", "[io][dimacs][fuzz]") {
  // Before: problems::Graph allocated 8 GB of degrees for this one line.
  const auto bytes = largest_allocation_of(read_col, "p edge 2000000000 0\n", [](const krelu::ParseError& e) {
    CHECK(e.line() == 1);
    CHECK(e.column() == 8);
    CHECK_THAT(e.message(), Catch::Matchers::Contains("the number of vertices N must lie in [0, 16777216]"));
  });
  CHECK(bytes < one_megabyte);
}

TEST_CASE("DIMACS: the vertex limit itself is read", "[io][dimacs][fuzz]") {
  std::istringstream in("p edge 16777216 1\ne 1 16777216\n");
  const auto g = krelu::read_graph_dimacs(in, "limit.col");
  CHECK(g.num_vertices() == vertex_limit);
  REQUIRE(g.num_edges() == 1);
  CHECK(g.edges()[0] == krelu::problems::Graph::Edge{0, vertex_limit - 1});
}

TEST_CASE("DIMACS: a huge declared edge count reserves nothing", "[io][dimacs][fuzz]") {
  // Before: 128 MB reserved for the declared M before the first edge line was read.
  const auto bytes = largest_allocation_of(read_col, "p edge 3 1000000000\ne 1 2\n", [](const krelu::ParseError& e) {
    CHECK(e.line() == 1);
    CHECK_THAT(e.message(), Catch::Matchers::Contains("announces 1000000000 edges but the file has 1"));
  });
  CHECK(bytes < one_megabyte);
}

TEST_CASE("hMETIS: a vertex count beyond the limit is a ParseError", "[io][hmetis][fuzz]") {
  // Before: a 2 GB membership array for V, then 8 GB of degrees in problems::Hypergraph.
  const auto bytes = largest_allocation_of(read_hgr, "1 2000000000\n1 2\n", [](const krelu::ParseError& e) {
    CHECK(e.line() == 1);
    CHECK(e.column() == 3);
    CHECK_THAT(e.message(), Catch::Matchers::Contains("the number of vertices V must lie in [0, 16777216]"));
  });
  CHECK(bytes < one_megabyte);
}

TEST_CASE("hMETIS: the header's V and E allocate nothing before the lines back them", "[io][hmetis][fuzz]") {
  // Before: 400 MB reserved for E = 2^24 hyperedges, and 16 MB for V = 2^24 at the limit.
  auto truncated = [](const krelu::ParseError& e) {
    CHECK_THAT(e.message(), Catch::Matchers::Contains("unexpected end of file"));
  };
  CHECK(largest_allocation_of(read_hgr, "16777216 3\n1 2\n", truncated) < one_megabyte);
  CHECK(largest_allocation_of(read_hgr, "2 16777216\n1 2\n", truncated) < one_megabyte);
}

TEST_CASE("hMETIS: the vertex limit itself is read", "[io][hmetis][fuzz]") {
  std::istringstream in("1 16777216\n16777216 1\n");
  const auto h = krelu::read_hypergraph_hmetis(in, "limit.hgr");
  CHECK(h.vertices() == vertex_limit);
  REQUIRE(h.edge_count() == 1);
  CHECK(h.edge(0) == std::vector<int>{vertex_limit - 1, 0});
}

TEST_CASE("OR-Library: a huge column count reserves nothing before its costs are read", "[io][or_library][fuzz]") {
  // Before: 8 MB reserved for the costs of n columns from a ten-byte file.
  const auto bytes = largest_allocation_of(read_scp, "1 2000000\n1\n", [](const krelu::ParseError& e) {
    CHECK_THAT(e.message(), Catch::Matchers::Contains("unexpected end of file: expected the cost of column 2"));
  });
  CHECK(bytes < one_megabyte);
}
