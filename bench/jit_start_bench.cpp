// Whole-process starts of `jitcache run`, as a user sees them. A start is everything before
// the first call: process start, parsing, keys, lookups, compiling and loading
// (`--repeat 0`); running the program costs the same in every variant and is left out.
//  - ColdStart: baseline = a cold start (empty cache directory, every kernel compiled),
//    warm = a warm start in a fresh process (every artifact found in the cache). The ratio
//    line is warm / cold.
//  - CcacheWarm: baseline = the persistent cache off and cxx = "ccache c++" with a ccache
//    directory that already holds every kernel (ccache's warm start), jitcache = jitcache's
//    own warm start. The ratio line is jitcache / ccache.
//  - WarmProcess: baseline = a fresh process that reads the program's compiled library (the
//    plain file the cache keeps), dlopens it and resolves every kernel (load_library_main.cpp, no
//    cache logic: the physical limit), jitcache = the same warm start as above.
//  - Trust: signed = a warm start whose entries were written with a signing key, read under
//    require_signature = all (every entry verified, Ed25519, before it is used), each paired
//    with the same warm start of unsigned entries with nothing checked; counters: baseline_ms,
//    measured_ms and the median ratio of the pairs, the cost of trust.
// Arg 0 is transformer_block, 1 is deep_mlp.
#include "bench_dir.hpp"
#include "graph_library.hpp"
#include "process_timing.hpp"
#include "trust/signing_key.hpp"

#include <benchmark/benchmark.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>

namespace {

using jitcache::bench::program_name;
using jitcache::bench::report;
using jitcache::bench::ScratchDir;
using jitcache::bench::timed_process;
using jitcache::bench::timed_run;

void
ColdStart_baseline(benchmark::State& state)
{
  state.SetLabel(program_name(state.range(0)));
  ScratchDir scratch("cold-start");
  jitcache::bench::measure_cold_starts(state, scratch.path());
}

void
ColdStart_warm(benchmark::State& state)
{
  state.SetLabel(program_name(state.range(0)));
  ScratchDir scratch("warm-start");
  jitcache::bench::measure_warm_starts(state, scratch.path());
}

void
CcacheWarm_baseline(benchmark::State& state)
{
  state.SetLabel(program_name(state.range(0)));
  ScratchDir scratch("ccache");
  const std::map<std::string, std::optional<std::string>> env = {
    {"JITCACHE_CXX", "ccache c++"},
    {"CCACHE_DIR", (scratch.path() / "ccache").string()},
    // The kernels compile in fresh temporary directories: hash sources, not their paths.
    {"CCACHE_NOHASHDIR", "1"}};
  const std::vector<std::string> args = {"--no-cache", "--cache-dir",
                                         (scratch.path() / "unused").string()};
  std::string failure;
  if (timed_run(args, env, state.range(0), &failure) < 0) { // fills ccache's cache
    state.SkipWithError(failure.c_str());
    return;
  }
  for (auto _ : state) {
    report(state, timed_run(args, env, state.range(0), &failure), failure);
  }
}

void
CcacheWarm_jitcache(benchmark::State& state)
{
  ColdStart_warm(state);
}

// The load_library command that loads the graph's library where the cache keeps it.
std::vector<std::string>
load_library_command(const std::filesystem::path& cache)
{
  jitcache::Config config;
  config.dir = cache;
  jitcache::storage::local::LocalStore store(config);
  std::vector<std::string> argv = {JITCACHE_LOAD_LIBRARY_PATH};
  if (auto library = jitcache::bench::find_graph_library(store)) {
    argv.push_back(library->path.string());
    argv.insert(argv.end(), library->symbols.begin(), library->symbols.end());
  }
  return argv;
}

void
WarmProcess_baseline(benchmark::State& state)
{
  state.SetLabel(program_name(state.range(0)));
  ScratchDir scratch("warm-process-baseline");
  const auto cache = scratch.path() / "cache";
  std::string failure;
  if (timed_run({"--cache-dir", cache.string()}, {}, state.range(0), &failure) < 0) {
    state.SkipWithError(failure.c_str());
    return;
  }
  const auto argv = load_library_command(cache);
  for (auto _ : state) {
    report(state, timed_process(argv, {}, &failure), failure);
  }
}

void
WarmProcess_jitcache(benchmark::State& state)
{
  ColdStart_warm(state);
}

// Plain and trusted warm starts alternate (process_timing.hpp, measure_paired_starts): the
// difference sought is smaller than the drift between groups of runs on a shared machine.
void
Trust_signed(benchmark::State& state)
{
  state.SetLabel(program_name(state.range(0)));
  ScratchDir scratch("trust");
  const auto key = jitcache::trust::SigningKey::generate();
  const auto key_file = scratch.path() / "signing.key";
  std::string failure;
  if (!key.save(key_file)) {
    state.SkipWithError("cannot write the key");
    return;
  }
  const jitcache::bench::Environment env = {{"JITCACHE_SIGNING_KEY", key_file.string()},
                                            {"JITCACHE_TRUSTED_KEYS", key.public_key().to_text()},
                                            {"JITCACHE_REQUIRE_SIGNATURE", "all"}};
  const std::vector<std::string> signed_args = {"--cache-dir", (scratch.path() / "cache").string()};
  const std::vector<std::string> plain_args = {"--cache-dir", (scratch.path() / "plain").string()};
  const int64_t program = state.range(0);
  if (timed_run(signed_args, env, program, &failure) < 0 ||
      timed_run(plain_args, {}, program, &failure) < 0) {
    state.SkipWithError(failure.c_str());
    return;
  }
  jitcache::bench::measure_paired_starts(
    state, [&](int, std::string* why) { return timed_run(plain_args, {}, program, why); },
    [&](int, std::string* why) { return timed_run(signed_args, env, program, why); });
}

} // namespace

BENCHMARK(ColdStart_baseline)
  ->Arg(0)
  ->Arg(1)
  ->UseManualTime()
  ->Iterations(3)
  ->Unit(benchmark::kMillisecond);
BENCHMARK(ColdStart_warm)
  ->Arg(0)
  ->Arg(1)
  ->UseManualTime()
  ->Iterations(20)
  ->Unit(benchmark::kMillisecond);
BENCHMARK(CcacheWarm_baseline)
  ->Arg(0)
  ->Arg(1)
  ->UseManualTime()
  ->Iterations(10)
  ->Unit(benchmark::kMillisecond);
BENCHMARK(CcacheWarm_jitcache)
  ->Arg(0)
  ->Arg(1)
  ->UseManualTime()
  ->Iterations(20)
  ->Unit(benchmark::kMillisecond);
BENCHMARK(WarmProcess_baseline)
  ->Arg(0)
  ->Arg(1)
  ->UseManualTime()
  ->Iterations(50)
  ->Unit(benchmark::kMillisecond);
BENCHMARK(WarmProcess_jitcache)
  ->Arg(0)
  ->Arg(1)
  ->UseManualTime()
  ->Iterations(50)
  ->Unit(benchmark::kMillisecond);
BENCHMARK(Trust_signed)
  ->Arg(0)
  ->Arg(1)
  ->UseManualTime()
  ->Iterations(100)
  ->Unit(benchmark::kMillisecond);
