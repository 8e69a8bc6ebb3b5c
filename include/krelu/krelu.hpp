#pragma once
/// \file
/// Umbrella header: everything krelu offers.

#include "krelu/traits.hpp"
#include "krelu/samples.hpp"
#include "krelu/sample_builder.hpp"
#include "krelu/sample_container.hpp"
#include "krelu/network.hpp"
#include "krelu/loss.hpp"
#include "krelu/io/files.hpp"
#include "krelu/io/or_library.hpp"
#include "krelu/io/dimacs.hpp"
#include "krelu/io/hmetis.hpp"
#include "krelu/io/bench_circuit.hpp"

#include "krelu/train/exact.hpp"
#include "krelu/train/realizable.hpp"
#include "krelu/train/verify.hpp"
#include "krelu/train/local_search.hpp"
#include "krelu/train/epsilon_net.hpp"
#include "krelu/train/learn.hpp"

#include "krelu/problems/set_cover.hpp"
#include "krelu/problems/monotone_circuit.hpp"
#include "krelu/problems/hypergraph.hpp"
#include "krelu/problems/graph.hpp"
#include "krelu/reductions/set_cover.hpp"
#include "krelu/reductions/monotone_circuit.hpp"
#include "krelu/reductions/hypergraph_coloring.hpp"
#include "krelu/reductions/densest_subgraph.hpp"
#include "krelu/reductions/sign_gadget.hpp"
