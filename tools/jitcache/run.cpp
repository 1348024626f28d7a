// jitcache run FILE [--function NAME] [--input NAME=TYPE]... [--repeat N] [--seed S] [--check]
//                   [--no-cache] [--json] [--bundle FILE]
// Compiles and runs a tensor program of the reference JIT through the cache. Exit codes:
// 0 ran compiled; 1 the program is malformed or --check failed; 2 usage; 3 ran, but at least
// one function fell back to the interpreter because its kernels could not be compiled.
#include "cli.hpp"

#include "jit/artifacts/bundles.hpp"
#include "jit/runner/program_runner.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <ranges>
#include <string_view>

namespace jitcache::cli {

namespace {

constexpr int k_exit_degraded = 3;

struct RunCommandOptions {
  std::string file;
  std::string function;
  std::vector<std::string> inputs;
  std::optional<uint64_t> repeat;
  uint64_t seed = 0;
  bool check = false;
  bool no_cache = false;
  bool json = false;
  std::string bundle;
};

nlohmann::json
stats_json(const jit::FunctionStats& s)
{
  return {{"calls", s.calls},
          {"traces", s.traces},
          {"compiles", s.compiles},
          {"memory_hits", s.memory_hits},
          {"local_hits", s.local_hits},
          {"remote_hits", s.remote_hits},
          {"bundle_hits", s.bundle_hits},
          {"misses", s.misses},
          {"bypasses", s.bypasses}};
}

void
print_json_report(const jit::RunReport& report)
{
  nlohmann::json functions = nlohmann::json::array();
  for (const auto& function : report.functions) {
    auto item = stats_json(function.stats);
    item["name"] = function.name;
    item["check"] = function.check;
    const bool checked = function.check != "skipped";
    item["max_abs_err"] = checked ? nlohmann::json(function.max_abs_err) : nlohmann::json();
    item["max_rel_err"] = checked ? nlohmann::json(function.max_rel_err) : nlohmann::json();
    functions.push_back(std::move(item));
  }
  nlohmann::json recompiles = nlohmann::json::array();
  for (const auto& function : report.functions) {
    for (const auto& reason : function.recompile_reasons) {
      recompiles.push_back({{"function", function.name}, {"reason", reason}});
    }
  }
  auto totals = stats_json(report.totals);
  totals["wall_ms"] = report.wall_ms;
  totals["compile_ms"] = report.totals.compile_ms;
  print_json({{"functions", std::move(functions)},
              {"recompiles", std::move(recompiles)},
              {"totals", std::move(totals)}});
}

void
print_text_report(const std::string& file, const jit::RunReport& report)
{
  const auto& t = report.totals;
  fmt::print("{}: {} function{}, {} call{} in {:.1f} ms; {} kernel{} compiled\n", file,
             report.functions.size(), report.functions.size() == 1 ? "" : "s", t.calls,
             t.calls == 1 ? "" : "s", report.wall_ms, t.compiles, t.compiles == 1 ? "" : "s");
  fmt::print("{:<24} {:>6} {:>6} {:>8} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}  {}\n", "function",
             "calls", "traces", "compiles", "memory", "local", "remote", "bundle", "misses",
             "bypass", "check");
  for (const auto& function : report.functions) {
    const auto& s = function.stats;
    std::string check = function.check;
    if (function.check != "skipped") {
      check += fmt::format(" (max abs err {:.3g}, rel {:.3g})", function.max_abs_err,
                           function.max_rel_err);
    }
    fmt::print("{:<24} {:>6} {:>6} {:>8} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}  {}\n", function.name,
               s.calls, s.traces, s.compiles, s.memory_hits, s.local_hits, s.remote_hits,
               s.bundle_hits, s.misses, s.bypasses, check);
    fmt::print("  time: trace {:.2f} ms, key {:.2f} ms, lookup {:.2f} ms, compile {:.1f} ms, "
               "load {:.2f} ms, execute {:.2f} ms\n",
               s.trace_ms, s.key_ms, s.lookup_ms, s.compile_ms, s.load_ms, s.execute_ms);
    if (!function.check_detail.empty()) {
      fmt::print("  first mismatch: {}\n", function.check_detail);
    }
    if (!function.recompile_reasons.empty()) {
      fmt::print("  recompiled {} time{}:\n", function.recompile_reasons.size(),
                 function.recompile_reasons.size() == 1 ? "" : "s");
      for (const auto& reason : function.recompile_reasons) {
        fmt::print("    {}\n", reason);
      }
    }
    if (!function.degraded_reason.empty()) {
      fmt::print("  ran on the interpreter\n");
    }
    for (const auto& output : function.outputs) {
      fmt::print("  output {}\n", output);
    }
  }
}

// Loads `--bundle FILE` (a bundle that cannot be loaded fails the command, before anything
// runs), else the one the `bundle` setting names (one that cannot be loaded is an error
// message, and the run goes on without it).
void
load_bundle(jit::Runtime& runtime, const std::string& file)
{
  if (file.empty()) {
    (void)jit::load_configured_bundle(runtime);
    return;
  }
  if (runtime.store() == nullptr) {
    throw UsageError("--bundle needs the cache (it is off: --no-cache or disable)");
  }
  auto summary = jit::load_bundle_file(runtime, file, jit::Destination::process);
  if (!summary) {
    throw Failure(summary.error().message);
  }
}

int
run_run(const GlobalOptions& global, const RunCommandOptions& options)
{
  const auto parse_start = std::chrono::steady_clock::now();
  auto program = jit::load_program(options.file);
  if (!program) {
    throw Failure(program.error().message);
  }
  if (!options.function.empty() && program->find(options.function) == nullptr) {
    const auto names = program->functions | std::views::transform(&jit::Graph::name);
    throw UsageError(fmt::format("{} defines no function '{}' (it defines {})", options.file,
                                 options.function,
                                 names.empty() ? "none" : fmt::to_string(fmt::join(names, ", "))));
  }
  std::vector<jit::RunLine> calls;
  if (!options.inputs.empty()) {
    std::string function = options.function;
    if (function.empty()) {
      if (program->functions.size() != 1) {
        throw UsageError(fmt::format("{} defines {} functions: say which one --input is for with "
                                     "--function NAME",
                                     options.file, program->functions.size()));
      }
      function = program->functions.front().name;
    }
    auto call = jit::parse_call(*program, function, options.inputs);
    if (!call) {
      throw UsageError(call.error().message);
    }
    calls.push_back(std::move(*call));
  } else {
    for (const auto& line : program->runs) {
      if (options.function.empty() || line.function == options.function) {
        calls.push_back(line);
      }
    }
    if (calls.empty()) {
      throw UsageError(fmt::format("{} has no run line{}; give the call with --input NAME=TYPE",
                                   options.file,
                                   options.function.empty() ? "" : " for " + options.function));
    }
  }
  const double parse_ms =
    std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - parse_start)
      .count();

  jit::RuntimeOptions runtime_options;
  runtime_options.config = load_cli_config(global);
  runtime_options.use_cache = !options.no_cache;
  auto dispatch = jit::DispatchOptions::from(runtime_options.config);
  dispatch.warn_when_degraded = false; // reported below, with the diagnostics
  jit::Runtime runtime(std::move(runtime_options));
  load_bundle(runtime, options.bundle);
  jit::RunOptions run_options{options.seed, options.check, options.repeat, dispatch};
  auto report = jit::run_program(*program, calls, runtime, run_options, parse_ms);
  if (!report) {
    throw Failure(report.error().message);
  }
  for (const auto& function : report->functions) {
    if (!function.degraded_reason.empty()) {
      // The compiler's diagnostics end with their own line break.
      std::string_view reason = function.degraded_reason;
      reason = reason.substr(0, reason.find_last_not_of(" \t\r\n") + 1);
      fmt::print(stderr, "jitcache: {}: {}\njitcache: {} ran on the interpreter instead\n",
                 function.name, reason, function.name);
    }
  }
  if (options.json) {
    print_json_report(*report);
  } else {
    print_text_report(options.file, *report);
  }
  const int code = report->check_failed ? k_exit_problems
                   : report->degraded   ? k_exit_degraded
                                        : k_exit_ok;
  if (auto* store = runtime.store()) {
    // What the runtime's destructors would have done: the queued remote writes (at most
    // remote_flush_timeout) and the statistics.
    (void)store->flush();
  }
  end_process(code);
}

} // namespace

void
add_run_command(CLI::App& app, const GlobalOptions& global, Command& chosen)
{
  auto options = std::make_shared<RunCommandOptions>();
  auto* command = app.add_subcommand("run", "Compile and run a tensor program through the cache");
  command->add_option("file", options->file, "The program (.jc)")->required();
  command->add_option("--function", options->function,
                      "Run only this function's run lines, or call it with --input");
  command->add_option("--input", options->inputs,
                      "An input of the call, NAME=TYPE such as x=f32[32,784] (repeatable); "
                      "replaces the file's run lines");
  command->add_option("--repeat", options->repeat, "Calls per run line (overrides 'repeat N')")
    ->check(not_negative());
  command->add_option("--seed", options->seed, "Seed of the random inputs")
    ->default_val(0)
    ->check(not_negative());
  command->add_flag("--check", options->check,
                    "Compare compiled results with the interpreter; a mismatch exits 1");
  command->add_flag("--no-cache", options->no_cache, "Neither read nor write the persistent cache");
  command->add_flag("--json", options->json, "Print one JSON object (fields in docs/cli.md)");
  command->add_option("--bundle", options->bundle,
                      "Load this bundle first: its precompiled functions run without tracing");
  run_when_chosen(command, global, chosen, options, run_run);
}

} // namespace jitcache::cli
