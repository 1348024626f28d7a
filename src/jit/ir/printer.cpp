#include "jit/ir/printer.hpp"

#include "jit/ir/dim_expr.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
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
  if (!std::isfinite(value)) { // the language's spelling, which fmt's happens to be
    return std::isnan(value) ? "nan" : value > 0 ? "inf" : "-inf";
  }
  auto text = fmt::format("{}", value); // the shortest form that reads back exactly
  if (text.find_first_of(".en") == std::string::npos) {
    text += ".0";
  }
  return text;
}

namespace {

// The infix spelling of a binary op ("+" for add), or "" when the op prints as a call.
std::string_view
infix_symbol(Op op)
{
  switch (op) {
  case Op::add: return "+";
  case Op::sub: return "-";
  case Op::mul: return "*";
  case Op::div: return "/";
  case Op::less: return "<";
  case Op::less_equal: return "<=";
  case Op::greater: return ">";
  case Op::greater_equal: return ">=";
  case Op::equal: return "==";
  case Op::not_equal: return "!=";
  case Op::matmul: return "@";
  default: return {};
  }
}

// Writes the whole program into one string as it goes: graph keys print every graph on
// every start, and building a string per name and operand cost more than the hashing.
class Printer {
public:
  Printer(const Graph& graph, const PrintOptions& options)
    : m_graph(graph), m_options(options), m_parameter_of(graph.nodes.size(), -1)
  {
    name_parameters();
    for (auto symbol : graph.symbols()) {
      m_symbols.emplace(symbol, options.canonical ? fmt::format("s{}", m_symbols.size()) : symbol);
    }
  }

  std::string
  print()
  {
    put("def ");
    put(m_options.canonical ? "f" : m_graph.name);
    put("(");
    for (size_t i = 0; i < m_graph.parameters.size(); ++i) {
      put(i == 0 ? "" : ", ");
      put_name(m_graph.parameters[i]);
      put(": ");
      put_type(m_graph.type(m_graph.parameters[i]));
    }
    put("):\n");
    for (ValueId id = 0; id < m_graph.nodes.size(); ++id) {
      const auto& node = m_graph.node(id);
      if (node.op == Op::parameter || node.op == Op::constant) {
        continue;
      }
      put("    ");
      put_name(id);
      put(" = ");
      put_expression(node);
      put("\n");
    }
    put("    return ");
    for (size_t i = 0; i < m_graph.outputs.size(); ++i) {
      put(i == 0 ? "" : ", ");
      put_operand(m_graph.outputs[i], std::nullopt);
    }
    put("\n");
    return std::move(m_out);
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
      m_parameter_of[m_graph.parameters[i]] = static_cast<int64_t>(i);
      m_parameter_names.push_back(m_options.canonical || clash ? fmt::format("p{}", i)
                                                               : m_graph.parameter_names[i]);
    }
  }

  void
  put(std::string_view text)
  {
    m_out.append(text);
  }

  template<typename... Args>
  void
  put(fmt::format_string<Args...> format, Args&&... args)
  {
    fmt::format_to(std::back_inserter(m_out), format, std::forward<Args>(args)...);
  }

  void
  put_name(ValueId id)
  {
    if (const int64_t parameter = m_parameter_of[id]; parameter >= 0) {
      put(m_parameter_names[static_cast<size_t>(parameter)]);
    } else {
      put("v{}", id);
    }
  }

  void
  put_shape(const Shape& shape)
  {
    put("[");
    for (size_t i = 0; i < shape.size(); ++i) {
      put(i == 0 ? "" : ", ");
      if (shape[i].is_static()) {
        put("{}", shape[i].size);
      } else if (shape[i].is_derived()) {
        put(derived_name(shape[i]));
      } else {
        put(m_symbols.at(shape[i].symbol));
      }
    }
    put("]");
  }

  // A derived dimension's expression over the printed names of its symbols: in the canonical
  // form "s0*s1" for "A*B" (renamed, then put in normal form again, as the order of the
  // names may change).
  const std::string&
  derived_name(const Dim& dim)
  {
    auto found = m_derived.find(dim.symbol);
    if (found == m_derived.end()) {
      std::string name = dim.symbol;
      if (m_options.canonical) {
        auto renamed =
          expression_of(dim).substitute([&](std::string_view symbol) -> std::optional<DimExpr> {
            auto known = m_symbols.find(std::string(symbol));
            return known == m_symbols.end() ? std::nullopt
                                            : std::optional(DimExpr::symbol(known->second));
          });
        name = renamed ? renamed->to_string() : dim.symbol;
      }
      found = m_derived.emplace(dim.symbol, std::move(name)).first;
    }
    return found->second;
  }

  void
  put_type(const TensorType& type)
  {
    put(to_string(type.dtype));
    put_shape(type.shape);
  }

  // A value as an operand; a constant is written inline, bare when `context` (the dtype the
  // parser would give a bare literal here) matches, else through cast.
  void
  put_operand(ValueId id, std::optional<DType> context)
  {
    const auto& node = m_graph.node(id);
    if (node.op != Op::constant) {
      put_name(id);
    } else if (context == node.type.dtype) {
      put(format_literal(node.type.dtype, node.value));
    } else {
      put("cast({}, {})", format_literal(node.type.dtype, node.value), to_string(node.type.dtype));
    }
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

  void
  put_argument(const Node& node, size_t index)
  {
    put_operand(node.inputs[index], literal_context(node, index));
  }

  void
  put_expression(const Node& node)
  {
    if (const auto infix = infix_symbol(node.op); !infix.empty()) {
      put_argument(node, 0);
      put(" {} ", infix);
      put_argument(node, 1);
      return;
    }
    if (node.op == Op::neg) {
      put("-");
      put_argument(node, 0);
      return;
    }
    put(to_string(node.op));
    put("(");
    switch (node.op) {
    case Op::cast:
      put_argument(node, 0);
      put(", {})", to_string(node.type.dtype));
      return;
    case Op::sum:
    case Op::mean:
    case Op::max:
    case Op::min:
      put_argument(node, 0);
      put(", axis=[{}], keepdim={})", fmt::join(node.axes, ", "), node.keepdim ? "true" : "false");
      return;
    case Op::transpose:
      put_argument(node, 0);
      put(", [{}])", fmt::join(node.axes, ", "));
      return;
    case Op::reshape:
    case Op::broadcast_to:
      put_argument(node, 0);
      put(", ");
      put_shape(node.type.shape);
      put(")");
      return;
    default:
      for (size_t i = 0; i < node.inputs.size(); ++i) {
        put(i == 0 ? "" : ", ");
        put_argument(node, i);
      }
      put(")");
      return;
    }
  }

  const Graph& m_graph;
  const PrintOptions& m_options;
  std::string m_out;
  std::vector<int64_t> m_parameter_of; // by value: its parameter index, or -1
  std::vector<std::string> m_parameter_names;
  std::map<std::string, std::string> m_symbols;
  std::map<std::string, std::string> m_derived; // a derived symbol -> how it prints
};

} // namespace

std::string
print_graph(const Graph& graph, const PrintOptions& options)
{
  return Printer(graph, options).print();
}

} // namespace jitcache::jit
