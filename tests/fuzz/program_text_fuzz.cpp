// libFuzzer target for the reference JIT's front end and for the launch-plan text that graph
// entries store. Any program text must parse and type-check or fail with an error that names
// a place in the file; never crash, hang or trip a sanitizer. What parses must print (plainly
// and canonically) to text that parses back to the same text, must plan into kernels whose
// C++ source can be generated, and its plan must read back from its own text form. Run lines
// whose values are all small run on the interpreter, which must give outputs of the types the
// graph declares.
#include "jit/codegen/codegen.hpp"
#include "jit/execute/interpreter.hpp"
#include "jit/ir/arguments.hpp"
#include "jit/ir/printer.hpp"
#include "jit/language/program.hpp"
#include "jit/plan/plan.hpp"
#include "jit/plan/planner.hpp"
#include "jit/runner/random_inputs.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace jitcache;
using namespace jitcache::jit;

namespace {

constexpr std::string_view k_file = "fuzz.jc";

// Prints `graph`, parses the text back and checks that it prints the same again.
void
check_round_trip(const Graph& graph, const PrintOptions& options)
{
  const std::string printed = print_graph(graph, options);
  auto again = parse_program(SourceText{"printed.jc", printed});
  if (!again || again->functions.size() != 1 ||
      print_graph(again->functions.front(), options) != printed) {
    std::abort();
  }
}

// Runs `line` on the interpreter when every value of its graph is small; checks the outputs'
// dtypes and sizes against the graph's.
void
check_interpreted(const Program& program, const RunLine& line)
{
  const Graph& graph = *program.find(line.function);
  auto sizes = bind_arguments(graph, line.inputs);
  if (!sizes) {
    std::abort(); // the parser checked the run line against the signature
  }
  for (const auto& node : graph.nodes) {
    const auto bytes = tensor_bytes(node.type.dtype, concrete_shape(node.type.shape, *sizes));
    if (!bytes || *bytes > 2048) {
      return;
    }
  }
  std::vector<Tensor> inputs;
  for (size_t i = 0; i < line.inputs.size(); ++i) {
    inputs.push_back(random_tensor(line.inputs[i], i));
  }
  auto outputs = interpret(graph, inputs);
  if (!outputs) {
    return; // an error, not a crash
  }
  if (outputs->size() != graph.outputs.size()) {
    std::abort();
  }
  for (size_t i = 0; i < outputs->size(); ++i) {
    const auto& type = graph.type(graph.outputs[i]);
    if ((*outputs)[i].dtype() != type.dtype ||
        (*outputs)[i].sizes() != concrete_shape(type.shape, *sizes)) {
      std::abort();
    }
  }
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)Plan::from_text(text, 4); // stored text: must fail cleanly, whatever it holds

  auto program = parse_program(SourceText{std::string(k_file), text});
  if (!program) {
    if (!program.error().message.starts_with(std::string(k_file) + ":")) {
      std::abort(); // every error names the file, line and column
    }
    return 0;
  }
  for (const auto& graph : program->functions) {
    check_round_trip(graph, PrintOptions{false});
    check_round_trip(graph, PrintOptions{true});
    const Plan plan = plan_graph(graph);
    for (const auto& spec : plan.kernels) {
      if (generate_kernel_source(spec, "kernel").empty()) {
        std::abort();
      }
    }
    auto reread = Plan::from_text(plan.to_text(), plan.kernels.size());
    if (!reread || reread->to_text() != plan.to_text()) {
      std::abort();
    }
  }
  for (const auto& line : program->runs) {
    check_interpreted(*program, line);
  }
  return 0;
}
