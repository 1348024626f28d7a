// Random inputs for `run` lines: reproducible from a seed on every machine (SplitMix64, not
// the standard library's distributions, whose output differs between implementations).
// Floats are uniform in [-1, 1), integers in [-8, 8], bools half true.
#pragma once

#include "jit/ir/graph.hpp"

#include <jitcache/jit/tensor.hpp>

namespace jitcache::jit {

// `type` must have static sizes.
Tensor random_tensor(const TensorType& type, uint64_t seed);

} // namespace jitcache::jit
