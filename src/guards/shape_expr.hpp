// ShapeExpr: a symbolic relation over named sizes, the guards of dynamic-shape variants:
// `s0 == s1`, `s0 >= 2`, `s0 % 16 == 0 and s1 <= max(s0, 8)`.
//
//   expr    := or
//   or      := and {"or" and}
//   and     := not {"and" not}
//   not     := "not" not | compare
//   compare := sum [("==" | "!=" | "<" | "<=" | ">" | ">=") sum]
//   sum     := product {("+" | "-") product}
//   product := unary {("*" | "//" | "%") unary}
//   unary   := "-" unary | atom
//   atom    := INTEGER | SYMBOL | ("min" | "max") "(" expr "," expr ")" | "(" expr ")"
//   SYMBOL  := "s" DIGITS          (s0, s1, ...: the sizes a JIT numbers in its graph)
//
// Values are 64-bit integers; comparisons and and/or/not give 0 or 1 (any non-zero value is
// true). `//` and `%` round toward negative infinity as in Python; dividing by zero gives 0.
// Parsed text compiles into a flat postfix program evaluated on a fixed stack: no heap
// allocation and no virtual call per check. to_string() prints the canonical text (minimal
// parentheses), which parses back to the same program.
#pragma once

#include <jitcache/error.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace jitcache::guards {

class ShapeExpr {
public:
  // The deepest evaluation stack an expression may need.
  static constexpr size_t k_max_depth = 32;

  // Errors name the byte offset and show the text with a caret under it.
  static Expected<ShapeExpr> parse(std::string_view text);

  std::string to_string() const;

  // The value with s<i> = sizes[i]; a symbol without a size reads as 0 (callers check
  // symbol_count() first).
  int64_t evaluate(std::span<const int64_t> sizes) const;
  bool
  holds(std::span<const int64_t> sizes) const
  {
    return evaluate(sizes) != 0;
  }

  // One more than the highest symbol index used (0 when no symbol is used).
  uint32_t
  symbol_count() const
  {
    return m_symbol_count;
  }

  bool
  operator==(const ShapeExpr& other) const
  {
    return m_program == other.m_program;
  }

  enum class OpCode : uint8_t {
    constant,
    symbol,
    negate,
    logical_not,
    add,
    subtract,
    multiply,
    floor_divide,
    modulo,
    minimum,
    maximum,
    equal,
    not_equal,
    less,
    less_equal,
    greater,
    greater_equal,
    logical_and,
    logical_or,
  };
  struct Instruction {
    OpCode op = OpCode::constant;
    int64_t operand = 0; // the constant, or the symbol's index
    bool operator==(const Instruction&) const = default;
  };

private:
  std::vector<Instruction> m_program; // postfix
  uint32_t m_symbol_count = 0;

  friend class ShapeExprParser;
};

} // namespace jitcache::guards
