// Prints a Graph as a program in the JIT's own language, which the parser reads back into
// the same graph. The canonical form erases every name (function, parameters, symbols,
// values) and numbers them in order of appearance: it is what graph keys hash.
#pragma once

#include "jit/ir/graph.hpp"

#include <string>

namespace jitcache::jit {

struct PrintOptions {
  bool canonical = false;
};

std::string print_graph(const Graph& graph, const PrintOptions& options = {});

// A constant as a literal of the language ("2.5", "-3", "true").
std::string format_literal(DType dtype, double value);

} // namespace jitcache::jit
