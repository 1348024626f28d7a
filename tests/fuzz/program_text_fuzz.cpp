// libFuzzer target for the reference JIT's front end and for the launch-plan text that graph
// entries store. Any program text must parse and type-check or fail with an error that names
// a place in the file; never crash, hang or trip a sanitizer. What parses must print (plainly
// and canonically) to text that parses back to the same text, must plan into kernels whose
// C++ source can be generated, and its plan must read back from its own text form.
#include "jit/codegen.hpp"
#include "jit/plan.hpp"
#include "jit/planner.hpp"
#include "jit/printer.hpp"
#include "jit/program.hpp"

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
  return 0;
}
