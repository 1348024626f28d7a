// Timing whole processes for the start benchmarks: `jitcache run PROGRAM --repeat 0` (a start,
// everything before the first call) or any other command, one wall time per process.
#pragma once

#include "util/subprocess.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace jitcache::bench {

using Environment = std::map<std::string, std::optional<std::string>>;

// The example programs the start benchmarks run, by their argument: 0 transformer_block,
// 1 deep_mlp.
inline std::string
program_name(int64_t index)
{
  static const std::vector<std::string> programs = {"transformer_block", "deep_mlp"};
  return programs.at(static_cast<size_t>(index));
}

inline std::string
program_path(int64_t index)
{
  return std::string(JITCACHE_SOURCE_DIR) + "/examples/" + program_name(index) + ".jc";
}

struct TimedProcess {
  double seconds = -1; // negative: it failed, and `failure` says how
  std::string out;
  std::string failure;
};

// Runs a process once.
inline TimedProcess
run_timed(const std::vector<std::string>& argv, const Environment& env)
{
  util::ProcessOptions options;
  options.environment = env;
  options.environment["JITCACHE_LOG"] = "error";
  options.timeout = std::chrono::minutes(10);
  const auto start = std::chrono::steady_clock::now();
  auto result = util::run_process(argv, options);
  TimedProcess timed;
  const double seconds =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!result || result->exit_code != 0) {
    timed.failure = result ? result->stderr_text : result.error().message;
    return timed;
  }
  timed.seconds = seconds;
  timed.out = result->stdout_text;
  return timed;
}

// The command line of one start of `program` with `extra` arguments.
inline std::vector<std::string>
run_command(int64_t program, const std::vector<std::string>& extra)
{
  std::vector<std::string> argv = {JITCACHE_CLI_PATH, "run", program_path(program), "--repeat",
                                   "0"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

// Runs a process once; returns its wall time in seconds, or a negative value on failure.
inline double
timed_process(const std::vector<std::string>& argv, const Environment& env, std::string* failure)
{
  auto timed = run_timed(argv, env);
  *failure = timed.failure;
  return timed.seconds;
}

// Runs `jitcache run` once.
inline double
timed_run(const std::vector<std::string>& extra, const Environment& env, int64_t program,
          std::string* failure)
{
  return timed_process(run_command(program, extra), env, failure);
}

// Reports one iteration's time, or the failure that ends the benchmark.
inline void
report(benchmark::State& state, double seconds, const std::string& failure)
{
  if (seconds < 0) {
    state.SkipWithError(failure.c_str());
    return;
  }
  state.SetIterationTime(seconds);
}

// The median of `values`; REQUIRES: not empty.
inline double
median_of(std::vector<double> values)
{
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  return *middle;
}

// A start, given the iteration's number; returns its wall time in seconds or, on failure, a
// negative value and says why in its argument.
using TimedStart = std::function<double(int round, std::string* failure)>;

// Measures a small difference between two kinds of start, which groups of runs measured one
// after the other cannot: the machine's speed drifts between groups by more than the
// difference. Each iteration runs one start of each kind, in alternating order, and reports
// the `measured` one's time; the counters give each kind's median (baseline_ms, measured_ms)
// and the median of the per-iteration ratios measured / baseline (ratio).
inline void
measure_paired_starts(benchmark::State& state, const TimedStart& baseline,
                      const TimedStart& measured)
{
  std::vector<double> baseline_times;
  std::vector<double> measured_times;
  std::vector<double> ratios;
  std::string failure;
  int round = 0;
  for (auto _ : state) {
    double base = 0;
    double timed = 0;
    if (round % 2 == 0) {
      base = baseline(round, &failure);
      timed = base < 0 ? base : measured(round, &failure);
    } else {
      timed = measured(round, &failure);
      base = timed < 0 ? timed : baseline(round, &failure);
    }
    ++round;
    if (base < 0 || timed < 0) {
      state.SkipWithError(failure.c_str());
      return;
    }
    state.SetIterationTime(timed);
    baseline_times.push_back(base);
    measured_times.push_back(timed);
    ratios.push_back(timed / base);
  }
  if (!ratios.empty()) {
    state.counters["baseline_ms"] = median_of(baseline_times) * 1e3;
    state.counters["measured_ms"] = median_of(measured_times) * 1e3;
    state.counters["ratio"] = median_of(ratios);
  }
}

// One cold start per iteration, each with a new, empty cache directory under `scratch`.
inline void
measure_cold_starts(benchmark::State& state, const std::filesystem::path& scratch)
{
  int round = 0;
  std::string failure;
  for (auto _ : state) {
    const auto cache = scratch / std::to_string(round++);
    report(state, timed_run({"--cache-dir", cache.string()}, {}, state.range(0), &failure),
           failure);
  }
}

// One warm start per iteration from `cache`, which one start fills first.
inline void
measure_warm_starts(benchmark::State& state, const std::filesystem::path& cache)
{
  std::string failure;
  if (timed_run({"--cache-dir", cache.string()}, {}, state.range(0), &failure) < 0) {
    state.SkipWithError(failure.c_str());
    return;
  }
  for (auto _ : state) {
    report(state, timed_run({"--cache-dir", cache.string()}, {}, state.range(0), &failure),
           failure);
  }
}

} // namespace jitcache::bench
