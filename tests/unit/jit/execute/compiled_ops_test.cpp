// Every op, broadcasting case and dtype: the compiled kernels must agree with the
// interpreter (the reference semantics) within the dtype's tolerance. Cases are programs in
// the JIT's language; each run line is one call with random inputs from a fixed seed.
#include "jit/execute/interpreter.hpp"
#include "jit/language/program.hpp"
#include "jit/runner/compare.hpp"
#include "jit/runner/random_inputs.hpp"
#include "jit/runtime/runtime.hpp"

#include "support/temp_dir.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>

namespace jitcache::jit {
namespace {

class CompiledOps : public ::testing::Test {
protected:
  CompiledOps()
  {
    RuntimeOptions options;
    options.config.dir = m_dir.path();
    options.show_progress = false;
    m_runtime = std::make_unique<Runtime>(std::move(options));
  }

  // Compiles every function of `text` and checks each run line against the interpreter.
  void
  check_program(const std::string& text)
  {
    auto program = parse_program(SourceText{"case.jc", text});
    ASSERT_TRUE(program) << program.error().message;
    ASSERT_FALSE(program->runs.empty());
    for (size_t r = 0; r < program->runs.size(); ++r) {
      const auto& run = program->runs[r];
      const Graph& graph = *program->find(run.function);
      FunctionStats stats;
      auto prepared = m_runtime->prepare(graph, stats);
      ASSERT_TRUE(prepared.executable) << run.function << ": " << prepared.failure;
      std::vector<Tensor> inputs;
      for (size_t i = 0; i < run.inputs.size(); ++i) {
        inputs.push_back(random_tensor(run.inputs[i], 7919 * r + i));
      }
      auto compiled = prepared.executable->run(inputs);
      ASSERT_TRUE(compiled) << compiled.error().message;
      auto expected = interpret(graph, inputs);
      ASSERT_TRUE(expected) << expected.error().message;
      const auto comparison = compare_outputs(*compiled, *expected);
      EXPECT_TRUE(comparison.passed)
        << run.function << " (run line " << run.location.line << "): " << comparison.first_mismatch;
    }
  }

  testing::TempDir m_dir;
  std::unique_ptr<Runtime> m_runtime;
};

TEST_F(CompiledOps, UnaryFloatOps)
{
  for (std::string dtype : {"f32", "f64"}) {
    check_program(fmt::format(
      "def f(x: {0}[N, 37]):\n"
      "    return neg(x), abs(x), exp(x), log(x), sqrt(x), rsqrt(x), tanh(x), sigmoid(x),"
      " relu(x), gelu(x), sin(x), cos(x), -x\n"
      "run f(x={0}[3, 37])\nrun f(x={0}[1, 37])\n",
      dtype));
  }
}

TEST_F(CompiledOps, UnaryIntegerOps)
{
  for (std::string dtype : {"i32", "i64"}) {
    check_program(fmt::format("def f(x: {0}[19]):\n    return neg(x), abs(x), relu(x), -x\n"
                              "run f(x={0}[19])\n",
                              dtype));
  }
}

TEST_F(CompiledOps, BinaryOpsWithBroadcasting)
{
  for (std::string dtype : {"f32", "f64", "i32", "i64"}) {
    const bool is_float_type = dtype[0] == 'f';
    const std::string extra = is_float_type ? ", pow(abs(a) + 0.5, b)" : "";
    check_program(
      fmt::format("def f(a: {0}[4, 1, 21], b: {0}[3, 1]):\n"
                  "    return a + b, a - b, a * b, a / b, maximum(a, b), minimum(a, b){1}\n"
                  "def g(a: {0}[17], b: {0}[2, 17]):\n"
                  "    return a + b, b * 3, 2 - a, a / 2\n"
                  "run f(a={0}[4, 1, 21], b={0}[3, 1])\nrun g(a={0}[17], b={0}[2, 17])\n",
                  dtype, extra));
  }
}

TEST_F(CompiledOps, ComparisonsAndWhere)
{
  for (std::string dtype : {"f32", "f64", "i32", "i64"}) {
    check_program(
      fmt::format("def f(a: {0}[5, 18], b: {0}[18]):\n"
                  "    return a < b, a <= b, a > b, a >= b, a == b, a != b, where(a > b, a, b), "
                  "where(a < 0, 0, a)\n"
                  "run f(a={0}[5, 18], b={0}[18])\n",
                  dtype));
  }
  check_program("def f(p: bool[9], q: bool[9], x: f32[9]):\n"
                "    return p == q, p != q, where(p, x, -x), where(q, 1.0, 2.0)\n"
                "run f(p=bool[9], q=bool[9], x=f32[9])\n");
}

TEST_F(CompiledOps, CastsBetweenEveryPairOfDtypes)
{
  const std::vector<std::string> dtypes = {"f32", "f64", "i32", "i64", "bool"};
  std::string text;
  for (const auto& from : dtypes) {
    std::vector<std::string> outputs;
    for (const auto& to : dtypes) {
      outputs.push_back(fmt::format("cast(x * {}, {})",
                                    from == "bool"   ? "true"
                                    : from[0] == 'f' ? "9.5"
                                                     : "3",
                                    to));
    }
    if (from == "bool") {
      for (auto& output : outputs) {
        output = output.replace(output.find("x * true"), 8, "x");
      }
    }
    text += fmt::format("def from_{0}(x: {0}[23]):\n    return {1}\nrun from_{0}(x={0}[23])\n",
                        from, fmt::join(outputs, ", "));
  }
  check_program(text);
}

TEST_F(CompiledOps, Reductions)
{
  for (std::string dtype : {"f32", "f64"}) {
    check_program(fmt::format(
      "def f(x: {0}[6, 5, 33]):\n"
      "    return sum(x, axis=2), mean(x, axis=-1, keepdim=true), max(x, axis=1), "
      "min(x, axis=0), sum(x), mean(x, axis=[1, 2]), max(x, axis=[0, 2], keepdim=true), "
      "sum(x * x, axis=0, keepdim=true)\n"
      "run f(x={0}[6, 5, 33])\n",
      dtype));
  }
  for (std::string dtype : {"i32", "i64"}) {
    check_program(fmt::format(
      "def f(x: {0}[7, 20]):\n"
      "    return sum(x, axis=1), max(x, axis=0), min(x), sum(x, axis=0, keepdim=true)\n"
      "run f(x={0}[7, 20])\n",
      dtype));
  }
}

TEST_F(CompiledOps, ReductionsWithEpilogues)
{
  check_program(
    "def f(x: f32[N, 40], s: f32[N, 1]):\n"
    "    return exp(sum(x, axis=1, keepdim=true) * 0.5) + s, sqrt(mean(x * x, axis=-1) + 1)\n"
    "run f(x=f32[9, 40], s=f32[9, 1])\n");
}

TEST_F(CompiledOps, ReductionsWithPrologues)
{
  // The reduced expression computed inline (planner.hpp): over views, with broadcasts and
  // masks, over leading and trailing axes, with keepdim and an epilogue, and on integers.
  check_program("def f(x: f32[N, 12, 7], y: f32[7], m: bool[N, 12, 7]):\n"
                "    return sum(exp(x) * y, axis=2), max(where(m, x, -inf), axis=1, keepdim=true), "
                "mean(transpose(x, [0, 2, 1]) + 1, axis=[1, 2]), sum(x * x, axis=0), "
                "sqrt(sum(abs(x) * 2, axis=-1, keepdim=true) + 1) * y\n"
                "def g(x: i32[5, 9]):\n"
                "    return sum(x * x - 3, axis=1), max(abs(x), axis=0, keepdim=true)\n"
                "run f(x=f32[3, 12, 7], y=f32[7], m=bool[3, 12, 7])\n"
                "run f(x=f32[1, 12, 7], y=f32[7], m=bool[1, 12, 7])\n"
                "run g(x=i32[5, 9])\n");
}

TEST_F(CompiledOps, Matmuls)
{
  check_program(
    "def plain(a: f32[M, 33], b: f32[33, 19]):\n    return a @ b\n"
    "def epilogue(a: f32[M, 16], b: f32[16, 24], c: f32[24]):\n"
    "    return relu(a @ b + c) * 2\n"
    "def transposed(a: f32[M, 20], b: f32[7, 20]):\n    return a @ transpose(b, [1, 0])\n"
    "def batched(a: f32[3, M, 8], b: f32[8, 5], c: f32[1, 5, 4]):\n"
    "    return a @ b, matmul(a @ b, c)\n"
    "def f64_matmul(a: f64[5, 9], b: f64[9, 3]):\n    return a @ b\n"
    "def int_matmul(a: i32[4, 6], b: i32[6, 3]):\n    return a @ b\n"
    "run plain(a=f32[5, 33], b=f32[33, 19])\n"
    "run epilogue(a=f32[3, 16], b=f32[16, 24], c=f32[24])\n"
    "run transposed(a=f32[6, 20], b=f32[7, 20])\n"
    "run batched(a=f32[3, 4, 8], b=f32[8, 5], c=f32[1, 5, 4])\n"
    "run f64_matmul(a=f64[5, 9], b=f64[9, 3])\n"
    "run int_matmul(a=i32[4, 6], b=i32[6, 3])\n");
}

TEST_F(CompiledOps, ViewsAndLayouts)
{
  check_program("def f(x: f32[B, 4, 6], y: f32[6]):\n"
                "    t = transpose(x, [0, 2, 1])\n"
                "    r = reshape(t, [B, 24])\n"
                "    return t * 2, r + 1, broadcast_to(y, [3, 6]), reshape(x, [B, 2, 12]), t, x\n"
                "run f(x=f32[2, 4, 6], y=f32[6])\n");
}

TEST_F(CompiledOps, SymbolicSizesAreParameters)
{
  // One kernel serves every size of B, including sizes that leave a partial block.
  check_program("def f(x: f32[B, C], b: f32[C]):\n    return softmax(x + b, axis=1)\n"
                "run f(x=f32[1, 1], b=f32[1])\nrun f(x=f32[3, 17], b=f32[17])\n"
                "run f(x=f32[2, 64], b=f32[64])\n");
}

TEST_F(CompiledOps, DimensionExpressions)
{
  // Compiled with every size symbolic: products become sizes of the kernels, other
  // expressions (N+1, E//4) symbols whose values each call computes.
  check_program("def f(y: f32[A, B, C], z: f32[A * B + 1]):\n"
                "    return reshape(y, [C, A * B]) * 2, broadcast_to(z, [C, B * A + 1]) + 1, "
                "reshape(y, [A * B * C // 2, 2]) - 1\n"
                "def heads(x: f32[T, E], w: f32[E // 4, E // 4]):\n"
                "    h = transpose(reshape(x, [T, 4, E // 4]), [1, 0, 2])\n"
                "    return reshape(transpose(h @ w, [1, 0, 2]), [T, E]), sum(h, axis=-1)\n"
                "run f(y=f32[2, 3, 4], z=f32[7])\n"
                "run f(y=f32[5, 1, 2], z=f32[6])\n"
                "run heads(x=f32[3, 16], w=f32[4, 4])\n"
                "run heads(x=f32[5, 24], w=f32[6, 6])\n");
}

TEST_F(CompiledOps, InfiniteAndNaNConstants)
{
  for (std::string dtype : {"f32", "f64"}) {
    check_program(
      fmt::format("def f(x: {0}[6, 17], keep: bool[6, 17]):\n"
                  "    masked = where(keep, x, -inf)\n"
                  "    return softmax(where(x > 0.5, -inf, x), axis=1), max(masked, axis=1), "
                  "minimum(x, inf), x * 0.0 + inf, exp(-inf + x), where(keep, nan, x)\n"
                  "run f(x={0}[6, 17], keep=bool[6, 17])\n",
                  dtype));
  }
}

TEST_F(CompiledOps, OpaqueIsAnIdentity)
{
  check_program("def f(x: f32[8]):\n    return opaque(x) * 2\nrun f(x=f32[8])\n");
}

// Random chains of elementwise ops over random broadcastable shapes, from a fixed seed.
TEST_F(CompiledOps, RandomElementwiseChains)
{
  std::mt19937 random(20261123);
  const std::vector<std::string> unary = {"neg",     "abs",  "exp",  "tanh",
                                          "sigmoid", "relu", "gelu", "sin"};
  const std::vector<std::string> binary = {"+", "-", "*", "maximum", "minimum"};
  const std::vector<int> sizes = {1, 3, 16, 19};
  std::string text;
  for (int n = 0; n < 6; ++n) {
    const int rank = 1 + static_cast<int>(random() % 3);
    std::vector<int> shape;
    for (int d = 0; d < rank; ++d) {
      shape.push_back(sizes[random() % sizes.size()]);
    }
    // y broadcasts into x: some of its dimensions are 1 or missing.
    std::vector<int> other(shape.begin() + static_cast<long>(random() % shape.size()), shape.end());
    for (auto& d : other) {
      d = random() % 2 ? d : 1;
    }
    std::string expr = "x";
    for (int op = 0; op < 5; ++op) {
      if (random() % 2) {
        expr = fmt::format("{}({})", unary[random() % unary.size()], expr);
      } else {
        const auto& b = binary[random() % binary.size()];
        const std::string rhs = random() % 3 ? "y" : "0.5";
        expr = b.size() == 1 ? fmt::format("({} {} {})", expr, b, rhs)
                             : fmt::format("{}({}, {})", b, expr, rhs);
      }
    }
    text += fmt::format("def chain{0}(x: f32[{1}], y: f32[{2}]):\n    return {3}\n"
                        "run chain{0}(x=f32[{1}], y=f32[{2}])\n",
                        n, fmt::join(shape, ", "), fmt::join(other, ", "), expr);
  }
  SCOPED_TRACE(text);
  check_program(text);
}

} // namespace
} // namespace jitcache::jit
