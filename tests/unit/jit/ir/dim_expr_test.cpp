// Dimension expressions: one normal form and one text however an expression is written,
// evaluation that refuses remainders, negative zero-divisions and overflow, substitution.
#include "jit/ir/dim_expr.hpp"

#include <gtest/gtest.h>

#include <map>

namespace jitcache::jit {
namespace {

DimExpr
parsed(std::string_view text)
{
  auto expr = DimExpr::parse(text);
  EXPECT_TRUE(expr) << text << ": " << expr.error().message;
  return expr ? *expr : DimExpr{};
}

std::string
canonical(std::string_view text)
{
  return parsed(text).to_string();
}

Expected<int64_t>
value_of(std::string_view text, const std::map<std::string, int64_t, std::less<>>& sizes)
{
  return parsed(text).evaluate([&](std::string_view name) -> std::optional<int64_t> {
    auto found = sizes.find(name);
    return found == sizes.end() ? std::nullopt : std::optional(found->second);
  });
}

TEST(DimExpr, EqualExpressionsHaveOneCanonicalText)
{
  EXPECT_EQ(canonical("A * B"), "A*B");
  EXPECT_EQ(canonical("B*A"), "A*B");
  EXPECT_EQ(canonical("2 * N // 2"), "N");
  EXPECT_EQ(canonical("N + N"), "2*N");
  EXPECT_EQ(canonical("1 + A - 1"), "A");
  EXPECT_EQ(canonical("(A + B) * C"), "A*C+B*C");
  EXPECT_EQ(canonical("C - 1"), "C-1");
  EXPECT_EQ(canonical("1 - C"), "-C+1");
  EXPECT_EQ(canonical("4 * 8"), "32");
  EXPECT_EQ(canonical("A * B // B"), "A");
  EXPECT_EQ(canonical("(6 * A + 4 * B) // 2"), "3*A+2*B");
  EXPECT_EQ(canonical("A - A"), "0");
  // `//` divides evenly (or is an error), so a quotient times its divisor is its numerator.
  EXPECT_EQ(canonical("2 * (N // 2)"), "N");
  EXPECT_EQ(canonical("4 * B * (E // 4) * T"), "B*E*T");
  EXPECT_EQ(canonical("(A + B) // C * C * 2"), "2*A+2*B");
  EXPECT_EQ(canonical("3 * (N // 2)"), "3*(N//2)");
}

TEST(DimExpr, QuotientsThatCannotBeSimplifiedKeepAParenthesizedText)
{
  EXPECT_EQ(canonical("A // 2"), "A//2");
  EXPECT_EQ(canonical("(A + B) // 2"), "(A+B)//2");
  EXPECT_EQ(canonical("A * B // 4"), "(A*B)//4");
  EXPECT_EQ(canonical("2 * (A // 3)"), "2*(A//3)");
  EXPECT_EQ(canonical("A // B"), "A//B");
  EXPECT_EQ(canonical("-(A // 2)"), "-(A//2)");
  // Every canonical text reads back to itself.
  for (const char* text : {"A//2", "(A+B)//2", "(A*B)//4", "2*(A//3)", "-(A//2)", "A*C+B*C", "-C+1",
                           "(A-1)//(B+1)", "A*(B//2)+3"}) {
    EXPECT_EQ(canonical(text), text);
  }
}

TEST(DimExpr, EvaluationRefusesRemaindersZeroDivisorsAndOverflow)
{
  EXPECT_EQ(value_of("A * B", {{"A", 3}, {"B", 4}}).value(), 12);
  EXPECT_EQ(value_of("(A + B) // 2", {{"A", 3}, {"B", 5}}).value(), 4);
  EXPECT_EQ(value_of("C - 5", {{"C", 4}}).value(), -1); // the caller decides negatives
  auto odd = value_of("A // 2", {{"A", 7}});
  ASSERT_FALSE(odd);
  EXPECT_EQ(odd.error().message, "A//2 does not divide evenly (7 is not a multiple of 2)");
  auto zero = value_of("A // B", {{"A", 4}, {"B", 0}});
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().message, "A//B divides by zero");
  auto big = value_of("A * A", {{"A", int64_t{1} << 40}});
  ASSERT_FALSE(big);
  EXPECT_NE(big.error().message.find("overflows"), std::string::npos);
  auto unbound = value_of("A + Z", {{"A", 1}});
  ASSERT_FALSE(unbound);
  EXPECT_EQ(unbound.error().message, "Z has no size");
}

TEST(DimExpr, ConstantsMustDivideWhenWritten)
{
  auto uneven = DimExpr::parse("7 // 2");
  ASSERT_FALSE(uneven);
  EXPECT_EQ(uneven.error().message, "7//2 does not divide evenly");
  auto zero = DimExpr::parse("A // 0");
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().message, "A//0 divides by zero");
  auto syntax = DimExpr::parse("A + * B");
  ASSERT_FALSE(syntax);
  EXPECT_EQ(syntax.error().message,
            "dimension 'A + * B', offset 4: expected a size, a name or '('");
}

TEST(DimExpr, ExpressionsStaySmall)
{
  // (A+B+C+D+E+F)^6 has 462 terms: more than a dimension needs, refused rather than expanded
  // without bound.
  std::string text = "(A+B+C+D+E+F)";
  for (int i = 0; i < 5; ++i) {
    text += "*(A+B+C+D+E+F)";
  }
  auto big = DimExpr::parse(text);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().message, "a dimension expression expands to more than 256 terms");
  auto deep = DimExpr::parse(std::string(300, '(') + "A" + std::string(300, ')'));
  ASSERT_FALSE(deep);
  EXPECT_NE(deep.error().message.find("at most 200 nested"), std::string::npos);
}

TEST(DimExpr, SubstitutionSimplifies)
{
  const auto replace = [](std::string_view name) -> std::optional<DimExpr> {
    if (name == "N") {
      return parsed("2 * M");
    }
    if (name == "K") {
      return DimExpr::constant(6);
    }
    return std::nullopt;
  };
  EXPECT_EQ(parsed("N // 2").substitute(replace)->to_string(), "M");
  EXPECT_EQ(parsed("K // 3 + N").substitute(replace)->to_string(), "2*M+2");
  EXPECT_EQ(parsed("(A + K) // 4").substitute(replace)->to_string(), "(A+6)//4");
  EXPECT_FALSE(parsed("A // K").substitute(
    [](std::string_view) -> std::optional<DimExpr> { return DimExpr::constant(0); }));
}

TEST(DimExpr, DimensionsAndExpressionsConvertBothWays)
{
  EXPECT_EQ(dim_of(parsed("2 * 3")), Dim::of(6));
  EXPECT_EQ(dim_of(parsed("A")), Dim::named("A"));
  const Dim derived = dim_of(parsed("B * A"));
  EXPECT_TRUE(derived.is_derived());
  EXPECT_EQ(derived.symbol, "A*B");
  EXPECT_EQ(expression_of(derived), parsed("A*B"));
  EXPECT_FALSE(Dim::named("A").is_derived());
  EXPECT_EQ(parsed("A * B * 3").monomial()->coefficient, 3);
  EXPECT_EQ(parsed("A * B * 3").monomial()->symbols, (std::vector<std::string>{"A", "B"}));
  EXPECT_FALSE(parsed("A + 1").monomial());
  EXPECT_EQ(parsed("(A + B) // C").symbols(), (std::vector<std::string>{"A", "B", "C"}));
}

} // namespace
} // namespace jitcache::jit
