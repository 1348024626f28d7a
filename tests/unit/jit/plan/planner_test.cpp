// The planner's fusion rules (planner.hpp), one case each: which nodes end up in which kernel.
// A plan is shown as one line per launch: the kernel's form and its expression, where a load
// names the graph input it reads ("x") or the launch whose output it reads ("%0"), and a
// reduction or matmul shows what it reduces and its epilogue ("core" is the reduced value).
#include "jit/plan/planner.hpp"

#include "support/programs.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <string>
#include <vector>

namespace jitcache::jit {
namespace {

using jitcache::testing::graph_of;

// How launch `index` of `plan` names the buffer it reads as kernel input `input`.
std::string
source_name(const Plan& plan, const Graph& graph, const PlanLaunch& launch, uint32_t input)
{
  const uint32_t buffer = launch.buffers[input];
  if (plan.buffers[buffer].parameter >= 0) {
    return graph.parameter_names[static_cast<size_t>(plan.buffers[buffer].parameter)];
  }
  for (size_t i = 0; i < plan.launches.size(); ++i) {
    if (plan.launches[i].buffers.back() == buffer) {
      return fmt::format("%{}", i);
    }
  }
  return "?";
}

std::string
expression(const Plan& plan, const Graph& graph, const PlanLaunch& launch, int64_t index)
{
  const KernelSpec& spec = plan.kernels[launch.kernel];
  const KernelExpr& expr = spec.exprs[static_cast<size_t>(index)];
  switch (expr.kind) {
  case KernelExpr::Kind::load: return source_name(plan, graph, launch, expr.buffer);
  case KernelExpr::Kind::constant: return fmt::format("{}", expr.value);
  case KernelExpr::Kind::core: return "core";
  case KernelExpr::Kind::op: break;
  }
  std::vector<std::string> args;
  for (auto arg : expr.args) {
    args.push_back(expression(plan, graph, launch, arg));
  }
  return fmt::format("{}({})", to_string(expr.op), fmt::join(args, ", "));
}

std::vector<std::string>
launches_of(const Graph& graph)
{
  const Plan plan = plan_graph(graph);
  std::vector<std::string> lines;
  for (const auto& launch : plan.launches) {
    const KernelSpec& spec = plan.kernels[launch.kernel];
    const std::string result = expression(plan, graph, launch, spec.result);
    switch (spec.form) {
    case KernelSpec::Form::elementwise: lines.push_back(result); break;
    case KernelSpec::Form::reduction:
      lines.push_back(fmt::format("{}[{}] -> {}", to_string(spec.reduce_op),
                                  expression(plan, graph, launch, spec.prologue), result));
      break;
    case KernelSpec::Form::matmul:
      lines.push_back(fmt::format("matmul[{}, {}] -> {}", expression(plan, graph, launch, spec.a),
                                  expression(plan, graph, launch, spec.b), result));
      break;
    }
  }
  return lines;
}

using Lines = std::vector<std::string>;

TEST(Planner, AnElementwiseValueUsedOnceIsInlinedIntoItsConsumer)
{
  EXPECT_EQ(launches_of(graph_of("def f(x: f32[8, 4], y: f32[8, 4]):\n"
                                 "    return relu(x * 2 + y)\n")),
            (Lines{"relu(add(mul(x, 2), y))"}));
}

TEST(Planner, AnElementwiseValueUsedTwiceIsWrittenToABuffer)
{
  EXPECT_EQ(launches_of(graph_of("def f(x: f32[8, 4]):\n"
                                 "    e = exp(x)\n"
                                 "    return e * e\n")),
            (Lines{"exp(x)", "mul(%0, %0)"}));
}

TEST(Planner, AnElementwiseValueUsedOnceByAReductionIsItsPrologue)
{
  EXPECT_EQ(launches_of(graph_of("def f(x: f32[8, 4]):\n"
                                 "    return sum(exp(x), axis=1)\n")),
            (Lines{"sum[exp(x)] -> core"}));
}

TEST(Planner, AValueHoldingAReductionOrMatmulIsNeverAPrologue)
{
  // relu(x @ w) holds a matmul: it is computed in its own kernel (with relu as the matmul's
  // epilogue), and the sum reads its buffer.
  EXPECT_EQ(launches_of(graph_of("def f(x: f32[8, 4], w: f32[4, 6]):\n"
                                 "    return sum(relu(x @ w), axis=1)\n")),
            (Lines{"matmul[x, w] -> relu(core)", "sum[%0] -> core"}));
}

TEST(Planner, AMatmulUsedOnceByAnElementwiseOpOfItsShapeGetsAnEpilogue)
{
  EXPECT_EQ(launches_of(graph_of("def f(x: f32[8, 4], w: f32[4, 6], b: f32[6]):\n"
                                 "    return relu(x @ w + b)\n")),
            (Lines{"matmul[x, w] -> relu(add(core, b))"}));
}

TEST(Planner, AReductionOverTrailingAxesGetsAnEpilogueOfItsShape)
{
  EXPECT_EQ(launches_of(graph_of("def f(x: f32[8, 4]):\n"
                                 "    return sqrt(sum(x * x, axis=1) + 1)\n")),
            (Lines{"sum[mul(x, x)] -> sqrt(add(core, 1))"}));
}

TEST(Planner, AReductionOverALeadingAxisGetsNoEpilogue)
{
  EXPECT_EQ(launches_of(graph_of("def f(x: f32[8, 4]):\n"
                                 "    return sum(x, axis=0) * 2\n")),
            (Lines{"sum[x] -> core", "mul(%0, 2)"}));
}

TEST(Planner, AReductionReadByABroadcastIsABuffer)
{
  // The consumer has another shape than the reduction (it broadcasts the kept axis back), so
  // the reduced value cannot be computed once per output point of that kernel.
  EXPECT_EQ(launches_of(graph_of("def f(x: f32[8, 4]):\n"
                                 "    return x - max(x, axis=1, keepdim=true)\n")),
            (Lines{"max[x] -> core", "sub(x, %0)"}));
}

TEST(Planner, AKernelHasAtMostOneCore)
{
  // The first operand's reduction becomes the core of the sum's kernel; the second one is
  // computed before it, into a buffer.
  EXPECT_EQ(launches_of(graph_of("def f(x: f32[8, 4], y: f32[8, 4]):\n"
                                 "    return sum(x, axis=1) + sum(y, axis=1)\n")),
            (Lines{"sum[y] -> core", "sum[x] -> add(core, %0)"}));
}

TEST(Planner, ViewsBecomeStridesOfTheLoadsThatReadThem)
{
  const Graph graph = graph_of("def f(x: f32[8, 4]):\n"
                               "    return transpose(x, [1, 0]) + 1\n");
  EXPECT_EQ(launches_of(graph), (Lines{"add(x, 1)"}));
  const Plan plan = plan_graph(graph);
  const KernelSpec& spec = plan.kernels.front();
  for (const auto& expr : spec.exprs) {
    if (expr.kind == KernelExpr::Kind::load) {
      // Over the output's [4, 8] space: x's row stride for the second axis, 1 for the first.
      EXPECT_EQ(expr.strides, (std::vector<SizeExpr>{SizeExpr{1, {}}, SizeExpr{4, {}}}));
    }
  }
}

TEST(Planner, AReshapeOfAStridedViewMaterializesTheView)
{
  // The transposed view is copied into a buffer first: a reshape cannot be expressed as
  // strides over a non-contiguous view.
  EXPECT_EQ(launches_of(graph_of("def f(x: f32[8, 4]):\n"
                                 "    return exp(reshape(transpose(x, [1, 0]), [32]))\n")),
            (Lines{"x", "exp(%0)"}));
}

TEST(Planner, EveryOutputIsWrittenToABuffer)
{
  EXPECT_EQ(launches_of(graph_of("def f(x: f32[8, 4]):\n"
                                 "    e = exp(x)\n"
                                 "    return e, e + 1\n")),
            (Lines{"exp(x)", "add(%0, 1)"}));
}

TEST(Planner, AnOutputThatIsAnInputNeedsNoKernel)
{
  EXPECT_EQ(launches_of(graph_of("def f(x: f32[8, 4]):\n"
                                 "    return x\n")),
            Lines{});
}

} // namespace
} // namespace jitcache::jit
