// The launch plan's text form, which a graph entry stores and every warm start reads back:
// round trips and errors that name the line and the word.
#include "jit/plan/plan.hpp"
#include "jit/plan/planner.hpp"

#include "support/programs.hpp"

#include <gtest/gtest.h>

namespace jitcache::jit {
namespace {

Plan
plan_of(const std::string& text)
{
  return plan_graph(testing::graph_of(text));
}

void
expect_same(const Plan& read, const Plan& written)
{
  ASSERT_EQ(read.buffers.size(), written.buffers.size());
  for (size_t i = 0; i < read.buffers.size(); ++i) {
    EXPECT_EQ(read.buffers[i].dtype, written.buffers[i].dtype) << i;
    EXPECT_EQ(read.buffers[i].shape, written.buffers[i].shape) << i;
    EXPECT_EQ(read.buffers[i].parameter, written.buffers[i].parameter) << i;
  }
  ASSERT_EQ(read.launches.size(), written.launches.size());
  for (size_t i = 0; i < read.launches.size(); ++i) {
    EXPECT_EQ(read.launches[i].kernel, written.launches[i].kernel) << i;
    EXPECT_EQ(read.launches[i].buffers, written.launches[i].buffers) << i;
    EXPECT_EQ(read.launches[i].symbols, written.launches[i].symbols) << i;
  }
  EXPECT_EQ(read.outputs, written.outputs);
}

TEST(PlanText, RoundTripsSymbolsScalarsAndSeveralOutputs)
{
  const Plan plan = plan_of("def f(x: f32[B, N], w: f32[N, 16], s: f64[]):\n"
                            "    y = relu(x @ w)\n"
                            "    return y, sum(y, axis=1, keepdim=false), cast(s, f32) * 2\n");
  ASSERT_GE(plan.launches.size(), 2u);
  const std::string text = plan.to_text();
  EXPECT_TRUE(text.starts_with("plan 1\n")) << text;
  EXPECT_NE(text.find(" B "), std::string::npos) << text; // a symbolic dimension, by name
  auto read = Plan::from_text(text, plan.kernels.size());
  ASSERT_TRUE(read) << read.error().message;
  expect_same(*read, plan);
  EXPECT_EQ(read->to_text(), text);
}

TEST(PlanText, RoundTripsDerivedDimensions)
{
  // Derived dimensions appear in buffers and as kernel symbols by their canonical text.
  const Plan plan = plan_of("def f(x: f32[N], y: f32[N + 1]):\n"
                            "    return reshape(broadcast_to(x, [N + 1, N]), [N * N + N]) + 1, "
                            "sum(y, axis=0)\n");
  const std::string text = plan.to_text();
  EXPECT_NE(text.find(" N+N*N"), std::string::npos) << text;
  EXPECT_NE(text.find(" N+1"), std::string::npos) << text;
  auto read = Plan::from_text(text, plan.kernels.size());
  ASSERT_TRUE(read) << read.error().message;
  expect_same(*read, plan);
}

TEST(PlanText, ErrorsNameTheLineAndTheWord)
{
  const std::string good = "plan 1\n"
                           "buffer f32 0 B 4\n"
                           "buffer f32 -1 B 4\n"
                           "launch 0 2 0 1 B\n"
                           "outputs 1\n";
  ASSERT_TRUE(Plan::from_text(good, 1));
  // A kernel may read one buffer twice: a launch may list more buffers than the plan has.
  auto twice = Plan::from_text("plan 1\nbuffer f32 0 4\nbuffer f32 -1 4\nlaunch 0 3 0 0 1\n"
                               "outputs 1\n",
                               1);
  ASSERT_TRUE(twice) << twice.error().message;
  EXPECT_EQ(twice->launches.front().buffers, (std::vector<uint32_t>{0, 0, 1}));
  const std::vector<std::pair<std::string, std::string>> cases = {
    {"plan 2\noutputs 0\n", "unknown header 'plan 2'"},
    {"{\"version\": 1}", "unknown header"},
    {"plan 1\nbuffer f16 0 4\noutputs 0\n", "line 2: unknown dtype 'f16'"},
    {"plan 1\nbuffer f32 x 4\noutputs 0\n", "line 2: the parameter index 'x' is not a valid"},
    {"plan 1\nbuffer f32 0 4\nlaunch 3 1 0\noutputs 0\n", "line 3: kernel 3 is not listed"},
    {"plan 1\nbuffer f32 0 4\nlaunch 0 1 7\noutputs 0\n", "line 3: buffer 7 does not exist"},
    {"plan 1\nbuffer f32 0 4\nlaunch 0 0\noutputs 0\n", "line 3: a launch without buffers"},
    {"plan 1\nbuffer f32 0 4\nlaunch 0 2 0\noutputs 0\n", "line 3: a buffer index is missing"},
    {"plan 1\nbuffer f32 0 -4\noutputs 0\n", "line 2: dimension '-4' is neither a size nor"},
    {"plan 1\nbuffer f32 0 4x\noutputs 0\n", "line 2: dimension '4x' is neither a size nor"},
    {"plan 1\nbuffer f32 0 4\nlaunch 0 1 0 1-B\noutputs 0\n", "line 3: symbol '1-B' is neither"},
    {"plan 1\nbuffer f32 0 B*2\noutputs 0\n", "line 2: dimension 'B*2' is neither"},
    {"plan 1\nbuffer f32 0 4\nlaunch 0 1\noutputs 0\n", "line 3: a buffer index is missing"},
    {"plan 1\nbuffer f32 0 4\nlaunch 0\noutputs 0\n", "line 3: the buffer count is missing"},
    {"plan 1\nbuffer f32 0 4\noutputs 0 1\n", "line 3: output buffer 1 does not exist"},
    {"plan 1\nbuffer f32 0 4\noutputs -1\n", "line 3: an output '-1' is not a valid number"},
    {"plan 1\nbuffer f32 0 4\n", "the outputs line is missing"},
    {"plan 1\nbuffer f32 0 4\noutputs 0\nbuffer f32 0 4\n", "line 4: text after the outputs"},
    {"plan 1\nbuffers f32 0 4\noutputs 0\n", "line 2: unknown line kind 'buffers'"},
  };
  for (const auto& [text, message] : cases) {
    auto read = Plan::from_text(text, 1);
    ASSERT_FALSE(read) << text;
    EXPECT_NE(read.error().message.find(message), std::string::npos)
      << text << "\n-> " << read.error().message;
  }
}

} // namespace
} // namespace jitcache::jit
