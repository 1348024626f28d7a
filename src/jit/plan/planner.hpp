// Planner: groups a graph's nodes into kernels and orders their launches.
//
// Fusion rules, decided once per value in topological order:
//  - an elementwise value used once by an elementwise op is inlined into its consumer's
//    kernel; so is one used once by a reduction (a prologue), unless it holds a reduction or
//    matmul itself;
//  - a reduction over trailing axes or a matmul used once by an elementwise op of the same
//    shape becomes the core of that op's kernel (an epilogue), at most one core per kernel;
//  - reshape, transpose and broadcast_to cost nothing: they become strides of the loads that
//    read them (a reshape of a strided view first materializes it);
//  - everything else, and every output, is written to a buffer.
#pragma once

#include "jit/ir/graph.hpp"
#include "jit/plan/plan.hpp"

namespace jitcache::jit {

Plan plan_graph(const Graph& graph);

} // namespace jitcache::jit
