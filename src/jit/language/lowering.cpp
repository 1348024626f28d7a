// Lowering: the syntax tree of each `def` into a Graph (see program.hpp). Calls to other
// defs are inlined with their symbols bound to the caller's dimensions; literals take the
// dtype of the tensor they meet ("weak" typing), so `x * 2` keeps x's dtype.
#include "jit/ir/dim_expr.hpp"
#include "jit/ir/graph_builder.hpp"
#include "jit/language/parser.hpp"
#include "jit/language/program.hpp"
#include "jit/language/run_lines.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <set>
#include <variant>

namespace jitcache::jit {

namespace {

using syntax::Expr;

// A literal not yet given a dtype.
struct Literal {
  enum class Kind { integer, real, boolean };
  Kind kind = Kind::integer;
  double value = 0;
};

using Value = std::variant<ValueId, Literal>;

class Lowering {
public:
  Lowering(const SourceText& source, const syntax::Program& program)
    : m_source(source), m_program(program)
  {
    for (const auto& function : program.functions) {
      m_functions.emplace(function.name, &function);
    }
  }

  Expected<Program>
  lower()
  {
    Program result;
    result.source = m_source;
    std::set<std::string> seen;
    for (const auto& function : m_program.functions) {
      if (!seen.insert(function.name).second) {
        return source_error(m_source, function.location,
                            fmt::format("function '{}' is defined twice", function.name),
                            function.name.size());
      }
      auto graph = lower_function(function);
      if (!graph) {
        return std::unexpected(graph.error());
      }
      result.functions.push_back(std::move(*graph));
    }
    for (const auto& run : m_program.runs) {
      auto line = lower_run_line(m_source, run, result);
      if (!line) {
        return std::unexpected(line.error());
      }
      result.runs.push_back(std::move(*line));
    }
    return result;
  }

private:
  // What one function body sees while it is inlined: its names and its symbols' meaning.
  struct Scope {
    std::map<std::string, Value, std::less<>> names;
    std::map<std::string, Dim, std::less<>> symbols; // the callee's symbol -> caller's dim
  };

  std::unexpected<Error>
  error(SourceLocation location, std::string_view message, size_t length = 1) const
  {
    return source_error(m_source, location, message, length);
  }
  std::unexpected<Error>
  error(const Expr& expr, std::string_view message) const
  {
    return error(expr.location, message, expr.length);
  }

  Expected<Graph>
  lower_function(const syntax::Function& function)
  {
    GraphBuilder builder(function.name);
    Scope scope;
    std::vector<ValueId> arguments;
    for (const auto& parameter : function.parameters) {
      if (scope.names.contains(parameter.name)) {
        return error(parameter.location,
                     fmt::format("parameter '{}' is declared twice", parameter.name),
                     parameter.name.size());
      }
      for (const auto& dim : parameter.type.dims) {
        if (dim.sweep) {
          return error(dim.location, "a size sweep {A..B} belongs in a run line, not a signature");
        }
        if (dim.dim.is_static() && dim.dim.size < 0) {
          return error(dim.location, "a dimension cannot be negative");
        }
        if (!dim.dim.is_static() && !dim.dim.is_derived()) {
          scope.symbols.emplace(dim.dim.symbol, dim.dim);
        }
      }
      builder.set_location(parameter.location);
      const auto id = builder.parameter(parameter.name, parameter.type.tensor_type());
      scope.names.emplace(parameter.name, id);
    }
    // A call binds a symbol where it stands alone; a derived dimension is then computed.
    for (const auto& parameter : function.parameters) {
      for (const auto& dim : parameter.type.dims) {
        if (!dim.dim.is_derived()) {
          continue;
        }
        for (const auto& symbol : expression_of(dim.dim).symbols()) {
          if (!scope.symbols.contains(symbol)) {
            return error(dim.location,
                         fmt::format("'{}' in {} must also be a dimension of its own in the "
                                     "signature, so that a call can bind it",
                                     symbol, dim.dim.symbol));
          }
        }
      }
    }
    m_call_stack = {function.name};
    auto outputs = lower_body(builder, function, scope);
    if (!outputs) {
      return std::unexpected(outputs.error());
    }
    return std::move(builder).finish(std::move(*outputs));
  }

  Expected<std::vector<ValueId>>
  lower_body(GraphBuilder& builder, const syntax::Function& function, Scope& scope)
  {
    for (const auto& statement : function.body) {
      std::vector<Value> values;
      for (const auto& expr : statement.values) {
        auto lowered = lower_multi(builder, expr, scope);
        if (!lowered) {
          return std::unexpected(lowered.error());
        }
        if (lowered->size() != 1 && statement.values.size() > 1) {
          return error(expr, fmt::format("this call returns {} values where one is expected",
                                         lowered->size()));
        }
        values.insert(values.end(), lowered->begin(), lowered->end());
      }
      if (statement.is_return) {
        std::vector<ValueId> outputs;
        for (size_t i = 0; i < values.size(); ++i) {
          const auto& expr = statement.values[std::min(i, statement.values.size() - 1)];
          auto id = as_tensor(builder, values[i], std::nullopt, expr);
          if (!id) {
            return std::unexpected(id.error());
          }
          outputs.push_back(*id);
        }
        return outputs;
      }
      if (values.size() != statement.targets.size()) {
        return error(
          statement.values.front(),
          fmt::format("{} names are assigned {} values", statement.targets.size(), values.size()));
      }
      for (size_t i = 0; i < values.size(); ++i) {
        scope.names.insert_or_assign(statement.targets[i].name, values[i]);
      }
    }
    return error(function.location, "function does not return", function.name.size());
  }

  // An expression that must be one tensor (a literal becomes a constant of its default dtype).
  Expected<ValueId>
  lower_tensor(GraphBuilder& builder, const Expr& expr, Scope& scope)
  {
    auto value = lower_expr(builder, expr, scope);
    if (!value) {
      return std::unexpected(value.error());
    }
    return as_tensor(builder, *value, std::nullopt, expr);
  }

  // A value as a tensor; a literal becomes a constant of `context` (or its default dtype).
  Expected<ValueId>
  as_tensor(GraphBuilder& builder, const Value& value, std::optional<DType> context,
            const Expr& where)
  {
    if (const auto* id = std::get_if<ValueId>(&value)) {
      return *id;
    }
    const auto& literal = std::get<Literal>(value);
    DType dtype = literal.kind == Literal::Kind::real      ? DType::f32
                  : literal.kind == Literal::Kind::integer ? DType::i32
                                                           : DType::boolean;
    if (context) {
      const bool fits = literal.kind == Literal::Kind::boolean
                          ? *context == DType::boolean
                          : *context != DType::boolean &&
                              (literal.kind == Literal::Kind::integer || is_float(*context));
      if (!fits) {
        return error(where, fmt::format("this literal cannot be used with an operand of dtype {}",
                                        to_string(*context)));
      }
      dtype = *context;
    }
    builder.set_location(where.location);
    auto constant = builder.constant(dtype, literal.value);
    if (!constant) {
      return error(where, constant.error().message);
    }
    return constant;
  }

  Expected<Value>
  lower_expr(GraphBuilder& builder, const Expr& expr, Scope& scope)
  {
    auto values = lower_multi(builder, expr, scope);
    if (!values) {
      return std::unexpected(values.error());
    }
    if (values->size() != 1) {
      return error(
        expr, fmt::format("this call returns {} values where one is expected", values->size()));
    }
    return values->front();
  }

  // An expression; a call to a def may give several values.
  Expected<std::vector<Value>>
  lower_multi(GraphBuilder& builder, const Expr& expr, Scope& scope)
  {
    // The parser bounds each expression's depth; calls to defs stack theirs up.
    if (m_depth >= k_max_lowering_depth) {
      return error(expr, fmt::format("expressions more than {} operations deep once the defs "
                                     "they call are inlined; split them into several statements",
                                     k_max_lowering_depth));
    }
    ++m_depth;
    auto lowered = lower_node(builder, expr, scope);
    --m_depth;
    return lowered;
  }

  Expected<std::vector<Value>>
  lower_node(GraphBuilder& builder, const Expr& expr, Scope& scope)
  {
    switch (expr.kind) {
    case Expr::Kind::integer: {
      auto value = literal_integer(expr);
      if (!value) {
        return std::unexpected(value.error());
      }
      return std::vector<Value>{Literal{Literal::Kind::integer, static_cast<double>(*value)}};
    }
    case Expr::Kind::real: {
      auto value = literal_real(expr);
      if (!value) {
        return std::unexpected(value.error());
      }
      return std::vector<Value>{Literal{Literal::Kind::real, *value}};
    }
    case Expr::Kind::boolean:
      return std::vector<Value>{Literal{Literal::Kind::boolean, expr.text == "true" ? 1.0 : 0.0}};
    case Expr::Kind::name: {
      auto found = scope.names.find(expr.text);
      if (found == scope.names.end()) {
        if (m_functions.contains(expr.text)) {
          return error(expr, fmt::format("'{}' is a function; call it with arguments", expr.text));
        }
        return error(expr, fmt::format("unknown name '{}'", expr.text));
      }
      return std::vector<Value>{found->second};
    }
    case Expr::Kind::negate: {
      auto operand = lower_expr(builder, expr.operands[0], scope);
      if (!operand) {
        return std::unexpected(operand.error());
      }
      if (auto* literal = std::get_if<Literal>(&*operand)) {
        if (literal->kind == Literal::Kind::boolean) {
          return error(expr, "a bool cannot be negated");
        }
        literal->value = -literal->value;
        return std::vector<Value>{*literal};
      }
      builder.set_location(expr.location);
      return wrap(builder.unary(Op::neg, std::get<ValueId>(*operand)), expr);
    }
    case Expr::Kind::binary: return lower_binary(builder, expr, scope);
    case Expr::Kind::call: return lower_call(builder, expr, scope);
    case Expr::Kind::list:
      return error(expr, "a list is only allowed as an argument of reshape, transpose, "
                         "broadcast_to, or as an axis");
    }
    return error(expr, "unsupported expression");
  }

  Expected<std::vector<Value>>
  wrap(Expected<ValueId> id, const Expr& expr) const
  {
    if (!id) {
      return error(expr, id.error().message);
    }
    return std::vector<Value>{*id};
  }

  // Lowers operands that may be literals: literals take the first tensor operand's dtype.
  Expected<std::vector<ValueId>>
  lower_operands(GraphBuilder& builder, std::span<const Expr> exprs, Scope& scope,
                 std::optional<size_t> skip_context = std::nullopt)
  {
    std::vector<Value> values;
    std::optional<DType> context;
    for (size_t i = 0; i < exprs.size(); ++i) {
      auto value = lower_expr(builder, exprs[i], scope);
      if (!value) {
        return std::unexpected(value.error());
      }
      if (const auto* id = std::get_if<ValueId>(&*value); id && !context && skip_context != i) {
        context = builder.type(*id).dtype;
      }
      values.push_back(*value);
    }
    std::vector<ValueId> ids;
    for (size_t i = 0; i < values.size(); ++i) {
      auto id = as_tensor(builder, values[i], skip_context == i ? std::nullopt : context, exprs[i]);
      if (!id) {
        return std::unexpected(id.error());
      }
      ids.push_back(*id);
    }
    return ids;
  }

  Expected<std::vector<Value>>
  lower_binary(GraphBuilder& builder, const Expr& expr, Scope& scope)
  {
    static const std::map<std::string, Op, std::less<>> ops = {
      {"+", Op::add},         {"-", Op::sub},        {"*", Op::mul},
      {"/", Op::div},         {"@", Op::matmul},     {"<", Op::less},
      {"<=", Op::less_equal}, {">", Op::greater},    {">=", Op::greater_equal},
      {"==", Op::equal},      {"!=", Op::not_equal},
    };
    if (expr.text == "//") {
      return error(expr, "'//' divides dimensions (in reshape, broadcast_to and signatures); "
                         "tensors divide with '/'");
    }
    auto operands = lower_operands(builder, expr.operands, scope);
    if (!operands) {
      return std::unexpected(operands.error());
    }
    const Op op = ops.at(expr.text);
    builder.set_location(expr.location);
    if (op == Op::matmul) {
      return wrap(builder.matmul((*operands)[0], (*operands)[1]), expr);
    }
    return wrap(builder.binary(op, (*operands)[0], (*operands)[1]), expr);
  }

  Expected<void>
  check_arity(const Expr& call, size_t expected) const
  {
    if (call.operands.size() != expected) {
      return error(call, fmt::format("{} takes {} positional argument{}, got {}", call.text,
                                     expected, expected == 1 ? "" : "s", call.operands.size()));
    }
    return {};
  }

  Expected<void>
  check_keywords(const Expr& call, std::initializer_list<std::string_view> allowed) const
  {
    for (const auto& keyword : call.keywords) {
      if (std::find(allowed.begin(), allowed.end(), keyword.name) == allowed.end()) {
        return error(keyword.location,
                     fmt::format("{} has no argument '{}'", call.text, keyword.name),
                     keyword.name.size());
      }
    }
    return {};
  }

  const syntax::KeywordArg*
  find_keyword(const Expr& call, std::string_view name) const
  {
    for (const auto& keyword : call.keywords) {
      if (keyword.name == name) {
        return &keyword;
      }
    }
    return nullptr;
  }

  // An integer literal's value; the lexer has checked its digits, not its range.
  Expected<int64_t>
  literal_integer(const Expr& literal) const
  {
    int64_t value = 0;
    const auto [end, ec] =
      std::from_chars(literal.text.data(), literal.text.data() + literal.text.size(), value);
    if (ec != std::errc() || end != literal.text.data() + literal.text.size()) {
      return error(literal, fmt::format("integer '{}' is out of range", literal.text));
    }
    return value;
  }

  // A real literal's value; one too large for a double is an error, not infinity, which is
  // written `inf`.
  Expected<double>
  literal_real(const Expr& literal) const
  {
    if (literal.text == syntax::k_infinity) {
      return std::numeric_limits<double>::infinity();
    }
    if (literal.text == syntax::k_not_a_number) {
      return std::numeric_limits<double>::quiet_NaN();
    }
    double value = 0;
    const auto [end, ec] =
      std::from_chars(literal.text.data(), literal.text.data() + literal.text.size(), value);
    if (ec == std::errc::result_out_of_range) {
      // from_chars leaves `value` alone either way: strtod tells too small (which rounds
      // towards zero, as in C++ and Python) from too large.
      value = std::strtod(std::string(literal.text).c_str(), nullptr);
    }
    if (!std::isfinite(value) || (ec != std::errc() && ec != std::errc::result_out_of_range) ||
        end != literal.text.data() + literal.text.size()) {
      return error(literal, fmt::format("number '{}' is out of range", literal.text));
    }
    return value;
  }

  // An integer or real literal's value as a double, for keyword arguments such as eps.
  Expected<double>
  literal_number(const Expr& literal) const
  {
    if (literal.kind == Expr::Kind::real) {
      return literal_real(literal);
    }
    auto value = literal_integer(literal);
    if (!value) {
      return std::unexpected(value.error());
    }
    return static_cast<double>(*value);
  }

  Expected<int64_t>
  integer_of(const Expr& expr) const
  {
    if (expr.kind == Expr::Kind::integer) {
      return literal_integer(expr);
    }
    if (expr.kind == Expr::Kind::negate && expr.operands[0].kind == Expr::Kind::integer) {
      auto value = literal_integer(expr.operands[0]);
      if (!value) {
        return std::unexpected(value.error());
      }
      return -*value;
    }
    return error(expr, "expected an integer");
  }

  Expected<std::vector<int64_t>>
  integers_of(const Expr& expr) const
  {
    std::vector<int64_t> values;
    if (expr.kind != Expr::Kind::list) {
      auto value = integer_of(expr);
      if (!value) {
        return std::unexpected(value.error());
      }
      return std::vector<int64_t>{*value};
    }
    for (const auto& item : expr.operands) {
      auto value = integer_of(item);
      if (!value) {
        return std::unexpected(value.error());
      }
      values.push_back(*value);
    }
    return values;
  }

  Expected<Shape>
  shape_of(const Expr& expr, const Scope& scope) const
  {
    if (expr.kind != Expr::Kind::list) {
      return error(expr, "expected a list of dimensions such as [B, 64]");
    }
    Shape shape;
    for (const auto& item : expr.operands) {
      if (auto marker = integer_of(item); marker && *marker == -1) {
        shape.push_back(Dim::of(-1)); // reshape infers it
        continue;
      }
      auto dim = dimension_of(item, scope);
      if (!dim) {
        return std::unexpected(dim.error());
      }
      shape.push_back(dim_of(*dim));
    }
    return shape;
  }

  // A dimension written in a list: a size, a name from the signature, or an expression of
  // those with + - * and // (docs/language.md, "Dimensions").
  Expected<DimExpr>
  dimension_of(const Expr& item, const Scope& scope) const
  {
    if (item.depth > k_max_dimension_depth) {
      return error(item, fmt::format("a dimension expression may nest {} operations deep at most",
                                     k_max_dimension_depth));
    }
    const auto failed = [&](const Error& failure) { return error(item, failure.message); };
    switch (item.kind) {
    case Expr::Kind::integer: {
      auto value = literal_integer(item);
      return value ? Expected<DimExpr>(DimExpr::constant(*value)) : std::unexpected(value.error());
    }
    case Expr::Kind::name: {
      auto found = scope.symbols.find(item.text);
      if (found == scope.symbols.end()) {
        return error(item, fmt::format("unknown dimension '{}': it must appear in the "
                                       "function's signature",
                                       item.text));
      }
      return expression_of(found->second);
    }
    case Expr::Kind::negate: {
      auto operand = dimension_of(item.operands[0], scope);
      auto negated = operand ? *operand * DimExpr::constant(-1) : operand;
      return negated ? negated : failed(negated.error());
    }
    case Expr::Kind::binary: {
      if (item.text == "/") {
        return error(item, "dimensions divide with '//', which must divide evenly");
      }
      if (item.text != "+" && item.text != "-" && item.text != "*" && item.text != "//") {
        return error(item,
                     fmt::format("'{}' is not an operator of dimensions (+, -, *, //)", item.text));
      }
      auto left = dimension_of(item.operands[0], scope);
      if (!left) {
        return left;
      }
      auto right = dimension_of(item.operands[1], scope);
      if (!right) {
        return right;
      }
      auto result = item.text == "+"   ? *left + *right
                    : item.text == "-" ? *left - *right
                    : item.text == "*" ? *left * *right
                                       : DimExpr::divide(*left, *right);
      return result ? result : failed(result.error());
    }
    default:
      return error(item, "expected a dimension: a size, -1, a name from the signature or an "
                         "expression of them");
    }
  }

  Expected<bool>
  bool_of(const syntax::KeywordArg& keyword) const
  {
    const auto& expr = keyword.value.front();
    if (expr.kind != Expr::Kind::boolean) {
      return error(expr, fmt::format("{} must be true or false", keyword.name));
    }
    return expr.text == "true";
  }

  Expected<std::vector<Value>>
  lower_call(GraphBuilder& builder, const Expr& call, Scope& scope)
  {
    if (auto callee = m_functions.find(call.text); callee != m_functions.end()) {
      return inline_call(builder, call, *callee->second, scope);
    }
    auto op_or_composite = call.text;
    if (op_or_composite == "softmax" || op_or_composite == "layernorm") {
      return lower_normalization(builder, call, scope);
    }
    auto op = parse_function_op(call.text);
    if (!op || is_comparison(*op) || *op == Op::add || *op == Op::sub || *op == Op::mul ||
        *op == Op::div) {
      return error(call, fmt::format("unknown function '{}'", call.text));
    }
    if (is_unary(*op) && *op != Op::cast) {
      if (auto ok = check_keywords(call, {}); !ok) {
        return std::unexpected(ok.error());
      }
      if (auto ok = check_arity(call, 1); !ok) {
        return std::unexpected(ok.error());
      }
      auto operands = lower_operands(builder, call.operands, scope);
      if (!operands) {
        return std::unexpected(operands.error());
      }
      builder.set_location(call.location);
      return wrap(builder.unary(*op, operands->front()), call);
    }
    if (is_binary(*op) || *op == Op::matmul || *op == Op::where) {
      if (auto ok = check_keywords(call, {}); !ok) {
        return std::unexpected(ok.error());
      }
      if (auto ok = check_arity(call, *op == Op::where ? 3 : 2); !ok) {
        return std::unexpected(ok.error());
      }
      auto operands = lower_operands(builder, call.operands, scope,
                                     *op == Op::where ? std::optional<size_t>(0) : std::nullopt);
      if (!operands) {
        return std::unexpected(operands.error());
      }
      builder.set_location(call.location);
      const auto& ids = *operands;
      if (*op == Op::where) {
        return wrap(builder.where(ids[0], ids[1], ids[2]), call);
      }
      if (*op == Op::matmul) {
        return wrap(builder.matmul(ids[0], ids[1]), call);
      }
      return wrap(builder.binary(*op, ids[0], ids[1]), call);
    }
    if (auto ok = check_arity(call, is_reduction(*op) ? 1 : 2); !ok) {
      return std::unexpected(ok.error());
    }
    if (*op == Op::cast) {
      return lower_cast(builder, call, scope);
    }
    auto x = lower_tensor(builder, call.operands[0], scope);
    if (!x) {
      return std::unexpected(x.error());
    }
    if (is_reduction(*op)) {
      return lower_reduction(builder, call, *op, *x);
    }
    builder.set_location(call.location);
    if (*op == Op::transpose) {
      auto permutation = integers_of(call.operands[1]);
      if (!permutation) {
        return std::unexpected(permutation.error());
      }
      return wrap(builder.transpose(*x, *permutation), call);
    }
    auto shape = shape_of(call.operands[1], scope);
    if (!shape) {
      return std::unexpected(shape.error());
    }
    if (*op == Op::reshape) {
      return wrap(builder.reshape(*x, *shape), call);
    }
    return wrap(builder.broadcast_to(*x, *shape), call);
  }

  Expected<std::vector<Value>>
  lower_cast(GraphBuilder& builder, const Expr& call, Scope& scope)
  {
    const auto& dtype_expr = call.operands[1];
    auto dtype = dtype_expr.kind == Expr::Kind::name ? parse_dtype(dtype_expr.text) : std::nullopt;
    if (!dtype) {
      return error(dtype_expr, "expected a dtype: f32, f64, i32, i64 or bool");
    }
    auto operand = lower_expr(builder, call.operands[0], scope);
    if (!operand) {
      return std::unexpected(operand.error());
    }
    builder.set_location(call.location);
    if (const auto* literal = std::get_if<Literal>(&*operand)) {
      return wrap(builder.constant(*dtype, literal->value), call); // a typed literal
    }
    return wrap(builder.cast(std::get<ValueId>(*operand), *dtype), call);
  }

  Expected<std::vector<Value>>
  lower_reduction(GraphBuilder& builder, const Expr& call, Op op, ValueId x)
  {
    if (auto ok = check_keywords(call, {"axis", "keepdim"}); !ok) {
      return std::unexpected(ok.error());
    }
    std::optional<std::vector<int64_t>> axes;
    if (const auto* axis = find_keyword(call, "axis")) {
      auto values = integers_of(axis->value.front());
      if (!values) {
        return std::unexpected(values.error());
      }
      axes = std::move(*values);
    }
    bool keepdim = false;
    if (const auto* keyword = find_keyword(call, "keepdim")) {
      auto value = bool_of(*keyword);
      if (!value) {
        return std::unexpected(value.error());
      }
      keepdim = *value;
    }
    builder.set_location(call.location);
    return wrap(builder.reduce(op, x, axes, keepdim), call);
  }

  Expected<std::vector<Value>>
  lower_normalization(GraphBuilder& builder, const Expr& call, Scope& scope)
  {
    const bool is_layernorm = call.text == "layernorm";
    if (auto ok =
          is_layernorm ? check_keywords(call, {"axis", "eps"}) : check_keywords(call, {"axis"});
        !ok) {
      return std::unexpected(ok.error());
    }
    if (auto ok = check_arity(call, 1); !ok) {
      return std::unexpected(ok.error());
    }
    auto x = lower_tensor(builder, call.operands[0], scope);
    if (!x) {
      return std::unexpected(x.error());
    }
    int64_t axis = -1;
    if (const auto* keyword = find_keyword(call, "axis")) {
      auto value = integer_of(keyword->value.front());
      if (!value) {
        return std::unexpected(value.error());
      }
      axis = *value;
    }
    double eps = 1e-5;
    if (const auto* keyword = find_keyword(call, "eps")) {
      const auto& value = keyword->value.front();
      if (value.kind != Expr::Kind::real && value.kind != Expr::Kind::integer) {
        return error(value, "eps must be a number");
      }
      auto number = literal_number(value);
      if (!number) {
        return std::unexpected(number.error());
      }
      eps = *number;
      if (!constant_fits(builder.type(*x).dtype, eps)) { // an error at eps, not at the call
        return error(value, fmt::format("eps {} does not fit dtype {}", value.text,
                                        to_string(builder.type(*x).dtype)));
      }
    }
    builder.set_location(call.location);
    return wrap(is_layernorm ? builder.layernorm(*x, axis, eps) : builder.softmax(*x, axis), call);
  }

  Expected<std::vector<Value>>
  inline_call(GraphBuilder& builder, const Expr& call, const syntax::Function& callee,
              Scope& caller)
  {
    if (std::find(m_call_stack.begin(), m_call_stack.end(), callee.name) != m_call_stack.end()) {
      return error(call,
                   fmt::format("'{}' calls itself (recursion is not supported)", callee.name));
    }
    if (!call.keywords.empty()) {
      return error(call.keywords.front().location, "calls to defs take positional arguments",
                   call.keywords.front().name.size());
    }
    if (call.operands.size() != callee.parameters.size()) {
      return error(
        call, fmt::format("{} takes {} argument{}, got {}", callee.name, callee.parameters.size(),
                          callee.parameters.size() == 1 ? "" : "s", call.operands.size()));
    }
    Scope scope;
    std::map<std::string, std::string> bound_by;
    // Derived dimensions of the callee's signature, checked once every symbol is bound.
    struct DerivedArgument {
      size_t argument = 0;
      size_t dimension = 0;
      Dim got;
    };
    std::vector<DerivedArgument> derived;
    for (size_t i = 0; i < call.operands.size(); ++i) {
      const auto& parameter = callee.parameters[i];
      const auto expected = parameter.type.tensor_type();
      auto value = lower_expr(builder, call.operands[i], caller);
      if (!value) {
        return std::unexpected(value.error());
      }
      auto id = as_tensor(builder, *value, expected.dtype, call.operands[i]);
      if (!id) {
        return std::unexpected(id.error());
      }
      const auto& actual = builder.type(*id);
      if (actual.dtype != expected.dtype || actual.shape.size() != expected.shape.size()) {
        return error(call.operands[i],
                     fmt::format("argument '{}' of {} should be {}, got {}", parameter.name,
                                 callee.name, to_string(expected), to_string(actual)));
      }
      for (size_t d = 0; d < expected.shape.size(); ++d) {
        const auto& want = expected.shape[d];
        const auto& got = actual.shape[d];
        if (want.is_static()) {
          if (want != got) {
            return error(call.operands[i],
                         fmt::format("argument '{}' of {}: dimension {} should be {}, got {}",
                                     parameter.name, callee.name, d, want.size, to_string(got)));
          }
          continue;
        }
        if (want.is_derived()) {
          derived.push_back({i, d, got});
          continue;
        }
        auto [found, inserted] = scope.symbols.emplace(want.symbol, got);
        if (inserted) {
          bound_by[want.symbol] = parameter.name;
        } else if (found->second != got) {
          return error(call.operands[i],
                       fmt::format("argument '{}' of {}: {} is bound to {} here but to {} by '{}'",
                                   parameter.name, callee.name, want.symbol, to_string(got),
                                   to_string(found->second), bound_by[want.symbol]));
        }
      }
      scope.names.insert_or_assign(parameter.name, *id);
    }
    for (const auto& [i, d, got] : derived) {
      const Dim& want = callee.parameters[i].type.dims[d].dim;
      auto expected =
        expression_of(want).substitute([&](std::string_view symbol) -> std::optional<DimExpr> {
          auto found = scope.symbols.find(symbol);
          return found == scope.symbols.end() ? std::nullopt
                                              : std::optional(expression_of(found->second));
        });
      if (!expected || *expected != expression_of(got)) {
        return error(call.operands[i],
                     fmt::format("argument '{}' of {}: dimension {} should be {}{}, got {}",
                                 callee.parameters[i].name, callee.name, d, want.symbol,
                                 expected ? " = " + expected->to_string() : std::string(),
                                 to_string(got)));
      }
    }
    m_call_stack.push_back(callee.name);
    auto outputs = lower_body(builder, callee, scope);
    m_call_stack.pop_back();
    if (!outputs) {
      return std::unexpected(outputs.error());
    }
    return std::vector<Value>(outputs->begin(), outputs->end());
  }

  const SourceText& m_source;
  const syntax::Program& m_program;
  std::map<std::string, const syntax::Function*, std::less<>> m_functions;
  std::vector<std::string> m_call_stack;
  // Lowering recurses through expressions and inlined calls; past this depth a program gets an
  // error rather than a stack overflow.
  static constexpr uint32_t k_max_lowering_depth = 2000;
  // A dimension is a size: its expression is short (DimExpr reads 200 levels back).
  static constexpr uint32_t k_max_dimension_depth = 100;
  uint32_t m_depth = 0;
};

} // namespace

Expected<Program>
parse_program(const SourceText& source)
{
  auto tree = parse_syntax(source);
  if (!tree) {
    return std::unexpected(tree.error());
  }
  return Lowering(source, *tree).lower();
}

} // namespace jitcache::jit
