#include "jit/runtime/graph_structure.hpp"

#include "jit/ir/dim_expr.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>

namespace jitcache::jit {

kernel_cache::StructuralKey
structural_key(const Graph& graph)
{
  kernel_cache::StructureHasher hasher;
  hasher.add(graph.nodes.size());
  for (const Node& node : graph.nodes) {
    hasher.add(static_cast<uint64_t>(node.op))
      .add(static_cast<uint64_t>(node.type.dtype))
      .add(node.type.shape.size())
      .add(node.inputs.size());
    for (const ValueId input : node.inputs) {
      hasher.add(input);
    }
    hasher.add(node.axes.size());
    for (const int64_t axis : node.axes) {
      hasher.add(static_cast<uint64_t>(axis));
    }
    hasher.add(node.keepdim ? 1 : 0)
      .add(std::bit_cast<uint64_t>(node.value))
      .add(node.parameter_index);
  }
  hasher.add(graph.outputs.size());
  for (const ValueId output : graph.outputs) {
    hasher.add(output);
  }
  // Derived dimensions are structure too: [A*B] and [A+B] differ although both are "a
  // symbol" to size_words. Each is hashed over its symbols' positions, not their names.
  const auto derived = graph.derived_symbols();
  hasher.add(derived.size());
  if (!derived.empty()) {
    const auto symbols = graph.symbols();
    for (const auto& symbol : derived) {
      auto positional = expression_of(Dim::named(symbol))
                          .substitute([&](std::string_view name) -> std::optional<DimExpr> {
                            const auto index =
                              std::find(symbols.begin(), symbols.end(), name) - symbols.begin();
                            return DimExpr::symbol(fmt::format("s{}", index));
                          });
      hasher.add(positional ? positional->to_string() : symbol);
    }
  }
  return hasher.finish();
}

kernel_cache::ArgSpec
size_words(const Graph& graph)
{
  kernel_cache::ArgSpec spec;
  std::vector<const std::string*> symbols;
  for (const Node& node : graph.nodes) {
    for (const Dim& dim : node.type.shape) {
      if (dim.is_static()) {
        spec.words.push_back(static_cast<uint64_t>(dim.size) * 2);
        continue;
      }
      size_t index = 0;
      while (index < symbols.size() && *symbols[index] != dim.symbol) {
        ++index;
      }
      if (index == symbols.size()) {
        symbols.push_back(&dim.symbol);
      }
      spec.words.push_back(index * 2 + 1);
    }
  }
  return spec;
}

} // namespace jitcache::jit
