// GraphBuilder: builds a Graph one operation at a time, checking dtypes and inferring shapes.
// The parser and the C++ tracer both go through it, so a program means the same thing
// whichever way it was written. Errors say what is wrong without a location; the caller
// adds where (the parser: file:line:column).
//
// Typing rules (docs/language.md): operands of an arithmetic or comparison op share one
// dtype (cast converts); shapes broadcast as in numpy, where two symbolic dimensions agree
// only if they are the same symbol; softmax and layernorm decompose into primitives here.
#pragma once

#include "jit/ir/graph.hpp"

#include <jitcache/error.hpp>

#include <optional>
#include <string>
#include <vector>

namespace jitcache::jit {

// The numpy broadcast of two shapes, or a message naming the dimension that disagrees.
Expected<Shape> broadcast_shapes(const Shape& a, const Shape& b);

// Whether a constant of `dtype` can hold `value`: converting one that it cannot (to float,
// or to an integer once truncated) is undefined behaviour, and no literal prints for it.
bool constant_fits(DType dtype, double value);
// Whether the static sizes of `type` (symbols count as 1) take at most 2^63 bytes: beyond,
// int64 sizes, strides and offsets cannot index it.
bool static_sizes_fit(const TensorType& type);

class GraphBuilder {
public:
  explicit GraphBuilder(std::string name);

  // Nodes made from now on carry `location` (for error messages of later passes).
  void
  set_location(SourceLocation location)
  {
    m_location = location;
  }

  ValueId parameter(std::string name, TensorType type);
  // A scalar (rank 0) constant; integer and bool values are held exactly. A value the dtype
  // cannot hold (not finite, or out of its range once rounded or truncated) is an error.
  Expected<ValueId> constant(DType dtype, double value);

  Expected<ValueId> unary(Op op, ValueId x);
  Expected<ValueId> binary(Op op, ValueId a, ValueId b);
  Expected<ValueId> where(ValueId condition, ValueId a, ValueId b);
  Expected<ValueId> cast(ValueId x, DType dtype);
  // No axes: every axis. Negative axes count from the end.
  Expected<ValueId> reduce(Op op, ValueId x, std::optional<std::vector<int64_t>> axes,
                           bool keepdim);
  Expected<ValueId> matmul(ValueId a, ValueId b);
  // One dimension may be the static size -1, inferred from the others.
  Expected<ValueId> reshape(ValueId x, Shape shape);
  Expected<ValueId> transpose(ValueId x, std::vector<int64_t> permutation);
  Expected<ValueId> broadcast_to(ValueId x, Shape shape);
  Expected<ValueId> softmax(ValueId x, int64_t axis);
  Expected<ValueId> layernorm(ValueId x, int64_t axis, double eps);

  const TensorType&
  type(ValueId id) const
  {
    return m_graph.nodes[id].type;
  }
  const Node&
  node(ValueId id) const
  {
    return m_graph.nodes[id];
  }

  // The finished graph, without nodes that no output needs.
  Graph finish(std::vector<ValueId> outputs) const&;
  // The same, taking the nodes rather than copying them when the builder is done with.
  Graph finish(std::vector<ValueId> outputs) &&;

private:
  ValueId add(Node node);
  // add() for an op whose result may be larger than its operands (broadcasting, matmul): a
  // result whose static sizes alone exceed 2^63 bytes is an error, as int64 cannot index it.
  Expected<ValueId> add_growing(Node node);
  Expected<int64_t> normalize_axis(int64_t axis, size_t rank) const;

  Graph m_graph;
  SourceLocation m_location;
};

} // namespace jitcache::jit
