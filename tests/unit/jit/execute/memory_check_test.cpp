// The check before a call allocates: sizes with bound symbols, the threshold, and the
// interpreter refusing values that cannot fit (compiled code: JitFunction and Run tests).
#include "jit/execute/interpreter.hpp"
#include "jit/execute/memory_check.hpp"
#include "jit/language/program.hpp"
#include "util/available_memory.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace jitcache::jit {
namespace {

TEST(MemoryCheck, BytesAtBindsSymbolsAndSaturates)
{
  const SymbolSizes sizes = {{"B", 5}};
  EXPECT_EQ(bytes_at(DType::f32, {Dim::of(3), Dim::named("B")}, sizes), 60u);
  EXPECT_EQ(bytes_at(DType::f64, {}, sizes), 8u);
  EXPECT_EQ(bytes_at(DType::f32, {Dim::of(0), Dim::named("B")}, sizes), 0u);
  EXPECT_EQ(bytes_at(DType::f64, {Dim::of(int64_t{1} << 40), Dim::of(int64_t{1} << 30)}, sizes),
            UINT64_MAX);
}

TEST(MemoryCheck, OnlyLargeAllocationsThatCannotFitAreRefused)
{
  EXPECT_FALSE(allocation_that_cannot_fit(k_checked_allocation_bytes - 1, "its values"));
  const auto available = util::available_memory();
  ASSERT_TRUE(available) << "/proc/meminfo is unreadable";
  EXPECT_FALSE(allocation_that_cannot_fit(k_checked_allocation_bytes, "its values"));
  const auto refused = allocation_that_cannot_fit(*available + (*available / 10), "its values");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->find("out of memory: its values take "), 0u) << *refused;
  EXPECT_NE(refused->find(" is available"), std::string::npos) << *refused;
}

// Small inputs whose outer sum, which the interpreter keeps, is 1.1 times the memory left.
TEST(MemoryCheck, TheInterpreterRefusesValuesThatCannotFit)
{
  const auto available = util::available_memory();
  ASSERT_TRUE(available) << "/proc/meminfo is unreadable";
  const auto side = static_cast<int64_t>(std::sqrt(static_cast<double>(*available) * 1.1 / 4));
  auto program = parse_program(
    SourceText{"outer.jc", "def h(x: f32[N, 1], y: f32[1, N]):\n    return sum(x + y, axis=1)\n"});
  ASSERT_TRUE(program) << program.error().message;
  const Graph& graph = *program->find("h");
  const std::vector<Tensor> large = {Tensor::zeros(DType::f32, {side, 1}),
                                     Tensor::zeros(DType::f32, {1, side})};
  auto refused = interpret(graph, large);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("calling h: out of memory: its values on the "
                                         "interpreter take "),
            std::string::npos)
    << refused.error().message;
  const std::vector<Tensor> small = {Tensor::zeros(DType::f32, {3, 1}),
                                     Tensor::zeros(DType::f32, {1, 3})};
  auto result = interpret(graph, small);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ((*result)[0].sizes(), std::vector<int64_t>{3});
}

// A broadcast view of one float: the interpreter's contiguous copy of it would take 1.1 times
// the memory left.
TEST(MemoryCheck, TheInterpreterCountsCopiesOfStridedInputs)
{
  const auto available = util::available_memory();
  ASSERT_TRUE(available) << "/proc/meminfo is unreadable";
  const auto count = static_cast<int64_t>(static_cast<double>(*available) * 1.1 / 4);
  auto program =
    parse_program(SourceText{"total.jc", "def t(x: f32[N]):\n    return sum(x, axis=0)\n"});
  ASSERT_TRUE(program) << program.error().message;
  const Graph& graph = *program->find("t");
  float one = 1.0F;
  const std::vector<Tensor> large = {Tensor::borrow(DType::f32, {count}, &one, {0})};
  auto refused = interpret(graph, large);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("calling t: out of memory: its values on the "
                                         "interpreter, with contiguous copies of its strided "
                                         "inputs, take "),
            std::string::npos)
    << refused.error().message;
  const std::vector<Tensor> small = {Tensor::borrow(DType::f32, {4}, &one, {0})};
  auto result = interpret(graph, small);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_FLOAT_EQ(static_cast<float>((*result)[0].flat(0)), 4.0F);
}

} // namespace
} // namespace jitcache::jit
