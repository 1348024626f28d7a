// DimExpr: a dimension written as an expression of signature symbols and integers, as in
// `reshape(y, [C, A * B])` or `x: f32[N, 2 * N]`: `+`, `-`, `*` and `//` (which must divide
// evenly), with parentheses.
//
// An expression is kept in a normal form, a sum of terms, each an integer coefficient times a
// sorted list of factors; a factor is a symbol, or a quotient that could not be simplified
// (`(A+B)//2`). Equal expressions have one normal form however they were written
// (`A*B` and `B * A`, `2*N//2` and `N`), and its text, to_string(), is canonical: no spaces,
// terms in a fixed order, parentheses only around quotients' operands. A Dim whose symbol is
// such a text is a derived dimension (graph.hpp); the text parses back to the same normal form.
//
//   sum     := product {("+" | "-") product}
//   product := factor {("*" | "//") factor}
//   factor  := INTEGER | NAME | "(" sum ")"
//
// Arithmetic that overflows int64 is an error, and so is a division by zero or a division of
// two integers that leaves a remainder; a quotient with symbols is checked when it is
// evaluated.
#pragma once

#include "jit/ir/graph.hpp"

#include <jitcache/error.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jitcache::jit {

class DimExpr {
public:
  DimExpr() = default; // 0
  static DimExpr constant(int64_t value);
  static DimExpr symbol(std::string name);
  // Errors name the byte offset and what was expected there; `error_offset`, when given,
  // receives that offset.
  static Expected<DimExpr> parse(std::string_view text, size_t* error_offset = nullptr);

  friend Expected<DimExpr> operator+(const DimExpr& a, const DimExpr& b);
  friend Expected<DimExpr> operator-(const DimExpr& a, const DimExpr& b);
  friend Expected<DimExpr> operator*(const DimExpr& a, const DimExpr& b);
  // a // b, simplified where b divides every term of a; an error for a constant b of 0, or
  // for constants that leave a remainder.
  static Expected<DimExpr> divide(const DimExpr& a, const DimExpr& b);
  // a / b when b is one term that divides every term of a (no quotient is left), else nullopt.
  static std::optional<DimExpr> divide_exactly(const DimExpr& a, const DimExpr& b);

  std::optional<int64_t> constant_value() const;
  // The symbol's name when the expression is exactly one symbol.
  std::optional<std::string> symbol_name() const;
  // coefficient * symbols when the expression is one term of plain symbols (no quotient).
  struct Monomial {
    int64_t coefficient = 1;
    std::vector<std::string> symbols; // sorted, repeated for powers
  };
  std::optional<Monomial> monomial() const;

  // The symbols it reads, sorted, each once.
  std::vector<std::string> symbols() const;
  // The value with each symbol's size from `size_of` (nullopt: unknown, an error). Errors say
  // which division leaves a remainder or divides by zero, or that the value overflows.
  Expected<int64_t>
  evaluate(const std::function<std::optional<int64_t>(std::string_view)>& size_of) const;
  // Each symbol replaced by the expression `replace` gives for it (nullopt: kept).
  Expected<DimExpr>
  substitute(const std::function<std::optional<DimExpr>(std::string_view)>& replace) const;

  std::string to_string() const;
  bool operator==(const DimExpr& other) const = default;

private:
  struct Factor {
    std::string symbol; // a symbol, or empty for a quotient
    std::shared_ptr<const std::pair<DimExpr, DimExpr>> quotient; // numerator // denominator
    std::string text; // canonical; orders and compares factors
    bool
    operator==(const Factor& other) const
    {
      return text == other.text;
    }
  };
  struct Term {
    int64_t coefficient = 0;
    std::vector<Factor> factors; // sorted by text
    bool operator==(const Term&) const = default;
  };

  static Expected<DimExpr> from_terms(std::vector<Term> terms);
  static Expected<Term> multiply(const Term& a, const Term& b);
  // a / b as one term when b divides a exactly (coefficient and factors), else nullopt.
  static std::optional<Term> divide_term(const Term& a, const Term& b);
  static std::string term_text(const Term& term, bool first);

  std::vector<Term> m_terms; // normal form: sorted by factors, no zero coefficient
};

// A dimension as an expression: a constant, a symbol, or a derived dimension's expression.
DimExpr expression_of(const Dim& dim);
// The dimension an expression stands for: static when it is a constant, a symbol when it is
// one, else derived (its canonical text).
Dim dim_of(const DimExpr& expr);
// The number of elements of a shape, as an expression of its symbols (an error on overflow).
Expected<DimExpr> element_count(const Shape& shape);

} // namespace jitcache::jit
