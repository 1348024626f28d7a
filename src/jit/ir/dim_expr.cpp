#include "jit/ir/dim_expr.hpp"

#include "jit/ir/names.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace jitcache::jit {

namespace {

// `value`, unless the operation that computed it overflowed.
Expected<int64_t>
unless_overflowed(bool overflowed, int64_t value)
{
  if (overflowed) {
    return make_error(ErrorCode::invalid_argument, "a dimension expression overflows 64 bits");
  }
  return value;
}

Expected<int64_t>
checked_add(int64_t a, int64_t b)
{
  int64_t sum = 0;
  const bool overflowed = __builtin_add_overflow(a, b, &sum); // before `sum` is read
  return unless_overflowed(overflowed, sum);
}

Expected<int64_t>
checked_multiply(int64_t a, int64_t b)
{
  int64_t product = 0;
  const bool overflowed = __builtin_mul_overflow(a, b, &product); // before `product` is read
  return unless_overflowed(overflowed, product);
}

// An expression expands into at most this many terms (a dimension is a size: a few do), so
// that a program cannot make one take unbounded time and memory.
constexpr size_t k_max_terms = 256;
// Parentheses and signs nest at most this deep (the language allows half as much in what it
// writes, so every canonical text it makes reads back).
constexpr size_t k_max_nesting = 200;

std::unexpected<Error>
too_large()
{
  return make_error(
    ErrorCode::invalid_argument,
    fmt::format("a dimension expression expands to more than {} terms", k_max_terms));
}

// A term's factors in canonical order; terms with factors before the constant.
template<typename Term>
bool
term_less(const Term& a, const Term& b)
{
  if (a.factors.empty() != b.factors.empty()) {
    return b.factors.empty();
  }
  return std::lexicographical_compare(a.factors.begin(), a.factors.end(), b.factors.begin(),
                                      b.factors.end(),
                                      [](const auto& x, const auto& y) { return x.text < y.text; });
}

} // namespace

DimExpr
DimExpr::constant(int64_t value)
{
  DimExpr expr;
  if (value != 0) {
    expr.m_terms.push_back(Term{value, {}});
  }
  return expr;
}

DimExpr
DimExpr::symbol(std::string name)
{
  DimExpr expr;
  Factor factor;
  factor.text = name;
  factor.symbol = std::move(name);
  expr.m_terms.push_back(Term{1, {std::move(factor)}});
  return expr;
}

Expected<DimExpr>
DimExpr::from_terms(std::vector<Term> terms)
{
  // A quotient times its divisor is its numerator: `//` divides evenly or is an error, so
  // 2*(N//2) is N, and 4*B*(E//4) is B*E.
  for (size_t i = 0; i < terms.size(); ++i) {
    for (size_t f = 0; f < terms[i].factors.size(); ++f) {
      const auto quotient = terms[i].factors[f].quotient;
      if (!quotient || quotient->second.m_terms.size() != 1) {
        continue;
      }
      Term rest = terms[i];
      rest.factors.erase(rest.factors.begin() + static_cast<std::ptrdiff_t>(f));
      auto cofactor = divide_term(rest, quotient->second.m_terms.front());
      if (!cofactor) {
        continue;
      }
      std::vector<Term> expanded;
      for (const auto& numerator_term : quotient->first.m_terms) {
        auto product = multiply(*cofactor, numerator_term);
        if (!product) {
          return std::unexpected(product.error());
        }
        expanded.push_back(std::move(*product));
      }
      terms.erase(terms.begin() + static_cast<std::ptrdiff_t>(i));
      terms.insert(terms.end(), expanded.begin(), expanded.end());
      return from_terms(std::move(terms));
    }
  }
  std::sort(terms.begin(), terms.end(), term_less<Term>);
  DimExpr expr;
  expr.m_terms.reserve(std::min(terms.size(), k_max_terms));
  for (auto& term : terms) {
    if (!expr.m_terms.empty() && expr.m_terms.back().factors == term.factors) {
      auto sum = checked_add(expr.m_terms.back().coefficient, term.coefficient);
      if (!sum) {
        return std::unexpected(sum.error());
      }
      expr.m_terms.back().coefficient = *sum;
    } else {
      expr.m_terms.push_back(std::move(term));
    }
  }
  std::erase_if(expr.m_terms, [](const Term& term) { return term.coefficient == 0; });
  if (expr.m_terms.size() > k_max_terms) {
    return too_large();
  }
  return expr;
}

Expected<DimExpr>
operator+(const DimExpr& a, const DimExpr& b)
{
  auto terms = a.m_terms;
  terms.insert(terms.end(), b.m_terms.begin(), b.m_terms.end());
  return DimExpr::from_terms(std::move(terms));
}

Expected<DimExpr>
operator-(const DimExpr& a, const DimExpr& b)
{
  auto negated = b * DimExpr::constant(-1);
  if (!negated) {
    return negated;
  }
  return a + *negated;
}

Expected<DimExpr::Term>
DimExpr::multiply(const Term& a, const Term& b)
{
  auto coefficient = checked_multiply(a.coefficient, b.coefficient);
  if (!coefficient) {
    return std::unexpected(coefficient.error());
  }
  Term product{*coefficient, a.factors};
  product.factors.insert(product.factors.end(), b.factors.begin(), b.factors.end());
  std::sort(product.factors.begin(), product.factors.end(),
            [](const Factor& x, const Factor& y) { return x.text < y.text; });
  return product;
}

Expected<DimExpr>
operator*(const DimExpr& a, const DimExpr& b)
{
  if (a.m_terms.size() * b.m_terms.size() > k_max_terms * k_max_terms) {
    return too_large();
  }
  std::vector<DimExpr::Term> terms;
  for (const auto& x : a.m_terms) {
    for (const auto& y : b.m_terms) {
      auto product = DimExpr::multiply(x, y);
      if (!product) {
        return std::unexpected(product.error());
      }
      terms.push_back(std::move(*product));
    }
  }
  return DimExpr::from_terms(std::move(terms));
}

std::optional<DimExpr::Term>
DimExpr::divide_term(const Term& a, const Term& b)
{
  if (b.coefficient == 0 || a.coefficient % b.coefficient != 0) {
    return std::nullopt;
  }
  Term quotient{a.coefficient / b.coefficient, a.factors};
  for (const auto& factor : b.factors) {
    auto found = std::find(quotient.factors.begin(), quotient.factors.end(), factor);
    if (found == quotient.factors.end()) {
      return std::nullopt;
    }
    quotient.factors.erase(found);
  }
  return quotient;
}

std::optional<DimExpr>
DimExpr::divide_exactly(const DimExpr& a, const DimExpr& b)
{
  if (b.m_terms.size() != 1) {
    return std::nullopt;
  }
  std::vector<Term> terms;
  for (const auto& term : a.m_terms) {
    auto quotient = divide_term(term, b.m_terms.front());
    if (!quotient) {
      return std::nullopt;
    }
    terms.push_back(std::move(*quotient));
  }
  auto result = from_terms(std::move(terms));
  return result ? std::optional(std::move(*result)) : std::nullopt;
}

Expected<DimExpr>
DimExpr::divide(const DimExpr& a, const DimExpr& b)
{
  if (b.m_terms.empty()) {
    return make_error(ErrorCode::invalid_argument,
                      fmt::format("{}//0 divides by zero", a.to_string()));
  }
  if (auto exact = divide_exactly(a, b)) {
    return std::move(*exact);
  }
  if (a.constant_value() && b.constant_value()) {
    return make_error(ErrorCode::invalid_argument,
                      fmt::format("{}//{} does not divide evenly", a.to_string(), b.to_string()));
  }
  Factor factor;
  factor.quotient = std::make_shared<const std::pair<DimExpr, DimExpr>>(a, b);
  const auto operand = [](const DimExpr& e) {
    const bool bare = e.constant_value().value_or(-1) >= 0 || e.symbol_name();
    return bare ? e.to_string() : "(" + e.to_string() + ")";
  };
  factor.text = operand(a) + "//" + operand(b);
  DimExpr expr;
  expr.m_terms.push_back(Term{1, {std::move(factor)}});
  return expr;
}

std::optional<int64_t>
DimExpr::constant_value() const
{
  if (m_terms.empty()) {
    return 0;
  }
  if (m_terms.size() == 1 && m_terms.front().factors.empty()) {
    return m_terms.front().coefficient;
  }
  return std::nullopt;
}

std::optional<std::string>
DimExpr::symbol_name() const
{
  if (m_terms.size() == 1 && m_terms.front().coefficient == 1 &&
      m_terms.front().factors.size() == 1 && !m_terms.front().factors.front().quotient) {
    return m_terms.front().factors.front().symbol;
  }
  return std::nullopt;
}

std::optional<DimExpr::Monomial>
DimExpr::monomial() const
{
  if (m_terms.size() != 1) {
    return std::nullopt;
  }
  Monomial result{m_terms.front().coefficient, {}};
  for (const auto& factor : m_terms.front().factors) {
    if (factor.quotient) {
      return std::nullopt;
    }
    result.symbols.push_back(factor.symbol);
  }
  return result;
}

std::vector<std::string>
DimExpr::symbols() const
{
  std::vector<std::string> result;
  for (const auto& term : m_terms) {
    for (const auto& factor : term.factors) {
      if (factor.quotient) {
        for (const auto* part : {&factor.quotient->first, &factor.quotient->second}) {
          auto inner = part->symbols();
          result.insert(result.end(), inner.begin(), inner.end());
        }
      } else {
        result.push_back(factor.symbol);
      }
    }
  }
  std::sort(result.begin(), result.end());
  result.erase(std::unique(result.begin(), result.end()), result.end());
  return result;
}

Expected<int64_t>
DimExpr::evaluate(const std::function<std::optional<int64_t>(std::string_view)>& size_of) const
{
  int64_t total = 0;
  for (const auto& term : m_terms) {
    int64_t value = term.coefficient;
    for (const auto& factor : term.factors) {
      int64_t factor_value = 0;
      if (factor.quotient) {
        auto numerator = factor.quotient->first.evaluate(size_of);
        if (!numerator) {
          return numerator;
        }
        auto denominator = factor.quotient->second.evaluate(size_of);
        if (!denominator) {
          return denominator;
        }
        if (*denominator == 0) {
          return make_error(ErrorCode::invalid_argument,
                            fmt::format("{} divides by zero", factor.text));
        }
        if (*numerator % *denominator != 0) {
          return make_error(ErrorCode::invalid_argument,
                            fmt::format("{} does not divide evenly ({} is not a multiple of {})",
                                        factor.text, *numerator, *denominator));
        }
        factor_value = *numerator / *denominator;
      } else if (auto size = size_of(factor.symbol)) {
        factor_value = *size;
      } else {
        return make_error(ErrorCode::invalid_argument,
                          fmt::format("{} has no size", factor.symbol));
      }
      auto product = checked_multiply(value, factor_value);
      if (!product) {
        return product;
      }
      value = *product;
    }
    auto sum = checked_add(total, value);
    if (!sum) {
      return sum;
    }
    total = *sum;
  }
  return total;
}

Expected<DimExpr>
DimExpr::substitute(const std::function<std::optional<DimExpr>(std::string_view)>& replace) const
{
  DimExpr total;
  for (const auto& term : m_terms) {
    Expected<DimExpr> value = constant(term.coefficient);
    for (const auto& factor : term.factors) {
      Expected<DimExpr> replaced = DimExpr{};
      if (factor.quotient) {
        auto numerator = factor.quotient->first.substitute(replace);
        auto denominator = factor.quotient->second.substitute(replace);
        if (!numerator || !denominator) {
          return !numerator ? numerator : denominator;
        }
        replaced = divide(*numerator, *denominator);
      } else {
        replaced = replace(factor.symbol).value_or(symbol(factor.symbol));
      }
      if (!replaced) {
        return replaced;
      }
      value = *value * *replaced;
      if (!value) {
        return value;
      }
    }
    auto sum = total + *value;
    if (!sum) {
      return sum;
    }
    total = std::move(*sum);
  }
  return total;
}

std::string
DimExpr::term_text(const Term& term, bool first)
{
  std::string text;
  const bool negative = term.coefficient < 0;
  if (negative) {
    text += "-";
  } else if (!first) {
    text += "+";
  }
  // |coefficient| without overflow for INT64_MIN: its digits, less the sign.
  std::string magnitude = std::to_string(term.coefficient);
  if (negative) {
    magnitude.erase(0, 1);
  }
  if (term.factors.empty()) {
    return text + magnitude;
  }
  const bool alone = magnitude == "1" && term.factors.size() == 1 && !negative;
  std::vector<std::string> parts;
  if (magnitude != "1") {
    parts.push_back(magnitude);
  }
  for (const auto& factor : term.factors) {
    // A quotient among other factors, or negated, is parenthesized: `*` and `//` share one
    // precedence, so `2*A//3` would read as (2*A)//3.
    parts.push_back(factor.quotient && !alone ? "(" + factor.text + ")" : factor.text);
  }
  return text + fmt::format("{}", fmt::join(parts, "*"));
}

std::string
DimExpr::to_string() const
{
  if (m_terms.empty()) {
    return "0";
  }
  std::string text;
  for (size_t i = 0; i < m_terms.size(); ++i) {
    text += term_text(m_terms[i], i == 0);
  }
  return text;
}

namespace {

// Recursive descent over the grammar in dim_expr.hpp, building the normal form as it goes.
class DimExprParser {
public:
  explicit DimExprParser(std::string_view text) : m_text(text) {}

  size_t
  error_offset() const
  {
    return m_error_offset;
  }

  Expected<DimExpr>
  parse()
  {
    auto expr = sum();
    if (!expr) {
      return expr;
    }
    skip_spaces();
    if (m_at != m_text.size()) {
      return error("an operator (+, -, *, //) or the end");
    }
    return expr;
  }

private:
  void
  skip_spaces()
  {
    while (m_at < m_text.size() && m_text[m_at] == ' ') {
      ++m_at;
    }
  }

  bool
  accept(std::string_view token)
  {
    skip_spaces();
    if (m_text.substr(m_at).starts_with(token)) {
      m_at += token.size();
      return true;
    }
    return false;
  }

  std::unexpected<Error>
  error(std::string_view expected)
  {
    m_error_offset = m_at;
    return make_error(
      ErrorCode::invalid_argument,
      fmt::format("dimension '{}', offset {}: expected {}", m_text, m_at, expected));
  }

  Expected<DimExpr>
  sum()
  {
    auto left = product();
    while (left) {
      if (accept("+")) {
        auto right = product();
        left = right ? *left + *right : right;
      } else if (accept("-")) {
        auto right = product();
        left = right ? *left - *right : right;
      } else {
        break;
      }
    }
    return left;
  }

  Expected<DimExpr>
  product()
  {
    auto left = factor();
    while (left) {
      if (accept("//")) {
        auto right = factor();
        left = right ? DimExpr::divide(*left, *right) : right;
      } else if (accept("*")) {
        auto right = factor();
        left = right ? *left * *right : right;
      } else {
        break;
      }
    }
    return left;
  }

  Expected<DimExpr>
  factor()
  {
    if (m_nesting >= k_max_nesting) {
      return error(fmt::format("at most {} nested parentheses and signs", k_max_nesting));
    }
    ++m_nesting;
    auto result = nested_factor();
    --m_nesting;
    return result;
  }

  Expected<DimExpr>
  nested_factor()
  {
    if (accept("-")) {
      auto negated = factor();
      return negated ? *negated * DimExpr::constant(-1) : negated;
    }
    if (accept("(")) {
      auto inner = sum();
      if (inner && !accept(")")) {
        return error("')'");
      }
      return inner;
    }
    skip_spaces();
    const size_t start = m_at;
    if (m_at < m_text.size() && m_text[m_at] >= '0' && m_text[m_at] <= '9') {
      while (m_at < m_text.size() && m_text[m_at] >= '0' && m_text[m_at] <= '9') {
        ++m_at;
      }
      int64_t value = 0;
      auto [end, ec] = std::from_chars(m_text.data() + start, m_text.data() + m_at, value);
      if (ec != std::errc()) {
        m_at = start;
        return error("an integer below 2^63");
      }
      return DimExpr::constant(value);
    }
    if (m_at < m_text.size() && is_name_start(m_text[m_at])) {
      while (m_at < m_text.size() && is_name_char(m_text[m_at])) {
        ++m_at;
      }
      return DimExpr::symbol(std::string(m_text.substr(start, m_at - start)));
    }
    return error("a size, a name or '('");
  }

  std::string_view m_text;
  size_t m_at = 0;
  size_t m_error_offset = 0;
  size_t m_nesting = 0;
};

} // namespace

Expected<DimExpr>
DimExpr::parse(std::string_view text, size_t* error_offset)
{
  DimExprParser parser(text);
  auto expr = parser.parse();
  if (!expr && error_offset) {
    *error_offset = parser.error_offset();
  }
  return expr;
}

DimExpr
expression_of(const Dim& dim)
{
  if (dim.is_static()) {
    return DimExpr::constant(dim.size);
  }
  if (dim.is_derived()) {
    // Derived symbols are canonical texts this file printed: they parse back.
    if (auto parsed = DimExpr::parse(dim.symbol)) {
      return std::move(*parsed);
    }
  }
  return DimExpr::symbol(dim.symbol);
}

Dim
dim_of(const DimExpr& expr)
{
  if (auto value = expr.constant_value()) {
    return Dim::of(*value);
  }
  if (auto name = expr.symbol_name()) {
    return Dim::named(std::move(*name));
  }
  return Dim::named(expr.to_string());
}

Expected<DimExpr>
element_count(const Shape& shape)
{
  Expected<DimExpr> count = DimExpr::constant(1);
  for (const auto& dim : shape) {
    count = *count * expression_of(dim);
    if (!count) {
      break;
    }
  }
  return count;
}

} // namespace jitcache::jit
