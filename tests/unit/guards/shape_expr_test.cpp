#include "guards/shape_expr.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <random>

namespace jitcache::guards {
namespace {

int64_t
eval(std::string_view text, std::vector<int64_t> sizes)
{
  auto expr = ShapeExpr::parse(text);
  EXPECT_TRUE(expr) << text << ": " << (expr ? "" : expr.error().message);
  return expr ? expr->evaluate(sizes) : -999;
}

TEST(ShapeExpr, Semantics)
{
  struct Case {
    std::string_view text;
    std::vector<int64_t> sizes;
    int64_t expected;
  };
  const std::vector<Case> cases = {
    {"s0 == s1", {4, 4}, 1},
    {"s0 == s1", {4, 5}, 0},
    {"s0 >= 2", {1}, 0},
    {"s0 % 16 == 0", {64}, 1},
    {"s0 % 16 == 0", {65}, 0},
    {"s0 + s1 * 2", {1, 3}, 7},
    {"(s0 + s1) * 2", {1, 3}, 8},
    {"s0 - s1 - 1", {10, 3}, 6},
    {"s0 // 4", {-7}, -2}, // rounds down, as in Python
    {"s0 % 4", {-7}, 1},   // the sign of the divisor
    {"s0 % -4", {7}, -1},
    {"s0 // 0", {7}, 0}, // defined: 0
    {"min(s0, s1)", {3, 9}, 3},
    {"max(s0, 8) <= s1", {3, 9}, 1},
    {"s0 > 1 and s1 < 4", {2, 3}, 1},
    {"s0 > 1 and s1 < 4", {2, 5}, 0},
    {"s0 > 1 or s1 < 4", {0, 5}, 0},
    {"not s0 == 1", {1}, 0},
    {"not (s0 == 1 or s0 == 2)", {3}, 1},
    {"-s0 + 3", {5}, -2},
    {"- -5", {}, 5},
    {"s3 != 0", {1, 2, 3, 0}, 0},
    {"9223372036854775807 + 1 < 0", {}, 1}, // wraps instead of undefined behaviour
  };
  for (const auto& c : cases) {
    EXPECT_EQ(eval(c.text, c.sizes), c.expected) << c.text;
  }
}

TEST(ShapeExpr, PrintsCanonicalTextThatParsesBackToTheSameProgram)
{
  const std::vector<std::pair<std::string_view, std::string_view>> cases = {
    {"s0==s1", "s0 == s1"},
    {"((s0 + s1)) * 2", "(s0 + s1) * 2"},
    {"s0 - (s1 - s2)", "s0 - (s1 - s2)"},
    {"(s0 - s1) - s2", "s0 - s1 - s2"},
    {"not (s0 > 1 and s1 > 1)", "not (s0 > 1 and s1 > 1)"},
    {"s0 > 1 and (s1 > 1 or s2 > 1)", "s0 > 1 and (s1 > 1 or s2 > 1)"},
    {"-(s0 + 1)", "-(s0 + 1)"},
    {"s0 - -5", "s0 - -5"},
    {"max( s0 ,min(s1,2) )", "max(s0, min(s1, 2))"},
    {"(s0 == 1) == (s1 == 1)", "(s0 == 1) == (s1 == 1)"},
  };
  for (const auto& [text, canonical] : cases) {
    auto expr = ShapeExpr::parse(text);
    ASSERT_TRUE(expr) << expr.error().message;
    EXPECT_EQ(expr->to_string(), canonical) << text;
    auto again = ShapeExpr::parse(expr->to_string());
    ASSERT_TRUE(again);
    EXPECT_TRUE(*again == *expr) << text;
  }
}

TEST(ShapeExpr, ErrorsPointAtTheOffendingCharacter)
{
  struct Case {
    std::string_view text;
    std::string_view offset;
    std::string_view says;
  };
  const std::vector<Case> cases = {
    {"s0 ==", "offset 5", "expected a number"},
    {"s0 + (s1", "offset 8", "expected ')'"},
    {"s0 / 2", "offset 3", "division is '//'"},
    {"s0 < s1 < s2", "offset 8", "do not chain"},
    {"x0 == 1", "offset 0", "expected a number, a size"},
    {"min(s0 s1)", "offset 7", "expected ','"},
    {"s0 == 1 s1", "offset 8", "expected an operator"},
    {"99999999999999999999 > s0", "offset 0", "64 bits"},
  };
  for (const auto& c : cases) {
    auto expr = ShapeExpr::parse(c.text);
    ASSERT_FALSE(expr) << c.text;
    EXPECT_NE(expr.error().message.find(c.offset), std::string::npos) << expr.error().message;
    EXPECT_NE(expr.error().message.find(c.says), std::string::npos) << expr.error().message;
    EXPECT_NE(expr.error().message.find('^'), std::string::npos);
  }
  std::string deep(40, '(');
  deep += "s0" + std::string(40, ')');
  EXPECT_TRUE(ShapeExpr::parse(deep)); // parentheses alone add no depth
  std::string chain = "s0";
  for (int i = 0; i < 40; ++i) {
    chain = "min(" + chain + ", s0)";
  }
  EXPECT_TRUE(ShapeExpr::parse(chain)); // nested on the left: evaluated with two slots
  std::string right_heavy = "s0";
  for (int i = 0; i < 40; ++i) {
    right_heavy = "s0 - (" + right_heavy + ")";
  }
  auto too_deep = ShapeExpr::parse(right_heavy);
  ASSERT_FALSE(too_deep);
  EXPECT_NE(too_deep.error().message.find("nests too deeply"), std::string::npos);
}

TEST(ShapeExpr, CountsTheSymbolsItUses)
{
  EXPECT_EQ(ShapeExpr::parse("s0 == 1")->symbol_count(), 1u);
  EXPECT_EQ(ShapeExpr::parse("s2 + s0 > 1")->symbol_count(), 3u);
  EXPECT_EQ(ShapeExpr::parse("1 < 2")->symbol_count(), 0u);
}

// Random expressions: the compiled program against a direct recursive evaluation, and the
// printed text against the parsed one.
TEST(ShapeExpr, RandomExpressionsAgreeWithADirectEvaluation)
{
  std::mt19937_64 random(4242);
  const std::vector<int64_t> sizes = {7, -3, 16, 1};
  using Node = std::function<int64_t()>;
  std::function<std::pair<std::string, Node>(int)> make =
    [&](int depth) -> std::pair<std::string, Node> {
    const int choice = depth == 0 ? static_cast<int>(random() % 2) : static_cast<int>(random() % 9);
    if (choice == 0) {
      const int64_t value = static_cast<int64_t>(random() % 20);
      return {std::to_string(value), [value] { return value; }};
    }
    if (choice == 1) {
      const size_t index = random() % sizes.size();
      return {"s" + std::to_string(index), [&, index] { return sizes[index]; }};
    }
    auto [lt, lf] = make(depth - 1);
    auto [rt, rf] = make(depth - 1);
    switch (choice) {
    case 2: return {"(" + lt + " + " + rt + ")", [lf, rf] { return lf() + rf(); }};
    case 3: return {"(" + lt + " - " + rt + ")", [lf, rf] { return lf() - rf(); }};
    case 4: return {"(" + lt + " * " + rt + ")", [lf, rf] { return lf() * rf(); }};
    case 5: return {"min(" + lt + ", " + rt + ")", [lf, rf] { return std::min(lf(), rf()); }};
    case 6: return {"(" + lt + " < " + rt + ")", [lf, rf] { return int64_t{lf() < rf()}; }};
    case 7:
      return {"(" + lt + " == " + rt + " or " + rt + " > 3)",
              [lf, rf] { return int64_t{lf() == rf() || rf() > 3}; }};
    default: return {"max(" + lt + ", -" + rt + ")", [lf, rf] { return std::max(lf(), -rf()); }};
    }
  };
  for (int i = 0; i < 500; ++i) {
    auto [text, reference] = make(3); // shallow enough that the reference cannot overflow
    auto expr = ShapeExpr::parse(text);
    ASSERT_TRUE(expr) << text << ": " << expr.error().message;
    EXPECT_EQ(expr->evaluate(sizes), reference()) << text;
    auto printed = ShapeExpr::parse(expr->to_string());
    ASSERT_TRUE(printed) << expr->to_string();
    EXPECT_EQ(printed->evaluate(sizes), reference()) << expr->to_string();
  }
}

TEST(ShapeExpr, DeepNestingIsAnErrorNotAStackOverflow)
{
  const std::string deep = std::string(5000, '(') + "s0" + std::string(5000, ')');
  auto parsed = ShapeExpr::parse(deep);
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message.find("nests too deeply for the parser"), std::string::npos);
  EXPECT_FALSE(ShapeExpr::parse(std::string(5000, '-') + "s0"));
  EXPECT_TRUE(ShapeExpr::parse(std::string(20, '(') + "s0 + 1" + std::string(20, ')')));
}

} // namespace
} // namespace jitcache::guards
