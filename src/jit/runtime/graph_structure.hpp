// The structural key of a graph: its normalized form (operations, inputs, dtypes, ranks,
// attributes) without value names or sizes. Graphs that differ only in names or in the size
// of a dimension share it. It identifies a function's profile and heads the kernel spec
// cache's two-level lookup (structure, then the specialization's sizes).
#pragma once

#include "jit/ir/graph.hpp"
#include "kernel_cache/kernel_cache.hpp"
#include "kernel_cache/structural_key.hpp"

namespace jitcache::jit {

kernel_cache::StructuralKey structural_key(const Graph& graph);

// What the structural key leaves out and compiled code depends on: every node's sizes, a
// constant as 2*size, the n-th symbol (in order of appearance) as 2*n+1.
kernel_cache::ArgSpec size_words(const Graph& graph);

} // namespace jitcache::jit
