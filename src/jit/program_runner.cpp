#include "jit/program_runner.hpp"

#include "jit/compare.hpp"
#include "jit/interpreter.hpp"
#include "jit/random_inputs.hpp"
#include "jit/specialize.hpp"

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

uint64_t
saturating_add(uint64_t a, uint64_t b)
{
  uint64_t sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? UINT64_MAX : sum;
}

// Why a call cannot run, if the tensors that must exist together at its end (its inputs and
// outputs, and the interpreter's outputs under --check) take more memory than the machine (or
// the process's cgroup) can still give. Linux grants such allocations anyway, and once they
// are filled its OOM killer ends the process without a word. Values in between are not
// counted, nor outputs that are inputs: the call may still not fit.
std::optional<std::string>
call_that_cannot_fit(const Graph& graph, std::span<const TensorType> types, bool check)
{
  uint64_t needed = 0;
  for (const auto& type : types) {
    const auto bytes = bytes_of(type);
    if (!bytes) {
      return std::nullopt; // making the tensor reports it
    }
    needed = saturating_add(needed, *bytes);
  }
  std::vector<std::vector<int64_t>> shapes;
  std::vector<ArgView> views;
  arg_views_of(types, shapes, views);
  const auto specialized = specialize_graph(graph, views, {});
  if (!specialized) {
    return std::nullopt; // the call reports it
  }
  std::set<ValueId> outputs(specialized->outputs.begin(), specialized->outputs.end());
  for (const ValueId parameter : specialized->parameters) {
    outputs.erase(parameter);
  }
  for (const ValueId output : outputs) {
    const auto bytes = bytes_of(specialized->type(output));
    if (!bytes) {
      return std::nullopt;
    }
    needed = saturating_add(needed, check ? saturating_add(*bytes, *bytes) : *bytes);
  }
  const auto available = util::available_memory();
  if (!available || needed <= *available) {
    return std::nullopt;
  }
  return fmt::format("out of memory: its inputs and outputs take {}, and {} is available",
                     util::format_size(needed), util::format_size(*available));
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
    if (stats.traces == 0) {
      stats.traces = 1;
      stats.trace_ms +=
        parse_ms / static_cast<double>(std::max<size_t>(program.functions.size(), 1));
    }
    auto& dispatcher = dispatchers[call.function];
    if (!dispatcher) {
      dispatcher =
        std::make_unique<Dispatcher>(call.function, runtime, options.dispatch, /*traced=*/false);
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
      if (auto why = call_that_cannot_fit(*graph, types, options.check)) {
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
