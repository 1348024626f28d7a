#include "jit/ir/graph.hpp"

#include "jit/ir/dim_expr.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <limits>
#include <utility>

namespace jitcache::jit {

std::string
to_string(const Dim& dim)
{
  return dim.is_static() ? std::to_string(dim.size) : dim.symbol;
}

std::string
to_string(const Shape& shape)
{
  std::vector<std::string> parts;
  parts.reserve(shape.size());
  for (const auto& dim : shape) {
    parts.push_back(to_string(dim));
  }
  return fmt::format("[{}]", fmt::join(parts, ", "));
}

std::string
to_string(const TensorType& type)
{
  return fmt::format("{}{}", to_string(type.dtype), to_string(type.shape));
}

namespace {

constexpr std::array k_op_names = {
  std::pair{Op::parameter, "parameter"},
  std::pair{Op::constant, "constant"},
  std::pair{Op::neg, "neg"},
  std::pair{Op::abs, "abs"},
  std::pair{Op::exp, "exp"},
  std::pair{Op::log, "log"},
  std::pair{Op::sqrt, "sqrt"},
  std::pair{Op::rsqrt, "rsqrt"},
  std::pair{Op::tanh, "tanh"},
  std::pair{Op::sigmoid, "sigmoid"},
  std::pair{Op::relu, "relu"},
  std::pair{Op::gelu, "gelu"},
  std::pair{Op::sin, "sin"},
  std::pair{Op::cos, "cos"},
  std::pair{Op::cast, "cast"},
  std::pair{Op::opaque, "opaque"},
  std::pair{Op::add, "add"},
  std::pair{Op::sub, "sub"},
  std::pair{Op::mul, "mul"},
  std::pair{Op::div, "div"},
  std::pair{Op::pow, "pow"},
  std::pair{Op::maximum, "maximum"},
  std::pair{Op::minimum, "minimum"},
  std::pair{Op::less, "less"},
  std::pair{Op::less_equal, "less_equal"},
  std::pair{Op::greater, "greater"},
  std::pair{Op::greater_equal, "greater_equal"},
  std::pair{Op::equal, "equal"},
  std::pair{Op::not_equal, "not_equal"},
  std::pair{Op::where, "where"},
  std::pair{Op::sum, "sum"},
  std::pair{Op::mean, "mean"},
  std::pair{Op::max, "max"},
  std::pair{Op::min, "min"},
  std::pair{Op::matmul, "matmul"},
  std::pair{Op::reshape, "reshape"},
  std::pair{Op::transpose, "transpose"},
  std::pair{Op::broadcast_to, "broadcast_to"},
};

} // namespace

std::string_view
to_string(Op op)
{
  for (const auto& [candidate, name] : k_op_names) {
    if (candidate == op) {
      return name;
    }
  }
  return "?";
}

std::optional<Op>
parse_function_op(std::string_view name)
{
  for (const auto& [op, op_name] : k_op_names) {
    if (op_name == name && op != Op::parameter && op != Op::constant) {
      return op;
    }
  }
  return std::nullopt;
}

bool
is_unary(Op op)
{
  return op >= Op::neg && op <= Op::opaque;
}

bool
is_binary(Op op)
{
  return op >= Op::add && op <= Op::not_equal;
}

bool
is_comparison(Op op)
{
  return op >= Op::less && op <= Op::not_equal;
}

bool
is_elementwise(Op op)
{
  return is_unary(op) || is_binary(op) || op == Op::where;
}

bool
is_reduction(Op op)
{
  return op >= Op::sum && op <= Op::min;
}

bool
is_view(Op op)
{
  return op == Op::reshape || op == Op::transpose || op == Op::broadcast_to;
}

bool
Graph::has_uncacheable_op() const
{
  return std::any_of(nodes.begin(), nodes.end(), [](const Node& n) { return n.op == Op::opaque; });
}

std::vector<std::string>
Graph::symbols() const
{
  std::vector<std::string> found;
  const auto add = [&](const std::string& symbol) {
    if (std::find(found.begin(), found.end(), symbol) == found.end()) {
      found.push_back(symbol);
    }
  };
  for (auto id : parameters) {
    for (const auto& dim : nodes[id].type.shape) {
      if (!dim.is_static() && !dim.is_derived()) {
        add(dim.symbol);
      }
    }
  }
  for (auto id : parameters) {
    for (const auto& dim : nodes[id].type.shape) {
      if (dim.is_derived()) {
        for (const auto& symbol : expression_of(dim).symbols()) {
          add(symbol);
        }
      }
    }
  }
  return found;
}

std::vector<std::string>
Graph::derived_symbols() const
{
  std::vector<std::string> found;
  for (const auto& node : nodes) {
    for (const auto& dim : node.type.shape) {
      if (dim.is_derived() && std::find(found.begin(), found.end(), dim.symbol) == found.end()) {
        found.push_back(dim.symbol);
      }
    }
  }
  return found;
}

Graph
order_canonically(Graph graph)
{
  constexpr auto k_unplaced = std::numeric_limits<ValueId>::max();
  std::vector<ValueId> placed_at(graph.nodes.size(), k_unplaced);
  std::vector<ValueId> order;
  order.reserve(graph.nodes.size());
  const auto place = [&](ValueId id) {
    placed_at[id] = static_cast<ValueId>(order.size());
    order.push_back(id);
  };
  for (auto id : graph.parameters) {
    place(id); // a parameter stays part of the signature even when unused
  }
  // Depth first from each output in turn, operands in order, without recursion (a traced
  // graph can be a chain of any length). A node is placed once all its operands are.
  std::vector<std::pair<ValueId, size_t>> walk; // node, operands visited so far
  for (auto output : graph.outputs) {
    if (placed_at[output] == k_unplaced) {
      walk.emplace_back(output, 0);
    }
    while (!walk.empty()) {
      auto& [id, visited] = walk.back();
      const auto& inputs = graph.nodes[id].inputs;
      if (visited < inputs.size()) {
        const ValueId input = inputs[visited++];
        if (placed_at[input] == k_unplaced) {
          walk.emplace_back(input, 0); // invalidates id and visited
        }
        continue;
      }
      place(id); // a node is on the walk once: the graph has no cycles
      walk.pop_back();
    }
  }
  Graph result;
  result.name = std::move(graph.name);
  result.parameter_names = std::move(graph.parameter_names);
  result.nodes.reserve(order.size());
  for (auto id : order) {
    Node node = std::move(graph.nodes[id]);
    for (auto& input : node.inputs) {
      input = placed_at[input];
    }
    result.nodes.push_back(std::move(node));
  }
  for (auto id : graph.parameters) {
    result.parameters.push_back(placed_at[id]);
  }
  for (auto id : graph.outputs) {
    result.outputs.push_back(placed_at[id]);
  }
  return result;
}

} // namespace jitcache::jit
