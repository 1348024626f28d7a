// Interpreter: evaluates a Graph op by op on contiguous tensors. It is the reference
// semantics of the language: `jitcache run --check` compares compiled kernels against it,
// and a function whose kernels cannot be compiled runs on it. Scalar formulas come from
// kernel_prelude.hpp, the same text generated kernels use; reductions accumulate floats in
// double, so it is also the more accurate of the two.
#pragma once

#include "jit/ir/graph.hpp"

#include <jitcache/error.hpp>
#include <jitcache/jit/tensor.hpp>

#include <span>
#include <vector>

namespace jitcache::jit {

Expected<std::vector<Tensor>> interpret(const Graph& graph, std::span<const Tensor> inputs);

} // namespace jitcache::jit
