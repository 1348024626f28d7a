#include "jit/runner/program_runner.hpp"

#include "jit/execute/interpreter.hpp"
#include "jit/execute/memory_check.hpp"
#include "jit/ir/arguments.hpp"
#include "jit/plan/planner.hpp"
#include "jit/runner/compare.hpp"
#include "jit/runner/random_inputs.hpp"
#include "jit/runtime/precompiled.hpp"
#include "jit/runtime/specialize.hpp"

#include "util/available_memory.hpp"
#include "util/clock.hpp"
#include "util/size.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>

namespace jitcache::jit {

namespace {

using Clock = std::chrono::steady_clock;

std::string
summarize(const Tensor& tensor)
{
  double sum = 0;
  for (int64_t i = 0; i < tensor.numel(); ++i) {
    sum += tensor.flat(i);
  }
  return fmt::format("{} sum={:.6g}", describe(tensor), sum);
}

FunctionReport&
report_for(RunReport& report, const std::string& name)
{
  for (auto& function : report.functions) {
    if (function.name == name) {
      return function;
    }
  }
  report.functions.push_back(FunctionReport{name, {}, "skipped", 0, 0, {}, {}, {}, {}});
  return report.functions.back();
}

// A call whose tensors could not be made: the message names the function and its inputs.
std::unexpected<Error>
call_failed(const Program& program, const RunLine& call, std::span<const TensorType> inputs,
            std::string_view why)
{
  std::vector<std::string> types;
  for (const auto& type : inputs) {
    types.push_back(to_string(type));
  }
  return make_error(ErrorCode::invalid_argument,
                    fmt::format("{}: calling {}({}) failed: {}", program.source.path, call.function,
                                fmt::join(types, ", "), why));
}

// The bytes a tensor of this type takes; empty past 2^63, which making it reports.
std::optional<uint64_t>
bytes_of(const TensorType& type)
{
  std::vector<int64_t> sizes;
  for (const auto& dim : type.shape) {
    sizes.push_back(dim.size);
  }
  const auto bytes = tensor_bytes(type.dtype, sizes);
  return bytes ? std::optional<uint64_t>(static_cast<uint64_t>(*bytes)) : std::nullopt;
}

// How a call will compute its values, which decides what it allocates.
enum class Engine { compiled, interpreter, compiled_and_checked };

// The bytes the values a call computes take at their peak, in a graph specialized to the call
// (every size static, and every value under 2^63 bytes: specialize_graph checks). The
// interpreter keeps every value until the end. Compiled code allocates one buffer per kernel
// output (plan_graph's plan, the one the call will compile) and frees all but the outputs at
// its end; --check then runs the interpreter beside those outputs.
uint64_t
peak_bytes(const Graph& graph, Engine engine)
{
  const SymbolSizes no_symbols;
  CallAllocation interpreter(no_symbols);
  interpreter.add_values(graph);
  if (engine == Engine::interpreter) {
    return interpreter.bytes();
  }
  const Plan plan = plan_graph(graph);
  CallAllocation buffers(no_symbols);
  buffers.add_buffers(plan);
  if (engine == Engine::compiled) {
    return buffers.bytes();
  }
  CallAllocation outputs(no_symbols);
  for (const uint32_t id : std::set<uint32_t>(plan.outputs.begin(), plan.outputs.end())) {
    const auto& buffer = plan.buffers[id];
    if (buffer.parameter < 0) {
      outputs.add_value(buffer.dtype, buffer.shape);
    }
  }
  return std::max(buffers.bytes(), util::saturating_add(outputs.bytes(), interpreter.bytes()));
}

// Why a call cannot run, if its inputs and the values it computes (peak_bytes) take more
// memory than the machine (or the process's cgroup) can still give. Linux grants such
// allocations anyway, and once they are filled its OOM killer ends the process without a word.
// Planning costs more than summing every value, so it is done only when that sum, the most any
// engine allocates, does not fit.
std::optional<std::string>
call_that_cannot_fit(const Graph& graph, std::span<const TensorType> types, Engine engine)
{
  uint64_t inputs = 0;
  for (const auto& type : types) {
    const auto bytes = bytes_of(type);
    if (!bytes) {
      return std::nullopt; // making the tensor reports it
    }
    inputs = util::saturating_add(inputs, *bytes);
  }
  std::vector<std::vector<int64_t>> shapes;
  std::vector<ArgView> views;
  arg_views_of(types, shapes, views);
  const auto specialized = specialize_graph(graph, views, {});
  if (!specialized) {
    return std::nullopt; // the call reports it
  }
  const auto available = util::available_memory();
  if (!available) {
    return std::nullopt;
  }
  const uint64_t most = peak_bytes(*specialized, Engine::interpreter);
  const uint64_t bound =
    engine == Engine::compiled_and_checked ? util::saturating_add(most, most) : most;
  if (util::saturating_add(inputs, bound) <= *available) {
    return std::nullopt;
  }
  const uint64_t computed = engine == Engine::interpreter ? most : peak_bytes(*specialized, engine);
  const uint64_t needed = util::saturating_add(inputs, computed);
  if (needed <= *available) {
    return std::nullopt;
  }
  return fmt::format("out of memory: its inputs take {} and the values it computes {} at their "
                     "peak, and {} is available",
                     util::format_size(inputs), util::format_size(needed - inputs),
                     util::format_size(*available));
}

// The function's identity for precompiled variants (precompiled.hpp), which matter only when
// they are made for a recorder or installed from a bundle: else none, which costs nothing.
std::string
identity_for_precompiled(const Runtime& runtime, const Graph& graph)
{
  const bool used = runtime.recorder() != nullptr || runtime.precompiled_generation() > 0;
  return used ? program_function_identity(graph) : std::string();
}

} // namespace

Expected<RunReport>
run_program(const Program& program, const std::vector<RunLine>& calls, Runtime& runtime,
            const RunOptions& options, double parse_ms)
{
  const auto wall_start = Clock::now();
  RunReport report;
  std::map<std::string, std::unique_ptr<Dispatcher>, std::less<>> dispatchers;
  for (size_t c = 0; c < calls.size(); ++c) {
    const auto& call = calls[c];
    const Graph* graph = program.find(call.function);
    if (!graph) {
      return make_error(
        ErrorCode::invalid_argument,
        fmt::format("{}: no function named '{}'", program.source.path, call.function));
    }
    auto& function = report_for(report, call.function);
    auto& stats = function.stats;
    auto& dispatcher = dispatchers[call.function];
    if (!dispatcher) {
      dispatcher =
        std::make_unique<Dispatcher>(call.function, runtime, options.dispatch,
                                     /*traced=*/false, identity_for_precompiled(runtime, *graph));
    }
    const Dispatcher::BuildGraph build = [graph](std::span<const ArgView> args,
                                                 const dispatch::DynamicDims& dynamic) {
      return specialize_graph(*graph, args, dynamic);
    };
    const Dispatcher::RunEager eager = [graph](std::span<const Tensor> inputs) {
      return interpret(*graph, inputs);
    };
    const uint64_t repeat = options.repeat.value_or(call.repeat);
    const auto sizes = call.calls();
    for (size_t k = 0; k < sizes.size(); ++k) {
      const auto& types = sizes[k];
      if (repeat == 0) {
        // Prepared only: no tensors are made.
        std::vector<std::vector<int64_t>> shapes;
        std::vector<ArgView> views;
        arg_views_of(types, shapes, views);
        auto prepared = dispatcher->prepare(views, build, stats);
        if (!prepared) {
          return std::unexpected(prepared.error());
        }
        continue;
      }
      // A degraded function runs on the interpreter, which --check then does not run again.
      const Engine engine = stats.degraded  ? Engine::interpreter
                            : options.check ? Engine::compiled_and_checked
                                            : Engine::compiled;
      if (auto why = call_that_cannot_fit(*graph, types, engine)) {
        return call_failed(program, call, types, *why);
      }
      std::vector<Tensor> inputs;
      std::vector<Tensor> outputs;
      Expected<std::vector<Tensor>> expected;
      try {
        for (size_t i = 0; i < types.size(); ++i) {
          inputs.push_back(random_tensor(types[i], options.seed * 1000003 + c * 1009 + k * 7 + i));
        }
        for (uint64_t r = 0; r < repeat; ++r) {
          auto result = dispatcher->call(inputs, build, eager, stats);
          if (!result) {
            return std::unexpected(result.error());
          }
          outputs = std::move(*result);
        }
        if (options.check && !stats.degraded && !outputs.empty()) {
          expected = interpret(*graph, inputs);
        }
      } catch (const std::length_error& e) { // a tensor int64 cannot index
        return call_failed(program, call, types, e.what());
      } catch (const std::bad_alloc&) {
        return call_failed(program, call, types, "out of memory");
      }
      if (options.check && !stats.degraded && !outputs.empty()) {
        if (!expected) {
          return std::unexpected(expected.error());
        }
        const auto comparison = compare_outputs(outputs, *expected);
        function.max_abs_err = std::max(function.max_abs_err, comparison.max_abs_err);
        function.max_rel_err = std::max(function.max_rel_err, comparison.max_rel_err);
        if (!comparison.passed) {
          function.check = "fail";
          function.check_detail = comparison.first_mismatch;
        } else if (function.check != "fail") {
          function.check = "pass";
        }
      }
      function.outputs.clear();
      for (const auto& output : outputs) {
        function.outputs.push_back(summarize(output));
      }
    }
  }
  for (auto& function : report.functions) {
    if (auto found = dispatchers.find(function.name); found != dispatchers.end()) {
      function.recompile_reasons = found->second->recompile_reasons();
      function.degraded_reason = found->second->compile_failure();
    }
    report.totals.add(function.stats);
    report.degraded = report.degraded || function.stats.degraded;
    report.check_failed = report.check_failed || function.check == "fail";
  }
  report.wall_ms = util::elapsed_ms(wall_start) + parse_ms;
  return report;
}

} // namespace jitcache::jit
