// Specializing a function for a call: which sizes become constants in the compiled code and
// which stay symbolic, and the guards under which the result may serve later calls.
#pragma once

#include "dispatch/frame_state.hpp"
#include "guards/guard_set.hpp"
#include "jit/ir/graph.hpp"

#include <jitcache/arg_view.hpp>
#include <jitcache/jit/tensor.hpp>

#include <span>
#include <vector>

namespace jitcache::jit {

// The ArgViews of a call's tensors (borrowing their size and stride arrays).
void arg_views_of(std::span<const Tensor> inputs, std::vector<ArgView>& views);
// ArgViews for tensors of static `types` that do not exist yet (borrowing the shapes' sizes
// copied into `sizes`; no strides, no data).
void arg_views_of(std::span<const TensorType> types, std::vector<std::vector<int64_t>>& sizes,
                  std::vector<ArgView>& views);

// A program's graph for a call: every symbol becomes the size the call gives it, except a
// symbol that appears at a dynamic (argument, dimension), which stays symbolic. An error when
// a value would take more than 2^63 bytes with these sizes.
Expected<Graph> specialize_graph(const Graph& graph, std::span<const ArgView> args,
                                 const dispatch::DynamicDims& dynamic);

// Parameter types for tracing a call: static sizes, except dynamic dimensions, which become
// symbols s0, s1, ... Dynamic dimensions of equal size share a symbol (so that x[B] + y[B]
// still traces), and sizes 0 and 1 stay static: a symbol stands for a size of at least 2
// (the guards say so), because broadcasting treats 1 differently.
std::vector<TensorType> traced_parameter_types(std::span<const ArgView> args,
                                               const dispatch::DynamicDims& dynamic);

// The guards for a specialized graph: the argument count, each parameter's dtype and sizes
// (constants, or symbols bound by their first appearance). With `symbols_at_least_two`, also
// `sN >= 2` for each symbol (for traced graphs, see above).
guards::GuardSet guards_for(const Graph& graph, bool symbols_at_least_two);

} // namespace jitcache::jit
