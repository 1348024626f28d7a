#include "jit/printer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace jitcache::jit {

std::string
format_literal(DType dtype, double value)
{
  if (dtype == DType::boolean) {
    return value != 0 ? "true" : "false";
  }
  if (is_integer(dtype)) {
    return fmt::format("{}", static_cast<int64_t>(value));
  }
  auto text = fmt::format("{}", value); // the shortest form that reads back exactly
  if (text.find_first_of(".en") == std::string::npos) {
    text += ".0";
  }
  return text;
}

namespace {

class Printer {
public:
  Printer(const Graph& graph, const PrintOptions& options) : m_graph(graph), m_options(options)
  {
    name_parameters();
    for (auto symbol : graph.symbols()) {
      m_symbols.emplace(symbol, options.canonical ? fmt::format("s{}", m_symbols.size()) : symbol);
    }
  }

  std::string
  print()
  {
    std::vector<std::string> parameters;
    for (size_t i = 0; i < m_graph.parameters.size(); ++i) {
      parameters.push_back(fmt::format("{}: {}", name(m_graph.parameters[i]),
                                       type(m_graph.type(m_graph.parameters[i]))));
    }
    std::string out = fmt::format("def {}({}):\n", m_options.canonical ? "f" : m_graph.name,
                                  fmt::join(parameters, ", "));
    for (ValueId id = 0; id < m_graph.nodes.size(); ++id) {
      const auto& node = m_graph.node(id);
      if (node.op == Op::parameter || node.op == Op::constant) {
        continue;
      }
      out += fmt::format("    {} = {}\n", name(id), expression(node));
    }
    std::vector<std::string> outputs;
    outputs.reserve(m_graph.outputs.size());
    for (auto id : m_graph.outputs) {
      outputs.push_back(operand(id, std::nullopt));
    }
    out += fmt::format("    return {}\n", fmt::join(outputs, ", "));
    return out;
  }

private:
  void
  name_parameters()
  {
    // Values print as v<N>; a parameter spelled like one would be ambiguous. The canonical
    // form (the graph key's hot path) renames every parameter and needs no check.
    auto looks_like_value = [](const std::string& n) {
      return n.size() > 1 && n[0] == 'v' &&
             std::all_of(n.begin() + 1, n.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    const bool clash =
      !m_options.canonical &&
      std::any_of(m_graph.parameter_names.begin(), m_graph.parameter_names.end(), looks_like_value);
    for (size_t i = 0; i < m_graph.parameters.size(); ++i) {
      m_parameter_names[m_graph.parameters[i]] =
        m_options.canonical || clash ? fmt::format("p{}", i) : m_graph.parameter_names[i];
    }
  }

  std::string
  name(ValueId id) const
  {
    auto found = m_parameter_names.find(id);
    return found != m_parameter_names.end() ? found->second : fmt::format("v{}", id);
  }

  std::string
  dim(const Dim& d) const
  {
    return d.is_static() ? std::to_string(d.size) : m_symbols.at(d.symbol);
  }

  std::string
  shape(const Shape& s) const
  {
    std::vector<std::string> parts;
    for (const auto& d : s) {
      parts.push_back(dim(d));
    }
    return fmt::format("[{}]", fmt::join(parts, ", "));
  }

  std::string
  type(const TensorType& t) const
  {
    return fmt::format("{}{}", to_string(t.dtype), shape(t.shape));
  }

  // A value as an operand; a constant is written inline, bare when `context` (the dtype the
  // parser would give a bare literal here) matches, else through cast.
  std::string
  operand(ValueId id, std::optional<DType> context) const
  {
    const auto& node = m_graph.node(id);
    if (node.op != Op::constant) {
      return name(id);
    }
    auto literal = format_literal(node.type.dtype, node.value);
    if (context == node.type.dtype) {
      return literal;
    }
    return fmt::format("cast({}, {})", literal, to_string(node.type.dtype));
  }

  // The dtype a bare literal operand of `node` would take: the other operands' dtype.
  std::optional<DType>
  literal_context(const Node& node, size_t operand_index) const
  {
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      const auto& other = m_graph.node(node.inputs[i]);
      if (i == operand_index || other.op == Op::constant) {
        continue;
      }
      if (node.op == Op::where && (i == 0 || operand_index == 0)) {
        continue; // the condition's dtype says nothing about the branches'
      }
      return other.type.dtype;
    }
    return std::nullopt;
  }

  std::string
  expression(const Node& node) const
  {
    std::vector<std::string> args;
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      args.push_back(operand(node.inputs[i], literal_context(node, i)));
    }
    static const std::map<Op, std::string_view> infix = {
      {Op::add, "+"},    {Op::sub, "-"},         {Op::mul, "*"},     {Op::div, "/"},
      {Op::less, "<"},   {Op::less_equal, "<="}, {Op::greater, ">"}, {Op::greater_equal, ">="},
      {Op::equal, "=="}, {Op::not_equal, "!="},  {Op::matmul, "@"},
    };
    if (auto found = infix.find(node.op); found != infix.end()) {
      return fmt::format("{} {} {}", args[0], found->second, args[1]);
    }
    switch (node.op) {
    case Op::neg: return fmt::format("-{}", args[0]);
    case Op::cast: return fmt::format("cast({}, {})", args[0], to_string(node.type.dtype));
    case Op::sum:
    case Op::mean:
    case Op::max:
    case Op::min:
      return fmt::format("{}({}, axis=[{}], keepdim={})", to_string(node.op), args[0],
                         fmt::join(node.axes, ", "), node.keepdim ? "true" : "false");
    case Op::transpose:
      return fmt::format("transpose({}, [{}])", args[0], fmt::join(node.axes, ", "));
    case Op::reshape:
    case Op::broadcast_to:
      return fmt::format("{}({}, {})", to_string(node.op), args[0], shape(node.type.shape));
    default: return fmt::format("{}({})", to_string(node.op), fmt::join(args, ", "));
    }
  }

  const Graph& m_graph;
  const PrintOptions& m_options;
  std::map<ValueId, std::string> m_parameter_names;
  std::map<std::string, std::string> m_symbols;
};

} // namespace

std::string
print_graph(const Graph& graph, const PrintOptions& options)
{
  return Printer(graph, options).print();
}

} // namespace jitcache::jit
