// Level 0 for the reference JIT: automatic dynamic shapes on program functions and traced
// ones, profiles across runtimes, recompile limits, strategies, and concurrent callers.
#include "dispatch/recompile_limits.hpp"
#include "jit/execute/interpreter.hpp"
#include "jit/language/program.hpp"
#include "jit/runner/program_runner.hpp"
#include "jit/runtime/dispatcher.hpp"
#include "jit/runtime/specialize.hpp"

#include "support/default_runtime_cache.hpp"
#include "support/programs.hpp"
#include "support/temp_dir.hpp"

#include <jitcache/jit/function.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <thread>

namespace jitcache::jit {
namespace {

using jitcache::testing::TempDir;

const char* const k_scale = "def scale(x: f32[B, 128], w: f32[128]):\n"
                            "    return relu(x * w + 1.0)\n"
                            "run scale(x=f32[{1..64}, 128], w=f32[128]) repeat 2\n";

using jitcache::testing::program_of;

std::unique_ptr<Runtime>
make_runtime(const std::filesystem::path& dir, std::string cxxflags = "-O2 -fPIC -shared")
{
  RuntimeOptions options;
  options.config.dir = dir;
  options.config.cxxflags = std::move(cxxflags);
  options.show_progress = false;
  return std::make_unique<Runtime>(std::move(options));
}

TEST(Dispatcher, ASweepOverSixtyFourBatchSizesCompilesTwice)
{
  TempDir dir;
  auto runtime = make_runtime(dir.path());
  const auto program = program_of(k_scale);
  RunOptions options;
  options.check = true;
  auto report = run_program(program, program.runs, *runtime, options, 0);
  ASSERT_TRUE(report) << report.error().message;
  const auto& function = report->functions.front();
  EXPECT_EQ(function.stats.calls, 128U);
  EXPECT_EQ(function.stats.compiles, 2U); // batch 1 with constants, then batch symbolic
  EXPECT_EQ(function.stats.recompiles, 1U);
  EXPECT_EQ(function.stats.memory_hits, 126U);
  ASSERT_EQ(function.recompile_reasons.size(), 1U);
  EXPECT_EQ(function.recompile_reasons.front(), "a0 dtype 0 sizes [1, 128]: a0 size 0 is 2");
  EXPECT_EQ(function.check, "pass");
}

TEST(Dispatcher, AProfileMakesTheNextProcessCompileTheDynamicVariantFirst)
{
  TempDir dir;
  const auto program = program_of(k_scale);
  {
    auto first = make_runtime(dir.path());
    auto report = run_program(program, program.runs, *first, {}, 0);
    ASSERT_TRUE(report);
    EXPECT_EQ(report->functions.front().stats.compiles, 2U);
  }
  // Other flags: no compiled graph can be reused, but the profile (filed by function name and
  // graph structure) still applies.
  auto calls = program.runs;
  calls.front().sweep = SizeSweep{0, 0, 100, 120};
  auto second = make_runtime(dir.path(), "-O1 -fPIC -shared");
  auto report = run_program(program, calls, *second, {}, 0);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->functions.front().stats.compiles, 1U);
  EXPECT_EQ(report->functions.front().stats.recompiles, 0U);

  RunOptions no_profiles;
  no_profiles.dispatch.use_profiles = false;
  auto third = make_runtime(dir.path(), "-O3 -fPIC -shared");
  report = run_program(program, calls, *third, no_profiles, 0);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->functions.front().stats.compiles, 2U);
}

TEST(Dispatcher, TheRecompileLimitSwitchesToRunOnlyWithOneWarning)
{
  TempDir dir;
  auto runtime = make_runtime(dir.path());
  const auto program = program_of(k_scale);
  const Graph& graph = *program.find("scale");
  dispatch::RecompileLimits::reset_process_count();
  DispatchOptions options;
  options.limits.per_function = 2;
  options.use_profiles = false;
  Dispatcher dispatcher("scale", *runtime, options, false);
  dispatcher.mark_static(0, 0); // every batch size is a new variant
  const Dispatcher::BuildGraph build = [&](std::span<const ArgView> args,
                                           const dispatch::DynamicDims& dynamic) {
    return Expected<Graph>(specialize_graph(graph, args, dynamic));
  };
  std::atomic<int> eager_calls{0};
  const Dispatcher::RunEager eager = [&](std::span<const Tensor> inputs) {
    eager_calls.fetch_add(1);
    return interpret(graph, inputs);
  };
  FunctionStats stats;
  const Tensor w = Tensor::zeros(DType::f32, {128});
  ::testing::internal::CaptureStderr();
  for (int64_t batch : {1, 2, 3, 4, 5, 1}) {
    const std::vector<Tensor> inputs = {Tensor::zeros(DType::f32, {batch, 128}), w};
    auto result = dispatcher.call(inputs, build, eager, stats);
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result->front().sizes(), (std::vector<int64_t>{batch, 128}));
  }
  const auto warning = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(stats.recompiles, 2U);
  EXPECT_EQ(eager_calls.load(), 2); // batches 4 and 5
  EXPECT_EQ(stats.memory_hits, 1U); // batch 1 again
  EXPECT_NE(warning.find("scale reached recompile_limit (2)"), std::string::npos) << warning;
  EXPECT_NE(warning.find("a0 size 0 is 2"), std::string::npos) << warning;
  EXPECT_EQ(dispatcher.recompile_reasons().size(), 2U);
  dispatch::RecompileLimits::reset_process_count();
}

Tensor
filled(std::vector<int64_t> sizes)
{
  Tensor tensor = Tensor::zeros(DType::f32, std::move(sizes));
  for (int64_t i = 0; i < tensor.numel(); ++i) {
    tensor.data_as<float>()[i] = static_cast<float>(std::sin(0.37 * static_cast<double>(i)));
  }
  return tensor;
}

class TracedDispatch : public ::testing::Test {
protected:
  static void
  SetUpTestSuite()
  {
    testing::default_runtime_cache();
  }
};

TEST_F(TracedDispatch, ChangingBatchSizesTraceTwiceAndEqualSizesShareASymbol)
{
  auto f = jit::function("dispatch_add_rows",
                         [](const Tensor& x, const Tensor& y) { return relu(x + y) * 2.0; });
  for (int64_t batch = 1; batch <= 12; ++batch) {
    const Tensor x = filled({batch, 8});
    const Tensor y = filled({batch, 8});
    const Tensor result = f(x, y);
    const Tensor expected = relu(x + y) * 2.0;
    ASSERT_EQ(result.sizes(), expected.sizes());
    for (int64_t i = 0; i < result.numel(); ++i) {
      ASSERT_NEAR(result.flat(i), expected.flat(i), 1e-5);
    }
  }
  const auto stats = f.stats();
  EXPECT_EQ(stats.calls, 12U);
  EXPECT_EQ(stats.traces, 2U);
  EXPECT_EQ(stats.recompiles, 1U);
  EXPECT_EQ(stats.memory_hits, 10U);
}

TEST_F(TracedDispatch, MarkDynamicCompilesSymbolicFromTheStart)
{
  auto f = jit::function("dispatch_marked", [](const Tensor& x) { return x * 3.0; });
  f.mark_dynamic(0, 0);
  for (int64_t batch = 2; batch <= 6; ++batch) {
    f(filled({batch, 4}));
  }
  EXPECT_EQ(f.stats().traces, 1U);
  EXPECT_EQ(f.stats().recompiles, 0U);
}

TEST_F(TracedDispatch, StrategiesSkipRunOnlyAndRecursive)
{
  auto inner = jit::function("dispatch_inner", [](const Tensor& x) { return exp(x); });
  inner(filled({4})); // compiled for size 4
  EXPECT_EQ(inner.stats().traces, 1U);

  inner.set_strategy(Strategy::run_only);
  inner(filled({4})); // hit
  inner(filled({5})); // miss: eager, nothing compiled
  EXPECT_EQ(inner.stats().traces, 1U);
  EXPECT_EQ(inner.stats().memory_hits, 1U);

  inner.set_strategy(Strategy::skip);
  inner(filled({4})); // not even looked up
  EXPECT_EQ(inner.stats().memory_hits, 1U);

  // The outer function runs eagerly and makes everything it calls run-only.
  inner.set_strategy(Strategy::compile);
  auto outer = jit::function("dispatch_outer", [&](const Tensor& x) { return inner(x) + 1.0; });
  outer.set_strategy(Strategy::skip, Strategy::run_only);
  const Tensor result = outer(filled({7}));
  EXPECT_NEAR(result.flat(0), std::exp(0.0) + 1.0, 1e-6);
  outer(filled({4}));
  EXPECT_EQ(outer.stats().traces, 0U);
  EXPECT_EQ(inner.stats().traces, 1U);      // size 7 was not compiled
  EXPECT_EQ(inner.stats().memory_hits, 2U); // size 4 still used its variant
}

TEST_F(TracedDispatch, ManyThreadsCallOneFunction)
{
  auto f = jit::function("dispatch_threads", [](const Tensor& x) { return tanh(x) + 0.5; });
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const int64_t size = 2 + (t + i) % 3;
        const Tensor x = filled({size, 16});
        const Tensor y = f(x);
        for (int64_t k = 0; k < y.numel(); ++k) {
          if (std::fabs(y.flat(k) - (std::tanh(x.flat(k)) + 0.5)) > 1e-5) {
            wrong.fetch_add(1);
            break;
          }
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(wrong.load(), 0);
  const auto stats = f.stats();
  EXPECT_EQ(stats.calls, 200U);
  EXPECT_LE(stats.traces, 2U); // one static variant, then the batch goes dynamic
}

} // namespace
} // namespace jitcache::jit
