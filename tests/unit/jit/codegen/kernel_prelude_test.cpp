// The scalar prelude against values known independently of it. Compiled code and the
// interpreter both take their scalar semantics from this one header, so comparing them with
// each other cannot catch a wrong definition here; these tests can. The expected values are
// written out, or computed with <cmath> and <limits>, never with the prelude itself.
#include "jit/codegen/kernel_prelude.hpp"
#include "jit/codegen/kernel_prelude_text.hpp"
#include "util/files.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace jitcache::jit {
namespace {

constexpr int32_t k_i32_min = std::numeric_limits<int32_t>::min();
constexpr int32_t k_i32_max = std::numeric_limits<int32_t>::max();
constexpr int64_t k_i64_min = std::numeric_limits<int64_t>::min();
constexpr int64_t k_i64_max = std::numeric_limits<int64_t>::max();
constexpr double k_nan = std::numeric_limits<double>::quiet_NaN();
constexpr double k_inf = std::numeric_limits<double>::infinity();

TEST(KernelPrelude, IntegerArithmeticWrapsInTwosComplement)
{
  EXPECT_EQ(jc::add<int32_t>(k_i32_max, 1), k_i32_min);
  EXPECT_EQ(jc::add<int64_t>(k_i64_max, 1), k_i64_min);
  EXPECT_EQ(jc::sub<int32_t>(k_i32_min, 1), k_i32_max);
  EXPECT_EQ(jc::mul<int32_t>(65536, 65536), 0);
  EXPECT_EQ(jc::mul<int32_t>(k_i32_max, 2), -2);
  EXPECT_EQ(jc::mul<int64_t>(int64_t{1} << 62, 4), 0);
  EXPECT_EQ(jc::neg<int32_t>(k_i32_min), k_i32_min);
  EXPECT_EQ(jc::neg<int64_t>(5), -5);
  EXPECT_EQ(jc::abs<int32_t>(-7), 7);
  EXPECT_EQ(jc::abs<int32_t>(k_i32_min), k_i32_min);
  EXPECT_EQ(jc::add<int32_t>(2, 3), 5);
  EXPECT_EQ(jc::sub<int64_t>(2, 3), -1);
}

TEST(KernelPrelude, IntegerDivisionTruncatesAndDividingByZeroGivesZero)
{
  EXPECT_EQ(jc::div<int32_t>(7, 2), 3);
  EXPECT_EQ(jc::div<int32_t>(-7, 2), -3);
  EXPECT_EQ(jc::div<int32_t>(7, -2), -3);
  EXPECT_EQ(jc::div<int32_t>(7, 0), 0);
  EXPECT_EQ(jc::div<int64_t>(-7, 0), 0);
  EXPECT_EQ(jc::div<int32_t>(k_i32_min, -1), k_i32_min);
  EXPECT_EQ(jc::div<int64_t>(k_i64_min, -1), k_i64_min);
  EXPECT_EQ(jc::div<int64_t>(9, -1), -9);
}

TEST(KernelPrelude, FloatArithmeticIsIeee)
{
  EXPECT_EQ(jc::div<double>(1.0, 0.0), k_inf);
  EXPECT_TRUE(std::isnan(jc::div<double>(0.0, 0.0)));
  EXPECT_EQ(jc::div<float>(7.0F, 2.0F), 3.5F);
  EXPECT_EQ(jc::neg<double>(2.5), -2.5);
  EXPECT_EQ(jc::abs<float>(-1.5F), 1.5F);
  EXPECT_EQ(jc::add<float>(0.1F, 0.2F), 0.1F + 0.2F);
}

TEST(KernelPrelude, MaximumMinimumAndReluAsDocumented)
{
  // maximum(a, b) is a > b ? a : b (docs/language.md): a NaN in b wins, one in a loses.
  EXPECT_EQ(jc::maximum<int32_t>(-3, 2), 2);
  EXPECT_EQ(jc::minimum<int32_t>(-3, 2), -3);
  EXPECT_EQ(jc::maximum<double>(k_nan, 1.0), 1.0);
  EXPECT_TRUE(std::isnan(jc::maximum<double>(1.0, k_nan)));
  EXPECT_EQ(jc::minimum<double>(k_nan, 1.0), 1.0);
  EXPECT_EQ(jc::relu<float>(-1.5F), 0.0F);
  EXPECT_EQ(jc::relu<float>(2.5F), 2.5F);
  EXPECT_EQ(jc::relu<int64_t>(-4), 0);
  EXPECT_EQ(jc::relu<double>(k_nan), 0.0);
}

TEST(KernelPrelude, MathFunctionsMatchTheStandardLibrary)
{
  EXPECT_DOUBLE_EQ(jc::exp<double>(1.0), std::exp(1.0));
  EXPECT_FLOAT_EQ(jc::exp<float>(-2.0F), std::exp(-2.0F));
  EXPECT_DOUBLE_EQ(jc::log<double>(std::exp(2.0)), 2.0);
  EXPECT_EQ(jc::log<double>(0.0), -k_inf);
  EXPECT_DOUBLE_EQ(jc::sqrt<double>(2.0), std::sqrt(2.0));
  EXPECT_TRUE(std::isnan(jc::sqrt<double>(-1.0)));
  EXPECT_EQ(jc::rsqrt<float>(4.0F), 0.5F);
  EXPECT_EQ(jc::rsqrt<double>(0.0), k_inf);
  EXPECT_DOUBLE_EQ(jc::tanh<double>(0.5), std::tanh(0.5));
  EXPECT_EQ(jc::tanh<float>(100.0F), 1.0F);
  EXPECT_DOUBLE_EQ(jc::sigmoid<double>(2.0), 0.8807970779778823);
  EXPECT_EQ(jc::sigmoid<double>(0.0), 0.5);
  EXPECT_EQ(jc::sigmoid<float>(-200.0F), 0.0F);
  // The tanh form of GELU: 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))).
  EXPECT_DOUBLE_EQ(jc::gelu<double>(1.0), 0.8411919906082768);
  EXPECT_DOUBLE_EQ(jc::gelu<double>(-2.0), -0.04540230591222494);
  EXPECT_EQ(jc::gelu<double>(0.0), 0.0);
  EXPECT_DOUBLE_EQ(jc::sin<double>(0.25), std::sin(0.25));
  EXPECT_DOUBLE_EQ(jc::cos<double>(0.25), std::cos(0.25));
  EXPECT_FLOAT_EQ(jc::sin<float>(0.25F), std::sin(0.25F));
  EXPECT_EQ(jc::pow<double>(2.0, 10.0), 1024.0);
  EXPECT_FLOAT_EQ(jc::pow<float>(9.0F, 0.5F), 3.0F);
}

TEST(KernelPrelude, FloatToIntegerCastsSaturateAndNanGivesZero)
{
  EXPECT_EQ((jc::cast<int32_t, float>(3.9F)), 3);
  EXPECT_EQ((jc::cast<int32_t, double>(-3.9)), -3);
  EXPECT_EQ((jc::cast<int32_t, double>(1e10)), k_i32_max);
  EXPECT_EQ((jc::cast<int32_t, double>(-1e10)), k_i32_min);
  EXPECT_EQ((jc::cast<int32_t, double>(k_inf)), k_i32_max);
  EXPECT_EQ((jc::cast<int64_t, double>(-k_inf)), k_i64_min);
  EXPECT_EQ((jc::cast<int64_t, double>(k_nan)), 0);
  EXPECT_EQ((jc::cast<int64_t, float>(1e30F)), k_i64_max);
  EXPECT_EQ((jc::cast<bool, double>(0.5)), true);
  EXPECT_EQ((jc::cast<bool, double>(-0.0)), false);
  EXPECT_EQ((jc::cast<bool, int32_t>(-2)), true);
  EXPECT_EQ((jc::cast<float, int64_t>(16777217)), 16777216.0F);     // rounds to nearest
  EXPECT_EQ((jc::cast<int32_t, int64_t>(int64_t{1} << 32 | 5)), 5); // integers wrap
  EXPECT_EQ((jc::cast<double, bool>(true)), 1.0);
}

TEST(KernelPrelude, ReductionsStartFromTheExtremes)
{
  EXPECT_EQ(jc::lowest<float>(), -std::numeric_limits<float>::infinity());
  EXPECT_EQ(jc::highest<double>(), k_inf);
  EXPECT_EQ(jc::lowest<int32_t>(), k_i32_min);
  EXPECT_EQ(jc::highest<int64_t>(), k_i64_max);
  EXPECT_EQ(jc::lowest<bool>(), false);
  EXPECT_EQ(jc::highest<bool>(), true);
}

TEST(KernelPrelude, KernelsGetTheTextTheseTestsCompiled)
{
  // The build embeds the header's text for codegen without its `#pragma once`; anything
  // else differing would mean kernels run other definitions than the ones tested here.
  auto header =
    util::read_file(std::string(JITCACHE_SOURCE_DIR) + "/src/jit/codegen/kernel_prelude.hpp");
  ASSERT_TRUE(header) << header.error().message;
  std::string text(header->begin(), header->end());
  const std::string pragma = "#pragma once\n";
  const auto at = text.find(pragma);
  ASSERT_NE(at, std::string::npos);
  text.erase(at, pragma.size());
  EXPECT_EQ(std::string(kernel_prelude_text()), text);
}

} // namespace
} // namespace jitcache::jit
