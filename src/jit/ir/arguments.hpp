// Binding a call's arguments to a graph's parameters: each symbol of the signature takes the
// size the arguments give it, and an argument that disagrees (a wrong dtype, rank or size, or
// a symbol bound to two sizes) is an error naming the argument and dimension. Run lines,
// compiled code, the interpreter and memory checks all bind the same way.
#pragma once

#include "jit/ir/graph.hpp"

#include <jitcache/error.hpp>
#include <jitcache/jit/tensor.hpp>

#include <map>
#include <span>
#include <string>
#include <vector>

namespace jitcache::jit {

// The size each of the graph's symbols takes for a call with arguments of `types`, or a
// message naming the argument and dimension that disagree.
using SymbolSizes = std::map<std::string, int64_t, std::less<>>;
Expected<SymbolSizes> bind_arguments(const Graph& graph, std::span<const TensorType> types);

// bind_arguments one argument at a time, in any order: a run line checks each argument
// against those given before it, so that an error points at the argument that disagrees.
class ArgumentBinder {
public:
  explicit ArgumentBinder(const Graph& graph) : m_graph(graph) {}

  // Checks parameter `index`'s argument of `type` against the arguments bound so far.
  Expected<void> bind(size_t index, const TensorType& type);
  const SymbolSizes&
  sizes() const
  {
    return m_sizes;
  }

private:
  const Graph& m_graph;
  SymbolSizes m_sizes;
  std::map<std::string, std::string, std::less<>> m_bound_by; // symbol -> "'x' dimension 0"
};

// The type of a tensor with data: its dtype and static sizes.
TensorType type_of(const Tensor& tensor);
// bind_arguments for the types of `tensors`.
Expected<SymbolSizes> bind_tensors(const Graph& graph, std::span<const Tensor> tensors);

// `shape` with its symbols replaced by their sizes.
std::vector<int64_t> concrete_shape(const Shape& shape, const SymbolSizes& sizes);

} // namespace jitcache::jit
