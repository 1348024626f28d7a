#include "jit/program_runner.hpp"

#include "jit/compare.hpp"
#include "jit/interpreter.hpp"
#include "jit/random_inputs.hpp"

#include "util/clock.hpp"

#include <fmt/format.h>

#include <chrono>

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
  report.functions.push_back(FunctionReport{name, {}, "skipped", 0, 0, {}, {}, {}});
  return report.functions.back();
}

} // namespace

Expected<RunReport>
run_program(const Program& program, const std::vector<RunLine>& calls, Runtime& runtime,
            const RunOptions& options, double parse_ms)
{
  const auto wall_start = Clock::now();
  RunReport report;
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
    auto prepared = runtime.prepare(*graph, stats);
    if (!prepared.executable && function.degraded_reason.empty()) {
      function.degraded_reason = prepared.failure;
      stats.degraded = true;
    }
    const uint64_t repeat = options.repeat.value_or(call.repeat);
    if (repeat == 0) {
      continue; // prepared only
    }
    std::vector<Tensor> inputs;
    for (size_t i = 0; i < call.inputs.size(); ++i) {
      inputs.push_back(random_tensor(call.inputs[i], options.seed * 1000003 + c * 1009 + i));
    }
    std::vector<Tensor> outputs;
    for (uint64_t r = 0; r < repeat; ++r) {
      auto start = Clock::now();
      auto result =
        prepared.executable ? prepared.executable->run(inputs) : interpret(*graph, inputs);
      stats.execute_ms += util::elapsed_ms(start);
      if (!result) {
        return std::unexpected(result.error());
      }
      ++stats.calls;
      if (r > 0) {
        ++stats.memory_hits; // served by the specialization already compiled and loaded
      }
      outputs = std::move(*result);
    }
    if (options.check && prepared.executable && !outputs.empty()) {
      auto expected = interpret(*graph, inputs);
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
  for (const auto& function : report.functions) {
    report.totals.add(function.stats);
    report.degraded = report.degraded || function.stats.degraded;
    report.check_failed = report.check_failed || function.check == "fail";
  }
  report.wall_ms = util::elapsed_ms(wall_start) + parse_ms;
  return report;
}

} // namespace jitcache::jit
