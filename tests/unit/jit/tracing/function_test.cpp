// jit::function: tracing C++ lambdas into the same graphs the language produces, compiled
// and cached through the default runtime (pointed at a temporary cache directory).
#include "jit/language/program.hpp"
#include "jit/runtime/runtime.hpp"

#include "util/available_memory.hpp"

#include "support/default_runtime_cache.hpp"
#include "support/temp_dir.hpp"

#include <jitcache/jit/function.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace jitcache::jit {
namespace {

Tensor
filled(std::vector<int64_t> sizes, double scale = 1.0)
{
  Tensor tensor = Tensor::zeros(DType::f32, std::move(sizes));
  for (int64_t i = 0; i < tensor.numel(); ++i) {
    tensor.data_as<float>()[i] = static_cast<float>(scale * std::cos(0.1 * static_cast<double>(i)));
  }
  return tensor;
}

double
max_difference(const Tensor& a, const Tensor& b)
{
  EXPECT_EQ(a.sizes(), b.sizes());
  double worst = 0;
  for (int64_t i = 0; i < a.numel(); ++i) {
    worst = std::max(worst, std::fabs(a.flat(i) - b.flat(i)));
  }
  return worst;
}

class JitFunction : public ::testing::Test {
protected:
  static void
  SetUpTestSuite()
  {
    testing::default_runtime_cache();
  }
};

TEST_F(JitFunction, CompiledResultsMatchEagerOnes)
{
  auto f = jit::function("relu_matmul",
                         [](const Tensor& x, const Tensor& w) { return relu(matmul(x, w)) + 1.0; });
  const Tensor x = filled({8, 16});
  const Tensor w = filled({16, 4}, 0.5);
  const Tensor compiled = f(x, w);
  const Tensor eager = relu(matmul(x, w)) + 1.0;
  EXPECT_FALSE(eager.traced());
  EXPECT_LT(max_difference(compiled, eager), 1e-5);
  const auto stats = f.stats();
  EXPECT_EQ(stats.traces, 1u);
  EXPECT_GE(stats.compiles + stats.local_hits, 1u);
  EXPECT_FALSE(stats.degraded);
}

TEST_F(JitFunction, SameSizesReuseTheSpecializationNewSizesTraceAgain)
{
  auto f = jit::function("scaled", [](const Tensor& x) { return x * 3.0 - 1.0; });
  f(filled({4}));
  f(filled({4}));
  f(filled({5}));
  const auto stats = f.stats();
  EXPECT_EQ(stats.calls, 3u);
  EXPECT_EQ(stats.traces, 2u);
  EXPECT_EQ(stats.memory_hits, 1u);
}

TEST_F(JitFunction, TupleAndVectorResults)
{
  auto pair = jit::function("pair", [](const Tensor& x) { return std::tuple(x + 1.0, x * 2.0); });
  auto [a, b] = pair(filled({3}));
  EXPECT_NEAR(a.flat(0), 2.0, 1e-6);
  EXPECT_NEAR(b.flat(0), 2.0, 1e-6);
  auto list = jit::function("list", [](const Tensor& x) {
    return std::vector<Tensor>{exp(x), -x};
  });
  auto results = list(filled({3}));
  ASSERT_EQ(results.size(), 2u);
  EXPECT_NEAR(results[1].flat(0), -1.0, 1e-6);
}

TEST_F(JitFunction, TracesTheSameGraphAsTheLanguage)
{
  // Trace a function, then compile the same program written as text on the same cache:
  // every artifact is found, so the two front ends produce one graph.
  auto traced =
    jit::function("same_as_text", [](const Tensor& x, const Tensor& w, const Tensor& b) {
      return softmax(gelu(matmul(x, w) + b), -1);
    });
  traced(filled({6, 12}), filled({12, 5}), filled({5}));
  auto program =
    parse_program(SourceText{"same.jc", "def g(a: f32[6, 12], b: f32[12, 5], c: f32[5]):\n"
                                        "    return softmax(gelu(a @ b + c), axis=-1)\n"});
  ASSERT_TRUE(program) << program.error().message;
  RuntimeOptions options;
  options.config.dir = testing::default_runtime_cache();
  options.show_progress = false;
  Runtime runtime(std::move(options));
  FunctionStats stats;
  ASSERT_TRUE(runtime.prepare(program->functions[0], stats).executable);
  EXPECT_EQ(stats.compiles, 0u);
  EXPECT_EQ(stats.misses, 0u);
}

TEST_F(JitFunction, InfiniteAndNaNConstantsTrace)
{
  auto bounds = jit::function("infinite_bounds", [](const Tensor& x) {
    return std::tuple(x + INFINITY, maximum(x, x * 0.0 - INFINITY));
  });
  const Tensor x = filled({5});
  auto [above, same] = bounds(x);
  EXPECT_TRUE(std::isinf(above.flat(3)) && above.flat(3) > 0);
  EXPECT_EQ(max_difference(same, x), 0.0);
  EXPECT_FALSE(bounds.stats().degraded);

  // Any NaN (here a negative one) is one constant, so the two functions share their kernel.
  auto not_a_number = jit::function("nan_constant", [](const Tensor& x) { return x * NAN; });
  auto negative_nan = jit::function("negative_nan", [](const Tensor& x) { return x * -NAN; });
  EXPECT_TRUE(std::isnan(not_a_number(x).flat(2)));
  EXPECT_TRUE(std::isnan(negative_nan(x).flat(2)));
  EXPECT_FALSE(not_a_number.stats().degraded);
  EXPECT_EQ(negative_nan.stats().compiles, 0u);
}

TEST_F(JitFunction, MistakesInTheBodyAreClearErrors)
{
  auto bad_shapes = jit::function("bad", [](const Tensor& x, const Tensor& y) { return x + y; });
  try {
    bad_shapes(filled({3}), filled({4}));
    FAIL() << "no exception";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("do not broadcast"), std::string::npos)
      << error.what();
  }
  const Tensor outside = filled({3});
  auto captures = jit::function("captures", [&outside](const Tensor& x) { return x + outside; });
  EXPECT_THROW(captures(filled({3})), std::invalid_argument);
}

// Small inputs whose outer sum, a value between two kernels, takes 1.1 times the memory left:
// Linux would grant it and end the process with its OOM killer while the kernel filled it.
TEST_F(JitFunction, ACallWhoseValuesCannotFitIsAnErrorNotAnOomKill)
{
  const auto available = util::available_memory();
  ASSERT_TRUE(available) << "/proc/meminfo is unreadable";
  const auto side = static_cast<int64_t>(std::sqrt(static_cast<double>(*available) * 1.1 / 4));
  auto f = jit::function("outer", [](const Tensor& x, const Tensor& y) {
    const Tensor z = x + y;
    return sum(z, std::vector<int64_t>{1}) + max(z, std::vector<int64_t>{1});
  });
  try {
    f(filled({side, 1}), filled({1, side}));
    FAIL() << "a call needing more than the available memory ran";
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("out of memory: its outputs and the values between its kernels take "),
              std::string::npos)
      << message;
    EXPECT_NE(message.find(" is available"), std::string::npos) << message;
  }
  // The same function with sizes that fit still runs.
  const Tensor small = f(filled({3, 1}), filled({1, 3}));
  EXPECT_EQ(small.sizes(), std::vector<int64_t>{3});
}

// A broadcast view of one float whose contiguous copy, made before the kernels run, would
// take 1.1 times the memory left.
TEST_F(JitFunction, AStridedInputWhoseCopyCannotFitIsAnErrorNotAnOomKill)
{
  const auto available = util::available_memory();
  ASSERT_TRUE(available) << "/proc/meminfo is unreadable";
  const auto count = static_cast<int64_t>(static_cast<double>(*available) * 1.1 / 4);
  float one = 1.0F;
  auto total =
    jit::function("total", [](const Tensor& x) { return sum(x, std::vector<int64_t>{0}); });
  try {
    total(Tensor::borrow(DType::f32, {count}, &one, {0}));
    FAIL() << "a call whose input copy needs more than the available memory ran";
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("out of memory: its outputs and the values between its kernels, "
                           "with contiguous copies of its strided inputs, take "),
              std::string::npos)
      << message;
  }
  const Tensor small = total(Tensor::borrow(DType::f32, {5}, &one, {0}));
  EXPECT_FLOAT_EQ(static_cast<float>(small.flat(0)), 5.0F);
}

TEST_F(JitFunction, EagerOpsRunOnTheInterpreter)
{
  const Tensor x = filled({2, 3});
  const Tensor total = sum(x, std::vector<int64_t>{1});
  EXPECT_EQ(total.sizes(), (std::vector<int64_t>{2}));
  EXPECT_NEAR(total.flat(0), x.flat(0) + x.flat(1) + x.flat(2), 1e-6);
  EXPECT_EQ(transpose(x, {1, 0}).sizes(), (std::vector<int64_t>{3, 2}));
}

} // namespace
} // namespace jitcache::jit
