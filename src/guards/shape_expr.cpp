#include "guards/shape_expr.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <limits>
#include <memory>

namespace jitcache::guards {

namespace {

using OpCode = ShapeExpr::OpCode;
using Instruction = ShapeExpr::Instruction;

// Binding strength, loosest first; an atom binds tightest.
enum Precedence : int { k_or = 1, k_and, k_not, k_compare, k_sum, k_product, k_unary, k_atom };

struct BinaryOperator {
  std::string_view text;
  OpCode op;
};

constexpr std::array k_comparisons = {
  BinaryOperator{"==", OpCode::equal},      BinaryOperator{"!=", OpCode::not_equal},
  BinaryOperator{"<=", OpCode::less_equal}, BinaryOperator{">=", OpCode::greater_equal},
  BinaryOperator{"<", OpCode::less},        BinaryOperator{">", OpCode::greater},
};

uint64_t
as_unsigned(int64_t value)
{
  return static_cast<uint64_t>(value);
}

int64_t
wrap(uint64_t value)
{
  return static_cast<int64_t>(value);
}

int64_t
floor_divide(int64_t a, int64_t b)
{
  if (b == 0) {
    return 0;
  }
  if (b == -1) {
    return wrap(0 - as_unsigned(a)); // the most negative a has no positive counterpart
  }
  const int64_t quotient = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? quotient - 1 : quotient;
}

int64_t
modulo(int64_t a, int64_t b)
{
  if (b == 0 || b == -1) {
    return 0;
  }
  const int64_t remainder = a % b;
  return (remainder != 0 && ((remainder < 0) != (b < 0))) ? remainder + b : remainder;
}

} // namespace

// Recursive descent straight into the postfix program.
class ShapeExprParser {
public:
  explicit ShapeExprParser(std::string_view text) : m_text(text) {}

  Expected<ShapeExpr>
  parse()
  {
    if (auto ok = parse_or(); !ok) {
      return std::unexpected(ok.error());
    }
    skip_space();
    if (m_at != m_text.size()) {
      return error("expected an operator or the end of the expression");
    }
    // The stack depth the program needs.
    size_t depth = 0;
    size_t deepest = 0;
    for (const auto& instruction : m_expr.m_program) {
      const bool pushes = instruction.op == OpCode::constant || instruction.op == OpCode::symbol;
      const bool unary = instruction.op == OpCode::negate || instruction.op == OpCode::logical_not;
      depth = pushes ? depth + 1 : unary ? depth : depth - 1;
      deepest = std::max(deepest, depth);
    }
    if (deepest > ShapeExpr::k_max_depth) {
      return make_error(ErrorCode::invalid_argument,
                        fmt::format("guard expression '{}' nests too deeply (more than {} levels)",
                                    m_text, ShapeExpr::k_max_depth));
    }
    return std::move(m_expr);
  }

private:
  std::unexpected<Error>
  error(std::string_view message) const
  {
    return make_error(ErrorCode::invalid_argument,
                      fmt::format("guard expression, offset {}: {}\n    {}\n    {}^", m_at, message,
                                  m_text, std::string(m_at, ' ')));
  }

  void
  skip_space()
  {
    while (m_at < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_at]))) {
      ++m_at;
    }
  }

  bool
  accept(std::string_view token)
  {
    skip_space();
    if (m_text.substr(m_at, token.size()) != token) {
      return false;
    }
    // A keyword must not run into a name: "order" is not "or" followed by "der".
    const bool word = std::isalpha(static_cast<unsigned char>(token.front())) != 0;
    const size_t end = m_at + token.size();
    if (word && end < m_text.size() &&
        (std::isalnum(static_cast<unsigned char>(m_text[end])) || m_text[end] == '_')) {
      return false;
    }
    m_at = end;
    return true;
  }

  void
  emit(OpCode op, int64_t operand = 0)
  {
    m_expr.m_program.push_back(Instruction{op, operand});
  }

  // Every recursion of the grammar (brackets, min/max arguments, repeated '-' and 'not')
  // passes through parse_or, parse_not or parse_unary, which each hold a Nesting for their
  // duration: deep input is an error, not a stack overflow.
  static constexpr size_t k_max_nesting = 300; // about 100 levels of brackets
  class Nesting {
  public:
    explicit Nesting(size_t& depth) : m_depth(depth) { ++m_depth; }
    ~Nesting() { --m_depth; }
    Nesting(const Nesting&) = delete;
    Nesting& operator=(const Nesting&) = delete;

  private:
    size_t& m_depth;
  };
  Expected<void>
  check_nesting() const
  {
    if (m_nesting > k_max_nesting) {
      return error("the expression nests too deeply for the parser");
    }
    return {};
  }

  Expected<void>
  parse_or()
  {
    const Nesting nesting(m_nesting);
    if (auto ok = check_nesting(); !ok) {
      return ok;
    }
    if (auto ok = parse_and(); !ok) {
      return ok;
    }
    while (accept("or")) {
      if (auto ok = parse_and(); !ok) {
        return ok;
      }
      emit(OpCode::logical_or);
    }
    return {};
  }

  Expected<void>
  parse_and()
  {
    if (auto ok = parse_not(); !ok) {
      return ok;
    }
    while (accept("and")) {
      if (auto ok = parse_not(); !ok) {
        return ok;
      }
      emit(OpCode::logical_and);
    }
    return {};
  }

  Expected<void>
  parse_not()
  {
    const Nesting nesting(m_nesting);
    if (auto ok = check_nesting(); !ok) {
      return ok;
    }
    if (accept("not")) {
      if (auto ok = parse_not(); !ok) {
        return ok;
      }
      emit(OpCode::logical_not);
      return {};
    }
    return parse_compare();
  }

  Expected<void>
  parse_compare()
  {
    if (auto ok = parse_sum(); !ok) {
      return ok;
    }
    for (const auto& comparison : k_comparisons) {
      if (accept(comparison.text)) {
        if (auto ok = parse_sum(); !ok) {
          return ok;
        }
        emit(comparison.op);
        skip_space();
        for (const auto& another : k_comparisons) {
          if (m_text.substr(m_at, another.text.size()) == another.text) {
            return error("comparisons do not chain; join them with 'and'");
          }
        }
        return {};
      }
    }
    return {};
  }

  Expected<void>
  parse_sum()
  {
    if (auto ok = parse_product(); !ok) {
      return ok;
    }
    while (true) {
      const OpCode op = accept("+")   ? OpCode::add
                        : accept("-") ? OpCode::subtract
                                      : OpCode::constant;
      if (op == OpCode::constant) {
        return {};
      }
      if (auto ok = parse_product(); !ok) {
        return ok;
      }
      emit(op);
    }
  }

  Expected<void>
  parse_product()
  {
    if (auto ok = parse_unary(); !ok) {
      return ok;
    }
    while (true) {
      const OpCode op = accept("*")    ? OpCode::multiply
                        : accept("//") ? OpCode::floor_divide
                        : accept("%")  ? OpCode::modulo
                                       : OpCode::constant;
      if (op == OpCode::constant) {
        skip_space();
        if (m_at < m_text.size() && m_text[m_at] == '/') {
          return error("division is '//' (rounding down)");
        }
        return {};
      }
      if (auto ok = parse_unary(); !ok) {
        return ok;
      }
      emit(op);
    }
  }

  Expected<void>
  parse_unary()
  {
    const Nesting nesting(m_nesting);
    if (auto ok = check_nesting(); !ok) {
      return ok;
    }
    if (!accept("-")) {
      return parse_atom();
    }
    if (auto ok = parse_unary(); !ok) {
      return ok;
    }
    auto& last = m_expr.m_program.back();
    if (last.op == OpCode::constant) {
      last.operand = wrap(0 - as_unsigned(last.operand)); // a negative literal is one constant
    } else {
      emit(OpCode::negate);
    }
    return {};
  }

  Expected<void>
  parse_atom()
  {
    skip_space();
    if (m_at == m_text.size()) {
      return error("expected a number, a size (s0, s1, ...), min, max or '('");
    }
    const char c = m_text[m_at];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      int64_t value = 0;
      const char* begin = m_text.data() + m_at;
      auto [end, ec] = std::from_chars(begin, m_text.data() + m_text.size(), value);
      if (ec != std::errc()) {
        return error("this number does not fit in 64 bits");
      }
      m_at += static_cast<size_t>(end - begin);
      emit(OpCode::constant, value);
      return {};
    }
    for (auto [name, op] : {std::pair{"min", OpCode::minimum}, std::pair{"max", OpCode::maximum}}) {
      if (accept(name)) {
        if (!accept("(")) {
          return error(fmt::format("expected '(' after {}", name));
        }
        if (auto ok = parse_or(); !ok) {
          return ok;
        }
        if (!accept(",")) {
          return error(fmt::format("expected ',' between the two arguments of {}", name));
        }
        if (auto ok = parse_or(); !ok) {
          return ok;
        }
        if (!accept(")")) {
          return error(fmt::format("expected ')' to close {}(", name));
        }
        emit(op);
        return {};
      }
    }
    if (c == 's' && m_at + 1 < m_text.size() &&
        std::isdigit(static_cast<unsigned char>(m_text[m_at + 1]))) {
      const size_t start = m_at++;
      uint32_t index = 0;
      const char* begin = m_text.data() + m_at;
      auto [end, ec] = std::from_chars(begin, m_text.data() + m_text.size(), index);
      if (ec != std::errc() || index > 4096) {
        m_at = start;
        return error("size index out of range (at most s4096)");
      }
      m_at += static_cast<size_t>(end - begin);
      emit(OpCode::symbol, index);
      m_expr.m_symbol_count = std::max(m_expr.m_symbol_count, index + 1);
      return {};
    }
    if (accept("(")) {
      if (auto ok = parse_or(); !ok) {
        return ok;
      }
      if (!accept(")")) {
        return error("expected ')'");
      }
      return {};
    }
    return error("expected a number, a size (s0, s1, ...), min, max or '('");
  }

  std::string_view m_text;
  size_t m_at = 0;
  size_t m_nesting = 0;
  ShapeExpr m_expr;
};

Expected<ShapeExpr>
ShapeExpr::parse(std::string_view text)
{
  return ShapeExprParser(text).parse();
}

int64_t
ShapeExpr::evaluate(std::span<const int64_t> sizes) const
{
  std::array<int64_t, k_max_depth> stack{};
  size_t top = 0; // the number of values on the stack
  for (const auto& instruction : m_program) {
    if (instruction.op == OpCode::constant) {
      stack[top++] = instruction.operand;
      continue;
    }
    if (instruction.op == OpCode::symbol) {
      const auto index = static_cast<size_t>(instruction.operand);
      stack[top++] = index < sizes.size() ? sizes[index] : 0;
      continue;
    }
    if (instruction.op == OpCode::negate) {
      stack[top - 1] = wrap(0 - as_unsigned(stack[top - 1]));
      continue;
    }
    if (instruction.op == OpCode::logical_not) {
      stack[top - 1] = stack[top - 1] == 0 ? 1 : 0;
      continue;
    }
    const int64_t b = stack[--top];
    int64_t& a = stack[top - 1];
    switch (instruction.op) {
    case OpCode::add: a = wrap(as_unsigned(a) + as_unsigned(b)); break;
    case OpCode::subtract: a = wrap(as_unsigned(a) - as_unsigned(b)); break;
    case OpCode::multiply: a = wrap(as_unsigned(a) * as_unsigned(b)); break;
    case OpCode::floor_divide: a = floor_divide(a, b); break;
    case OpCode::modulo: a = modulo(a, b); break;
    case OpCode::minimum: a = std::min(a, b); break;
    case OpCode::maximum: a = std::max(a, b); break;
    case OpCode::equal: a = a == b ? 1 : 0; break;
    case OpCode::not_equal: a = a != b ? 1 : 0; break;
    case OpCode::less: a = a < b ? 1 : 0; break;
    case OpCode::less_equal: a = a <= b ? 1 : 0; break;
    case OpCode::greater: a = a > b ? 1 : 0; break;
    case OpCode::greater_equal: a = a >= b ? 1 : 0; break;
    case OpCode::logical_and: a = a != 0 && b != 0 ? 1 : 0; break;
    case OpCode::logical_or: a = a != 0 || b != 0 ? 1 : 0; break;
    default: break;
    }
  }
  return top == 1 ? stack[0] : 0;
}

std::string
ShapeExpr::to_string() const
{
  struct Text {
    std::string text;
    int precedence = k_atom;
  };
  std::vector<Text> stack;
  auto wrap_if = [](const Text& operand, bool needed) {
    return needed ? fmt::format("({})", operand.text) : operand.text;
  };
  for (const auto& instruction : m_program) {
    switch (instruction.op) {
    case OpCode::constant:
      stack.push_back(
        {std::to_string(instruction.operand), instruction.operand < 0 ? k_unary : k_atom});
      continue;
    case OpCode::symbol:
      stack.push_back({fmt::format("s{}", instruction.operand), k_atom});
      continue;
    case OpCode::negate:
      stack.back() = {"-" + wrap_if(stack.back(), stack.back().precedence < k_unary), k_unary};
      continue;
    case OpCode::logical_not:
      stack.back() = {"not " + wrap_if(stack.back(), stack.back().precedence < k_not), k_not};
      continue;
    default: break;
    }
    const Text right = stack.back();
    stack.pop_back();
    const Text left = stack.back();
    stack.pop_back();
    if (instruction.op == OpCode::minimum || instruction.op == OpCode::maximum) {
      stack.push_back({fmt::format("{}({}, {})", instruction.op == OpCode::minimum ? "min" : "max",
                                   left.text, right.text),
                       k_atom});
      continue;
    }
    std::string_view symbol;
    int precedence = k_sum;
    switch (instruction.op) {
    case OpCode::add:
      symbol = "+";
      precedence = k_sum;
      break;
    case OpCode::subtract:
      symbol = "-";
      precedence = k_sum;
      break;
    case OpCode::multiply:
      symbol = "*";
      precedence = k_product;
      break;
    case OpCode::floor_divide:
      symbol = "//";
      precedence = k_product;
      break;
    case OpCode::modulo:
      symbol = "%";
      precedence = k_product;
      break;
    case OpCode::equal:
      symbol = "==";
      precedence = k_compare;
      break;
    case OpCode::not_equal:
      symbol = "!=";
      precedence = k_compare;
      break;
    case OpCode::less:
      symbol = "<";
      precedence = k_compare;
      break;
    case OpCode::less_equal:
      symbol = "<=";
      precedence = k_compare;
      break;
    case OpCode::greater:
      symbol = ">";
      precedence = k_compare;
      break;
    case OpCode::greater_equal:
      symbol = ">=";
      precedence = k_compare;
      break;
    case OpCode::logical_and:
      symbol = "and";
      precedence = k_and;
      break;
    default:
      symbol = "or";
      precedence = k_or;
      break;
    }
    // Left-associative: the right operand needs parentheses at equal strength too;
    // comparisons do not chain, so both of their operands do.
    const bool compare = precedence == k_compare;
    stack.push_back({fmt::format("{} {} {}",
                                 wrap_if(left, compare ? left.precedence <= precedence
                                                       : left.precedence < precedence),
                                 symbol, wrap_if(right, right.precedence <= precedence)),
                     precedence});
  }
  return stack.empty() ? std::string() : stack.back().text;
}

} // namespace jitcache::guards
