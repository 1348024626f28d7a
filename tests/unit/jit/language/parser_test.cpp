#include "jit/execute/interpreter.hpp"
#include "jit/ir/arguments.hpp"
#include "jit/ir/printer.hpp"
#include "jit/language/program.hpp"
#include "util/files.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <utility>

namespace jitcache::jit {
namespace {

const std::filesystem::path k_source_dir = JITCACHE_SOURCE_DIR;

std::string
read_text(const std::filesystem::path& path)
{
  auto bytes = util::read_file(path);
  EXPECT_TRUE(bytes) << path;
  return bytes ? std::string(bytes->begin(), bytes->end()) : std::string();
}

std::vector<std::filesystem::path>
files_with_extension(const std::filesystem::path& dir, std::string_view extension)
{
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == extension) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

Program
parse_ok(std::string text)
{
  auto program = parse_program(SourceText{"test.jc", std::move(text)});
  EXPECT_TRUE(program) << (program ? "" : program.error().message);
  return program ? std::move(*program) : Program{};
}

std::string
parse_error(std::string text)
{
  auto program = parse_program(SourceText{"test.jc", std::move(text)});
  EXPECT_FALSE(program);
  return program ? std::string() : program.error().message;
}

TEST(Parser, ParsesTheMlpExample)
{
  auto program =
    parse_ok("# a comment\n"
             "def mlp(x: f32[B, 784], w1: f32[784, 256], b1: f32[256], w2: f32[256, 10]):\n"
             "    h = relu(x @ w1 + b1)\n"
             "    return h @ w2\n"
             "\n"
             "run mlp(x=f32[32, 784], w1=f32[784, 256], b1=f32[256], w2=f32[256, 10]) repeat 10\n");
  ASSERT_EQ(program.functions.size(), 1u);
  const auto& graph = program.functions[0];
  EXPECT_EQ(graph.name, "mlp");
  EXPECT_EQ(graph.parameters.size(), 4u);
  ASSERT_EQ(graph.outputs.size(), 1u);
  EXPECT_EQ(to_string(graph.type(graph.outputs[0])), "f32[B, 10]");
  ASSERT_EQ(program.runs.size(), 1u);
  EXPECT_EQ(program.runs[0].repeat, 10u);
  EXPECT_EQ(to_string(program.runs[0].inputs[0]), "f32[32, 784]");
}

TEST(Parser, EveryExampleParsesAndPrintsBackToTheSameGraph)
{
  const auto examples = files_with_extension(k_source_dir / "examples", ".jc");
  ASSERT_GE(examples.size(), 7u);
  for (const auto& path : examples) {
    auto program = load_program(path);
    ASSERT_TRUE(program) << program.error().message;
    ASSERT_FALSE(program->runs.empty()) << path;
    for (const auto& graph : program->functions) {
      const auto printed = print_graph(graph);
      auto reparsed = parse_program(SourceText{"printed.jc", printed});
      ASSERT_TRUE(reparsed) << reparsed.error().message << "\n" << printed;
      ASSERT_EQ(reparsed->functions.size(), 1u);
      EXPECT_EQ(print_graph(reparsed->functions[0], {true}), print_graph(graph, {true}))
        << path << " " << graph.name;
    }
  }
}

TEST(Parser, OperatorsFollowPythonPrecedence)
{
  auto program = parse_ok("def f(a: f32[2], b: f32[2], c: f32[2]):\n"
                          "    return a + b * c, (a + b) * c, -a * b, a - b - c, a < b + c\n");
  const auto text = print_graph(program.functions[0], {true});
  EXPECT_NE(text.find("v3 = p1 * p2\n    v4 = p0 + v3"), std::string::npos) << text;
  EXPECT_NE(text.find("v5 = p0 + p1\n    v6 = v5 * p2"), std::string::npos) << text;
  EXPECT_NE(text.find("v7 = -p0\n    v8 = v7 * p1"), std::string::npos) << text;
  EXPECT_NE(text.find("v9 = p0 - p1\n    v10 = v9 - p2"), std::string::npos) << text;
  EXPECT_EQ(program.functions[0].type(program.functions[0].outputs[4]).dtype, DType::boolean);
}

TEST(Parser, LiteralsTakeTheDtypeOfTheOtherOperand)
{
  auto program = parse_ok("def f(x: f64[2], n: i64[2]):\n"
                          "    return x * 2, n + 3, cast(1.5, f64)\n");
  const auto& graph = program.functions[0];
  EXPECT_EQ(graph.type(graph.outputs[0]).dtype, DType::f64);
  EXPECT_EQ(graph.type(graph.outputs[1]).dtype, DType::i64);
  EXPECT_EQ(graph.node(graph.outputs[2]).op, Op::constant);
  EXPECT_EQ(graph.type(graph.outputs[2]).dtype, DType::f64);
}

TEST(Parser, InfinityAndNaNAreFloatConstantsThatPrintBack)
{
  auto program = parse_ok("def f(x: f32[4], y: f64[4]):\n"
                          "    return where(x > 0.0, x, -inf), y + inf, where(x == x, x, -nan), "
                          "cast(-inf, f64)\n");
  const auto& graph = program.functions[0];
  EXPECT_EQ(graph.type(graph.outputs[1]).dtype, DType::f64);
  const auto& constant = graph.node(graph.outputs[3]);
  EXPECT_EQ(constant.op, Op::constant);
  EXPECT_EQ(constant.value, -std::numeric_limits<double>::infinity());
  const auto printed = print_graph(graph);
  EXPECT_NE(printed.find("-inf"), std::string::npos) << printed;
  EXPECT_TRUE(std::isnan(graph.node(graph.node(graph.outputs[2]).inputs[2]).value));
  EXPECT_NE(printed.find(", nan)"), std::string::npos) << printed; // one NaN, unsigned
  auto reparsed = parse_program(SourceText{"printed.jc", printed});
  ASSERT_TRUE(reparsed) << reparsed.error().message << "\n" << printed;
  EXPECT_EQ(print_graph(reparsed->functions[0], {true}), print_graph(graph, {true}));

  EXPECT_NE(parse_error("def f(n: i32[4]):\n    return n + inf\n")
              .find("this literal cannot be used with an operand of dtype i32"),
            std::string::npos);
  EXPECT_NE(parse_error("def f(n: i64[4]):\n    return n + cast(-inf, i64)\n")
              .find("the constant -inf does not fit dtype i64"),
            std::string::npos);
  EXPECT_NE(parse_error("def f(x: f32[4]):\n    return x * 1e39\n")
              .find("the constant 1e+39 does not fit dtype f32"),
            std::string::npos);
}

TEST(Parser, ConstantsCannotBeDefinedAsNames)
{
  // A parameter named true used to be accepted, and every use of it read the literal.
  const std::pair<std::string, std::string> cases[] = {
    {"def f(inf: f32[4]):\n    return inf\n", "1:7: error: 'inf'"},
    {"def f(true: f32[4]):\n    return true\n", "1:7: error: 'true'"},
    {"def f(x: f32[4]):\n    y, false = x, x\n    return y\n", "2:8: error: 'false'"},
    {"def f(x: f32[4]):\n    nan = x\n    return nan\n", "2:5: error: 'nan'"},
    {"def inf(x: f32[4]):\n    return x\n", "1:5: error: 'inf'"},
  };
  for (const auto& [text, where] : cases) {
    EXPECT_NE(parse_error(text).find("test.jc:" + where + " is a constant and cannot be a name"),
              std::string::npos)
      << text;
  }
}

TEST(Parser, CallsToDefsAreInlinedWithTheirSymbolsBound)
{
  auto program = parse_ok("def layer(x: f32[B, N], w: f32[N, M]):\n"
                          "    return relu(x @ w)\n"
                          "def net(x: f32[B, 8], w1: f32[8, 16], w2: f32[16, 4]):\n"
                          "    return layer(layer(x, w1), w2)\n");
  const auto* net = program.find("net");
  ASSERT_NE(net, nullptr);
  EXPECT_EQ(to_string(net->type(net->outputs[0])), "f32[B, 4]");
  size_t matmuls = 0;
  for (const auto& node : net->nodes) {
    matmuls += node.op == Op::matmul ? 1 : 0;
  }
  EXPECT_EQ(matmuls, 2u);
}

TEST(Parser, MultipleReturnValuesAndTupleAssignment)
{
  auto program = parse_ok("def pair(x: f32[3]):\n"
                          "    return x + 1, x * 2\n"
                          "def f(x: f32[3]):\n"
                          "    a, b = pair(x)\n"
                          "    return b - a\n");
  EXPECT_EQ(program.find("pair")->outputs.size(), 2u);
  EXPECT_EQ(program.find("f")->outputs.size(), 1u);
}

TEST(Parser, SoftmaxAndLayernormDecomposeIntoTheirPrimitiveDefinitions)
{
  // Each composite is the graph of its definition (docs/language.md) written out by hand:
  // the canonical print erases names, so equal prints are equal graphs.
  auto composite = parse_ok("def f(x: f32[4, 8]):\n"
                            "    return softmax(x, axis=1), layernorm(x, axis=-1, eps=1e-6)\n");
  auto by_hand = parse_ok("def f(x: f32[4, 8]):\n"
                          "    peak = max(x, axis=1, keepdim=true)\n"
                          "    e = exp(x - peak)\n"
                          "    centered = x - mean(x, axis=1, keepdim=true)\n"
                          "    variance = mean(centered * centered, axis=1, keepdim=true)\n"
                          "    return e / sum(e, axis=1, keepdim=true), "
                          "centered * rsqrt(variance + 1e-6)\n");
  ASSERT_EQ(composite.functions.size(), 1u);
  EXPECT_EQ(print_graph(composite.functions[0], PrintOptions{true}),
            print_graph(by_hand.functions[0], PrintOptions{true}));

  // And their values, against the formulas computed here in double.
  Tensor x = Tensor::zeros(DType::f32, {4, 8});
  for (int64_t i = 0; i < 32; ++i) {
    x.data_as<float>()[i] = static_cast<float>(std::sin(0.7 * static_cast<double>(i)) * 3);
  }
  auto outputs = interpret(composite.functions[0], std::vector<Tensor>{x});
  ASSERT_TRUE(outputs) << outputs.error().message;
  for (int64_t row = 0; row < 4; ++row) {
    double peak = -INFINITY;
    double mean = 0;
    for (int64_t c = 0; c < 8; ++c) {
      peak = std::max(peak, x.flat(row * 8 + c));
      mean += x.flat(row * 8 + c) / 8;
    }
    double total = 0;
    double variance = 0;
    for (int64_t c = 0; c < 8; ++c) {
      total += std::exp(x.flat(row * 8 + c) - peak);
      variance += (x.flat(row * 8 + c) - mean) * (x.flat(row * 8 + c) - mean) / 8;
    }
    for (int64_t c = 0; c < 8; ++c) {
      const double value = x.flat(row * 8 + c);
      EXPECT_NEAR((*outputs)[0].flat(row * 8 + c), std::exp(value - peak) / total, 1e-6);
      EXPECT_NEAR((*outputs)[1].flat(row * 8 + c), (value - mean) / std::sqrt(variance + 1e-6),
                  1e-5);
    }
  }
}

TEST(Parser, ReshapeInfersOneDimensionAndKeepsSymbols)
{
  auto program =
    parse_ok("def f(x: f32[B, 4, 6]):\n"
             "    return reshape(x, [B, -1]), reshape(x, [B, 2, 12]), transpose(x, [2, 0, 1])\n");
  const auto& graph = program.functions[0];
  EXPECT_EQ(to_string(graph.type(graph.outputs[0]).shape), "[B, 24]");
  EXPECT_EQ(to_string(graph.type(graph.outputs[1]).shape), "[B, 2, 12]");
  EXPECT_EQ(to_string(graph.type(graph.outputs[2]).shape), "[6, B, 4]");
}

// Files as editors on other systems write them: a byte order mark, CRLF line ends, a line
// joined to the next by a backslash (whose line still counts in later errors).
TEST(Parser, ReadsByteOrderMarksCrlfAndBackslashContinuations)
{
  const auto plain = parse_ok("def f(x: f32[4]):\n    y = x * 2.0 + x\n    return y\n");
  const auto other =
    parse_ok("\xEF\xBB\xBF"
             "def f(x: f32[4]):\r\n    y = x * 2.0 \\\r\n        + x\r\n    return y\r\n");
  EXPECT_EQ(print_graph(other.functions[0]), print_graph(plain.functions[0]));
  EXPECT_EQ(parse_error("\xEF\xBB\xBF"
                        "def f(x: f32[4]):\n    y = x \\\n      * 2.0\n    return z\n")
              .substr(0, 37),
            "test.jc:4:12: error: unknown name 'z'");
}

TEST(Parser, ABodyIndentsWithTabsOrSpacesButOneWayThroughout)
{
  const auto spaces = parse_ok("def f(x: f32[4]):\n    y = x * 2.0\n    return y\n");
  const auto tabs = parse_ok("def f(x: f32[4]):\n\ty = x * 2.0\n\treturn y\n");
  EXPECT_EQ(print_graph(tabs.functions[0]), print_graph(spaces.functions[0]));
  // One tab against one space has the same column, and is still two ways of indenting.
  EXPECT_NE(parse_error("def f(x: f32[4]):\n\ty = x * 2.0\n return y\n")
              .find("test.jc:3:2: error: inconsistent use of tabs and spaces in indentation: a "
                    "space here, a tab on the body's first line (line 2)"),
            std::string::npos);
  EXPECT_NE(parse_error("def f(x: f32[4]):\n\ty = x * 2.0\n\t\treturn y\n")
              .find("inconsistent indentation: 2 tabs here, a tab on the body's first line"),
            std::string::npos);
  // Lines that both mix the two are described run by run, so the message shows how they differ.
  EXPECT_NE(parse_error("def f(x: f32[4]):\n\t  y = x * 2.0\n  \treturn y\n")
              .find("inconsistent use of tabs and spaces in indentation: 2 spaces and a tab here, "
                    "a tab and 2 spaces on the body's first line (line 2)"),
            std::string::npos);
  EXPECT_NE(parse_error("def f(x: f32[4]):\n\t  y = x * 2.0\n\t \t return y\n")
              .find("a tab, a space, a tab and a space here, a tab and 2 spaces on"),
            std::string::npos);
}

TEST(Parser, ErrorsNameTheFileLineAndColumnWithACaret)
{
  const auto message = parse_error("def f(x: f32[4]):\n    return x + y\n");
  EXPECT_EQ(message, "test.jc:2:16: error: unknown name 'y'\n        return x + y\n"
                     "                   ^");
}

// Each tests/golden/jit_errors/NAME.jc must fail to parse with exactly NAME.err's message.
TEST(Parser, GoldenErrorMessages)
{
  const auto dir = k_source_dir / "tests" / "golden" / "jit_errors";
  const auto programs = files_with_extension(dir, ".jc");
  ASSERT_GE(programs.size(), 15u);
  for (const auto& path : programs) {
    auto program = parse_program(SourceText{path.filename().string(), read_text(path)});
    ASSERT_FALSE(program) << path << " parsed, but it should not";
    auto expected = read_text(std::filesystem::path(path).replace_extension(".err"));
    while (!expected.empty() && expected.back() == '\n') {
      expected.pop_back();
    }
    EXPECT_EQ(program.error().message, expected) << path;
  }
}

// Parsing and lowering recurse as deep as an expression nests: past a limit a program gets an
// error naming the place, not a stack overflow, however it nests (parentheses, long chains of
// operators, minus signs, calls, defs calling defs).
TEST(Parser, ExpressionsNestedTooDeepAreErrorsNotCrashes)
{
  const auto program = [](const std::string& body, const std::string& defs = "") {
    return defs + "def f(x: f32[4]):\n    return " + body + "\n";
  };
  const auto repeat = [](const std::string& text, int times) {
    std::string out;
    for (int i = 0; i < times; ++i) {
      out += text;
    }
    return out;
  };
  for (int n : {999, 100'000}) {
    const bool deep = n > 1000;
    for (const auto& text :
         {program(repeat("(", n) + "x" + repeat(")", n)), program("x" + repeat(" + x", n)),
          program(repeat("-", n) + "x"), program(repeat("relu(", n) + "x" + repeat(")", n))}) {
      auto parsed = parse_program(SourceText{"test.jc", text});
      EXPECT_EQ(!parsed, deep) << text.substr(0, 60);
      if (!parsed) {
        EXPECT_TRUE(parsed.error().message.starts_with("test.jc:2:"));
        EXPECT_NE(parsed.error().message.find("more than 1000 operations deep (nested or chained)"),
                  std::string::npos)
          << parsed.error().message.substr(0, 200);
      }
    }
  }
  std::string chain = "def g0(x: f32[4]):\n    return x\n";
  for (int i = 1; i < 3000; ++i) {
    chain += "def g" + std::to_string(i) + "(x: f32[4]):\n    return g" + std::to_string(i - 1) +
             "(x) * 2.0\n";
  }
  const auto message = parse_error(chain);
  EXPECT_NE(message.find("more than 2000 operations deep once the defs they call are inlined"),
            std::string::npos)
    << message;
}

TEST(Parser, RunLinesAreCheckedAgainstTheSignature)
{
  EXPECT_NE(parse_error("def f(x: f32[B]):\n    return x\nrun f(x=f32[B])\n").find("needs sizes"),
            std::string::npos);
  EXPECT_NE(parse_error("def f(x: f32[4]):\n    return x\nrun f()\n").find("missing argument 'x'"),
            std::string::npos);
  EXPECT_NE(parse_error("def f(x: f32[4]):\n    return x\nrun f(x=f32[5])\n")
              .find("dimension 0 should be 4"),
            std::string::npos);
  EXPECT_NE(
    parse_error("def f(x: f32[4]):\n    return x\nrun g(x=f32[4])\n").find("unknown function 'g'"),
    std::string::npos);
}

TEST(Parser, ReshapeInfersWhatTheOtherDimensionsLeave)
{
  // -1 stands for the element count divided by the other dimensions, when they divide it as
  // expressions: here 4*B, a derived dimension.
  auto program = parse_ok("def f(x: f32[B, 4, 6]):\n    return reshape(x, [-1, 6])\n");
  ASSERT_EQ(program.functions.size(), 1u);
  const Graph& graph = program.functions[0];
  EXPECT_EQ(graph.type(graph.outputs[0]).shape, (Shape{Dim::named("4*B"), Dim::of(6)}));
  // ... and not when they would only divide it for some sizes of B.
  EXPECT_NE(parse_error("def f(x: f32[B, 4, 6]):\n    return reshape(x, [-1, 5])\n")
              .find("the -1 dimension cannot be inferred"),
            std::string::npos);
}

TEST(Parser, DimensionsAreExpressionsOfSignatureSymbols)
{
  auto program = parse_ok("def f(y: f32[A, B, C], z: f32[A * B + 1]):\n"
                          "    flat = reshape(y, [C, A * B])\n"
                          "    return flat, broadcast_to(z, [C, B * A + 1]), "
                          "reshape(y, [(A * B * C) // C, C])\n");
  const Graph& graph = program.functions[0];
  // Written in any order and spacing, an expression is one canonical dimension.
  EXPECT_EQ(graph.type(graph.parameters[1]).shape, (Shape{Dim::named("A*B+1")}));
  EXPECT_EQ(graph.type(graph.outputs[0]).shape, (Shape{Dim::named("C"), Dim::named("A*B")}));
  EXPECT_EQ(graph.type(graph.outputs[1]).shape, (Shape{Dim::named("C"), Dim::named("A*B+1")}));
  EXPECT_EQ(graph.type(graph.outputs[2]).shape, (Shape{Dim::named("A*B"), Dim::named("C")}));
  EXPECT_EQ(graph.symbols(), (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_EQ(graph.derived_symbols(), (std::vector<std::string>{"A*B+1", "A*B"}));
  // Its printed form parses back to the same graph, canonical names and all.
  auto reparsed = parse_ok(print_graph(graph));
  EXPECT_EQ(print_graph(reparsed.functions[0], {true}), print_graph(graph, {true}));
  EXPECT_NE(print_graph(graph, {true}).find("[s2, s0*s1]"), std::string::npos)
    << print_graph(graph, {true});
  // A call binds the symbols, then computes the expressions.
  std::vector<TensorType> types = {TensorType{DType::f32, {Dim::of(2), Dim::of(3), Dim::of(4)}},
                                   TensorType{DType::f32, {Dim::of(7)}}};
  auto sizes = bind_arguments(graph, types);
  ASSERT_TRUE(sizes) << sizes.error().message;
  EXPECT_EQ(sizes->at("A*B"), 6);
  EXPECT_EQ(sizes->at("A*B+1"), 7);
  types[1].shape[0] = Dim::of(6);
  auto wrong = bind_arguments(graph, types);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().message, "argument 'z' of f: dimension 0 should be A*B+1 (7), got 6");
}

TEST(Parser, InlinedCallsCarryExpressionsIntoTheCaller)
{
  auto program = parse_ok("def split(x: f32[N]):\n"
                          "    return reshape(x, [N // 2, 2])\n"
                          "def pairs(x: f32[M], y: f32[2 * M]):\n"
                          "    return split(y) + reshape(x, [M, 1])\n");
  const Graph& pairs = *program.find("pairs");
  // split's N is 2*M here, so its N // 2 is M.
  EXPECT_EQ(pairs.type(pairs.outputs[0]).shape, (Shape{Dim::named("M"), Dim::of(2)}));
  EXPECT_NE(parse_error("def twice(x: f32[N], y: f32[2 * N]):\n    return y\n"
                        "def f(a: f32[K], b: f32[K]):\n    return twice(a, b)\n")
              .find("argument 'y' of twice: dimension 0 should be 2*N = 2*K, got K"),
            std::string::npos);
}

TEST(Parser, DimensionExpressionsGiveTheInterpreterTheirValues)
{
  auto program = parse_ok("def f(y: f32[A, B, C]):\n"
                          "    return reshape(y, [C, A * B]), reshape(y, [A * B * C // 2, 2])\n");
  Tensor y = Tensor::zeros(DType::f32, {2, 3, 4});
  for (int64_t i = 0; i < y.numel(); ++i) {
    y.data_as<float>()[i] = static_cast<float>(i);
  }
  auto outputs = interpret(program.functions[0], std::vector<Tensor>{y});
  ASSERT_TRUE(outputs) << outputs.error().message;
  EXPECT_EQ((*outputs)[0].sizes(), (std::vector<int64_t>{4, 6}));
  EXPECT_EQ((*outputs)[1].sizes(), (std::vector<int64_t>{12, 2}));
  for (int64_t i = 0; i < 24; ++i) {
    EXPECT_EQ((*outputs)[0].flat(i), static_cast<double>(i)); // a reshape keeps the order
    EXPECT_EQ((*outputs)[1].flat(i), static_cast<double>(i));
  }
  Tensor odd = Tensor::zeros(DType::f32, {1, 1, 3});
  auto refused = interpret(program.functions[0], std::vector<Tensor>{odd});
  ASSERT_FALSE(refused);
  EXPECT_EQ(
    refused.error().message,
    "(A*B*C)//2 does not divide evenly (3 is not a multiple of 2) when A = 1, B = 1, C = 3");
}

TEST(Parser, RecursionIsRejected)
{
  EXPECT_NE(parse_error("def f(x: f32[4]):\n    return f(x)\n").find("calls itself"),
            std::string::npos);
}

TEST(Parser, ParseCallReadsInputsLikeARunLine)
{
  auto program = parse_ok("def f(x: f32[B, 4]):\n    return x\n");
  auto call = parse_call(program, "f", {"x=f32[8, 4]"});
  ASSERT_TRUE(call) << call.error().message;
  EXPECT_EQ(to_string(call->inputs[0]), "f32[8, 4]");
  auto bad = parse_call(program, "f", {"x=f32[8, 5]"});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("--input:1:9:"), std::string::npos) << bad.error().message;
}

} // namespace
} // namespace jitcache::jit
