// ProgramRunner: runs a program's calls (its `run` lines, or one call given on the command
// line) as `jitcache run` does: through one Dispatcher per function (level 0, automatic
// dynamic shapes) and the Runtime; random inputs from a seed, each call repeated, optionally
// checked against the interpreter, with per-function statistics.
#pragma once

#include "jit/language/program.hpp"
#include "jit/runtime/dispatcher.hpp"
#include "jit/runtime/runtime.hpp"
#include <jitcache/jit/function_stats.hpp>

#include <optional>
#include <string>
#include <vector>

namespace jitcache::jit {

struct RunOptions {
  uint64_t seed = 0;
  bool check = false;
  std::optional<uint64_t> repeat; // overrides each call's repeat count
  DispatchOptions dispatch;       // strategy, recompile limits, dynamic shapes
};

struct FunctionReport {
  std::string name;
  FunctionStats stats;
  std::string check = "skipped"; // "pass", "fail" or "skipped"
  double max_abs_err = 0;
  double max_rel_err = 0;
  std::string check_detail;                   // the first mismatch when the check failed
  std::string degraded_reason;                // why it ran on the interpreter
  std::vector<std::string> outputs;           // "f32[32, 10] sum=..." of the last call's outputs
  std::vector<std::string> recompile_reasons; // the failing guard behind each recompile
};

struct RunReport {
  std::vector<FunctionReport> functions;
  FunctionStats totals;
  double wall_ms = 0;
  bool degraded = false;
  bool check_failed = false;
};

// `parse_ms` is how long reading the program took: part of the wall time, not of any
// function's (reading a program is not tracing it).
Expected<RunReport> run_program(const Program& program, const std::vector<RunLine>& calls,
                                Runtime& runtime, const RunOptions& options, double parse_ms);

} // namespace jitcache::jit
