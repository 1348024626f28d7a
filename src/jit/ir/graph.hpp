// The reference JIT's graph IR: a typed, single-assignment list of tensor operations.
//
// Value i is the result of node i, and a node's inputs are always earlier values, so the
// node list is a topological order. Parameters are nodes too (Op::parameter). A dimension is
// a static size or a symbol ("B"); one symbol stands for one size across a graph. The
// parser and the tracer both build graphs through GraphBuilder (graph_builder.hpp), which
// infers types; this file only describes them.
#pragma once

#include "jit/ir/names.hpp"

#include <jitcache/jit/dtype.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jitcache::jit {

struct Dim {
  int64_t size = 0;   // the size when static
  std::string symbol; // the symbol's name when symbolic, else empty

  static Dim
  of(int64_t size)
  {
    return Dim{size, {}};
  }
  static Dim
  named(std::string symbol)
  {
    return Dim{0, std::move(symbol)};
  }
  bool
  is_static() const
  {
    return symbol.empty();
  }
  // A derived dimension is an expression of other symbols ("A*B", "C-1", "(A+B)//2"): its
  // symbol is the expression's canonical text (dim_expr.hpp), and a call gives it the value
  // of the expression.
  bool
  is_derived() const
  {
    return !symbol.empty() && !is_name(symbol);
  }
  bool operator==(const Dim&) const = default;
};

using Shape = std::vector<Dim>;

std::string to_string(const Dim& dim);
std::string to_string(const Shape& shape); // "[B, 784]"

struct TensorType {
  DType dtype = DType::f32;
  Shape shape;
  bool operator==(const TensorType&) const = default;
};

std::string to_string(const TensorType& type); // "f32[B, 784]"

enum class Op : uint8_t {
  parameter,
  constant,
  // elementwise, one input
  neg,
  abs,
  exp,
  log,
  sqrt,
  rsqrt,
  tanh,
  sigmoid,
  relu,
  gelu,
  sin,
  cos,
  cast,
  opaque, // identity that the persistent cache may not see through (uncacheable)
  // elementwise, two inputs (numpy broadcasting)
  add,
  sub,
  mul,
  div,
  pow,
  maximum,
  minimum,
  less,
  less_equal,
  greater,
  greater_equal,
  equal,
  not_equal,
  // elementwise, three inputs
  where,
  // reductions over `axes`
  sum,
  mean,
  max,
  min,
  // the rest
  matmul,
  reshape,
  transpose,
  broadcast_to,
};

// The op's name as the language spells it ("add" for +, "reduce" ops by their function).
std::string_view to_string(Op op);
std::optional<Op> parse_function_op(std::string_view name);

bool is_elementwise(Op op); // unary, binary, where, cast, opaque
bool is_unary(Op op);
bool is_binary(Op op);
bool is_comparison(Op op);
bool is_reduction(Op op);
bool is_view(Op op); // reshape, transpose, broadcast_to

using ValueId = uint32_t;

// Where a node came from in a program's text, for error messages. Not part of any key.
struct SourceLocation {
  uint32_t line = 0;
  uint32_t column = 0;
};

struct Node {
  Op op = Op::parameter;
  std::vector<ValueId> inputs;
  TensorType type; // the result's type
  // Attributes; which ones are used depends on op.
  std::vector<int64_t> axes; // reductions: sorted axes; transpose: the permutation
  bool keepdim = false;      // reductions
  double value = 0;          // constant: its value (an integer or bool constant holds it exactly)
  uint32_t parameter_index = 0;
  SourceLocation location;
};

struct Graph {
  std::string name;
  std::vector<std::string> parameter_names; // by parameter index
  std::vector<ValueId> parameters;          // the parameter nodes, by index
  std::vector<Node> nodes;
  std::vector<ValueId> outputs;

  const Node&
  node(ValueId id) const
  {
    return nodes[id];
  }
  const TensorType&
  type(ValueId id) const
  {
    return nodes[id].type;
  }
  // Whether any node is marked uncacheable (opaque).
  bool has_uncacheable_op() const;
  // Every symbol a call binds: those of the parameters' shapes, in order of first appearance
  // (a derived dimension's symbols after those that appear alone).
  std::vector<std::string> symbols() const;
  // Every derived dimension of any value, in order of first appearance.
  std::vector<std::string> derived_symbols() const;
};

// Drops nodes that no output depends on and puts the rest in one order that depends only on
// the graph, not on the order its nodes were made in: the parameters in order, then every
// other node as a depth-first walk from the outputs (in order, operands in order) finishes
// it. A program and its printed form, or two traces that build the same values in another
// order, come out identical, so they print and key the same. Takes the graph by value: the
// nodes are moved, not copied.
Graph order_canonically(Graph graph);

} // namespace jitcache::jit
