#pragma once
/// \file
/// Umbrella header: everything krelu offers.

#include "krelu/traits.hpp"
#include "krelu/samples.hpp"
#include "krelu/sample_builder.hpp"
#include "krelu/sample_container.hpp"
#include "krelu/network.hpp"
#include "krelu/loss.hpp"
