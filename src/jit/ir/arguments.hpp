// Binding a call's arguments to a graph's parameters: each symbol of the signature takes the
// size the arguments give it, and an argument that disagrees (a wrong dtype, rank or size, or
// a symbol bound to two sizes) is an error naming the argument and dimension. Run lines,
// compiled code, the interpreter and memory checks all bind the same way.
#pragma once

#include "jit/ir/dim_expr.hpp"
#include "jit/ir/graph.hpp"

#include <jitcache/error.hpp>
#include <jitcache/jit/tensor.hpp>

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace jitcache::jit {

// The size each of the graph's symbols takes for a call with arguments of `types`, derived
// dimensions included (graph.hpp), or a message naming the argument and dimension that
// disagree, or the derived dimension that has no size for this call.
using SymbolSizes = std::map<std::string, int64_t, std::less<>>;
Expected<SymbolSizes> bind_arguments(const Graph& graph, std::span<const TensorType> types);

// bind_arguments one argument at a time, in any order: a run line checks each argument
// against those given before it, so that an error points at the argument that disagrees.
class ArgumentBinder {
public:
  explicit ArgumentBinder(const Graph& graph) : m_graph(graph) {}

  // Checks parameter `index`'s argument of `type` against the arguments bound so far (its
  // derived dimensions wait for finish()).
  Expected<void> bind(size_t index, const TensorType& type);
  // Once every argument is bound: checks the arguments' derived dimensions and gives every
  // derived dimension of the graph its size. An error names the dimension, and
  // failed_dimension() says which one it was.
  Expected<void> finish();
  const SymbolSizes&
  sizes() const
  {
    return m_sizes;
  }
  const std::string&
  failed_dimension() const
  {
    return m_failed;
  }
  // The parameter whose argument disagreed with its derived dimension, if that was the error.
  std::optional<size_t>
  failed_argument() const
  {
    return m_failed_argument;
  }

private:
  struct DerivedArgument {
    size_t index = 0;
    size_t dimension = 0;
    int64_t size = 0;
  };

  const Graph& m_graph;
  SymbolSizes m_sizes;
  std::map<std::string, std::string, std::less<>> m_bound_by; // symbol -> "'x' dimension 0"
  std::vector<DerivedArgument> m_derived_arguments;
  std::string m_failed;
  std::optional<size_t> m_failed_argument;
};

// The sizes of derived dimensions, from the sizes of the symbols they are made of: their
// expressions are read once, evaluated at each call.
class DerivedSizes {
public:
  DerivedSizes() = default;
  explicit DerivedSizes(const std::vector<std::string>& derived_symbols);

  bool
  empty() const
  {
    return m_expressions.empty();
  }
  // Adds each derived dimension's size to `sizes`; an error (naming it) when one does not
  // divide evenly, divides by zero or is negative. `failed` receives its symbol.
  Expected<void> add_to(SymbolSizes& sizes, std::string* failed = nullptr) const;

private:
  std::vector<std::pair<std::string, DimExpr>> m_expressions;
};

// The type of a tensor with data: its dtype and static sizes.
TensorType type_of(const Tensor& tensor);
// bind_arguments for the types of `tensors`.
Expected<SymbolSizes> bind_tensors(const Graph& graph, std::span<const Tensor> tensors);

// `shape` with its symbols replaced by their sizes.
std::vector<int64_t> concrete_shape(const Shape& shape, const SymbolSizes& sizes);

} // namespace jitcache::jit
