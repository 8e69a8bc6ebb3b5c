// Extern declarations of the trainers for double and long double sample sets, dense and sparse: a
// program's sources see these first (CMake passes -include), so they call the instances compiled once
// in trainer_instances_*.cpp instead of instantiating train_exact and its QP stack themselves, which
// costs a minute or more of compile time per source file. Other types are instantiated as usual.
#pragma once

#include <krelu/train/exact.hpp>
#include <krelu/train/local_search.hpp>
#include <krelu/train/verify.hpp>

// EXTERN is `extern` for the declarations and empty for the definitions.
#define KRELU_TRAINER_INSTANCES(EXTERN, S, St)                                                                 \
  EXTERN template krelu::TrainResult<S> krelu::train_exact<krelu::SampleSet<S, St>, S>(                          \
      const krelu::SampleSet<S, St>&, const krelu::TrainOptions<S>&);                                            \
  EXTERN template krelu::LocalSearchResult<S> krelu::local_search<S, krelu::SampleSet<S, St>>(                   \
      const krelu::SampleSet<S, St>&, const krelu::LocalSearchOptions<S>&);                                      \
  EXTERN template krelu::LocalSearchResult<S> krelu::local_search<S, krelu::SampleSet<S, St>>(                   \
      const krelu::SampleSet<S, St>&, const krelu::TrainOptions<S>&, int);                                       \
  EXTERN template krelu::VerifyReport<S> krelu::verify<krelu::SampleSet<S, St>, S>(                              \
      const krelu::SampleSet<S, St>&, const krelu::TrainResult<S>&, const krelu::TrainOptions<S>&,               \
      const krelu::VerifyOptions&);

#ifndef KRELU_DEFINING_TRAINER_INSTANCES
KRELU_TRAINER_INSTANCES(extern, double, krelu::Dense)
KRELU_TRAINER_INSTANCES(extern, double, krelu::Sparse)
KRELU_TRAINER_INSTANCES(extern, long double, krelu::Dense)
KRELU_TRAINER_INSTANCES(extern, long double, krelu::Sparse)
#endif
