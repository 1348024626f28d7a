// artifacts::save(), load() and ScopedRecorder on the default runtime behind jit::function:
// a function's variant saved in one bundle, loaded into the same process, serves a new
// function of the same name at level 0 without tracing it.
#include "support/default_runtime_cache.hpp"

#include <jitcache/artifacts.hpp>
#include <jitcache/jit/function.hpp>

#include <gtest/gtest.h>

namespace jitcache::artifacts {
namespace {

using jit::DType;
using jit::Tensor;

Tensor
ramp(std::vector<int64_t> sizes)
{
  Tensor tensor = Tensor::zeros(DType::f32, std::move(sizes));
  for (int64_t i = 0; i < tensor.numel(); ++i) {
    tensor.data_as<float>()[i] = static_cast<float>(i % 7) - 3.0F;
  }
  return tensor;
}

TEST(ArtifactsApi, AScopedRecordingSavesABundleThatMakesAFunctionReadyWithoutTracing)
{
  (void)testing::default_runtime_cache();
  const auto body = [](const Tensor& x, const Tensor& y) { return jit::relu(x * y + x); };
  std::vector<uint8_t> bytes;
  {
    ScopedRecorder recorder;
    auto first = jit::function("api_saved", body);
    (void)first(ramp({8, 16}), ramp({8, 16}));
    ASSERT_EQ(first.stats().traces, 1U);
    auto saved = recorder.save();
    ASSERT_TRUE(saved.has_value()) << saved.error().message;
    EXPECT_EQ(saved->summary.kinds.at("precompile").entries, 1U);
    EXPECT_EQ(saved->summary.kinds.at("graph").entries, 1U);
    bytes = std::move(saved->bytes);
  }
  // The process-wide record holds it too.
  auto everything = save();
  ASSERT_TRUE(everything.has_value());
  EXPECT_GE(everything->summary.kinds.at("precompile").entries, 1U);

  auto installed = load(bytes);
  ASSERT_TRUE(installed.has_value()) << installed.error().message;
  EXPECT_EQ(installed->kinds.at("precompile").entries, 1U);
  auto second = jit::function("api_saved", body);
  const Tensor result = second(ramp({8, 16}), ramp({8, 16}));
  EXPECT_EQ(second.stats().traces, 0U);
  EXPECT_EQ(second.stats().compiles, 0U);
  EXPECT_EQ(second.stats().bundle_hits, 1U);
  EXPECT_FLOAT_EQ(static_cast<float>(result.flat(5)), 6.0F); // x = y = 2: relu(2 * 2 + 2)

  // Other sizes are not precompiled: they trace.
  (void)second(ramp({4, 16}), ramp({4, 16}));
  EXPECT_EQ(second.stats().traces, 1U);
}

TEST(ArtifactsApi, ADamagedBundleInstallsNothingAndSaysWhere)
{
  (void)testing::default_runtime_cache();
  std::vector<uint8_t> garbage = {'J', 'C', 'B', 'U', 'N', 'D', 'L', 'E', 9, 0};
  auto installed = load(garbage);
  ASSERT_FALSE(installed.has_value());
  EXPECT_NE(installed.error().message.find("byte offset"), std::string::npos)
    << installed.error().message;
}

} // namespace
} // namespace jitcache::artifacts
