// Whole-process starts of `jitcache run examples/transformer_block.jc --repeat 0` with remote
// tiers, on servers the benchmark starts itself (redis-server, nginx with WebDAV, loopback).
// "A machine with an empty local cache" is a fresh cache directory for every start.
//  - FromRedis: baseline = a cold start (empty cache, no remote, every kernel compiled);
//    jitcache = an empty local cache and a warm Redis.
//  - RemoteVsLocal: baseline = a local warm start; redis and http = an empty local cache and
//    a warm Redis or nginx; pinned = redis with compiler_check=string:..., which identifies
//    the compiler without looking anything up.
//  - CcacheRemote: baseline = ccache with the same warm Redis as its remote storage (cxx =
//    "ccache c++", jitcache's persistent cache off, a fresh local ccache directory per
//    start); jitcache = an empty local cache and the warm Redis.
//  - Fleet: baseline = one process cold-starting on an empty Redis; jitcache = four started
//    together on an empty Redis, timed until the last ends. The counter `compiles` is the
//    kernels compiled in total, by one process or by the four.
#include "bench_dir.hpp"
#include "process_timing.hpp"

#include "support/nginx_server.hpp"
#include "support/redis_server.hpp"

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <thread>

namespace {

using namespace jitcache::bench;
using jitcache::testing::NginxServer;
using jitcache::testing::RedisServer;

constexpr int64_t k_transformer_block = 0;

// One start with the cache directory `cache` and `remote` as its remote tiers.
TimedProcess
start(const std::filesystem::path& cache, const std::string& remote, const Environment& env = {},
      std::vector<std::string> extra = {})
{
  Environment with_remote = env;
  with_remote["JITCACHE_REMOTE"] = remote;
  extra.insert(extra.end(), {"--cache-dir", cache.string(), "--json"});
  return run_timed(run_command(k_transformer_block, extra), with_remote);
}

int
compiles_of(const TimedProcess& process)
{
  auto report = nlohmann::json::parse(process.out, nullptr, false);
  return report.is_discarded() ? -1 : report["totals"]["compiles"].get<int>();
}

// Timed starts with `remote` as the remote tiers. `fill`: one untimed start first, into a
// cache directory of its own, so the remote tier (or, with `fresh` false, the cache
// directory every start then shares) is warm. `fresh`: each start gets a new, empty cache
// directory. A start that should find everything (`fill`) and compiled fails the benchmark.
void
timed_starts(benchmark::State& state, const std::string& label, const std::string& remote,
             bool fill, bool fresh, const Environment& env = {})
{
  state.SetLabel(label);
  ScratchDir scratch("remote-start");
  const auto shared = scratch.path() / "shared";
  if (fill) {
    auto filled = start(fresh ? scratch.path() / "filler" : shared, remote, env);
    if (filled.seconds < 0) {
      state.SkipWithError(filled.failure.c_str());
      return;
    }
  }
  int round = 0;
  for (auto _ : state) {
    auto started = start(fresh ? scratch.path() / std::to_string(round++) : shared, remote, env);
    if (fill && started.seconds >= 0 && compiles_of(started) != 0) {
      started = {-1, "", "a start from a warm cache compiled"};
    }
    report(state, started.seconds, started.failure);
  }
}

// Starts, each from an empty local cache, against `remote` filled by a first start.
void
empty_local_starts(benchmark::State& state, const std::string& remote, const std::string& name,
                   const Environment& env = {})
{
  timed_starts(state, name, remote, true, true, env);
}

void
FromRedis_baseline(benchmark::State& state)
{
  timed_starts(state, "cold", "", false, true);
}

void
FromRedis_jitcache(benchmark::State& state)
{
  RedisServer redis;
  empty_local_starts(state, redis.url(), "redis");
}

void
RemoteVsLocal_baseline(benchmark::State& state)
{
  timed_starts(state, "local warm", "", true, false);
}

void
RemoteVsLocal_redis(benchmark::State& state)
{
  RedisServer redis;
  empty_local_starts(state, redis.url(), "redis");
}

void
RemoteVsLocal_http(benchmark::State& state)
{
  NginxServer nginx;
  empty_local_starts(state, nginx.url(), "http");
}

void
RemoteVsLocal_pinned(benchmark::State& state)
{
  RedisServer redis;
  empty_local_starts(state, redis.url(), "redis, compiler pinned",
                     {{"JITCACHE_COMPILER_CHECK", "string:bench-compiler"}});
}

void
CcacheRemote_baseline(benchmark::State& state)
{
  state.SetLabel("ccache + redis");
  RedisServer redis;
  ScratchDir scratch("ccache-remote");
  // The kernels compile in fresh temporary directories: hash sources, not their paths.
  auto ccache_env = [&](const std::string& dir) {
    return Environment{{"JITCACHE_CXX", "ccache c++"},
                       {"CCACHE_DIR", (scratch.path() / dir).string()},
                       {"CCACHE_NOHASHDIR", "1"},
                       {"CCACHE_REMOTE_STORAGE", redis.url()}};
  };
  const std::vector<std::string> no_cache = {"--no-cache"};
  auto filled = start(scratch.path() / "unused", "", ccache_env("filler"), no_cache);
  if (filled.seconds < 0) {
    state.SkipWithError(filled.failure.c_str());
    return;
  }
  int round = 0;
  for (auto _ : state) {
    auto started = start(scratch.path() / "unused", "",
                         ccache_env("ccache-" + std::to_string(round++)), no_cache);
    report(state, started.seconds, started.failure);
  }
}

void
CcacheRemote_jitcache(benchmark::State& state)
{
  RedisServer redis;
  empty_local_starts(state, redis.url(), "redis");
}

// `machines` processes started together on an empty Redis; the time until the last ends.
void
fleet(benchmark::State& state, int machines)
{
  state.SetLabel(std::to_string(machines) + (machines == 1 ? " process" : " processes"));
  ScratchDir scratch("fleet-" + std::to_string(machines));
  int round = 0;
  int compiles = 0;
  for (auto _ : state) {
    RedisServer redis; // empty
    std::vector<TimedProcess> results(static_cast<size_t>(machines));
    std::vector<std::thread> threads;
    const auto begin = std::chrono::steady_clock::now();
    for (int m = 0; m < machines; ++m) {
      threads.emplace_back([&, m] {
        results[static_cast<size_t>(m)] =
          start(scratch.path() / fmt::format("{}-{}", round, m), redis.url());
      });
    }
    for (auto& thread : threads) {
      thread.join();
    }
    const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    ++round;
    compiles = 0;
    std::string failure;
    for (const auto& result : results) {
      compiles += compiles_of(result);
      failure += result.failure;
    }
    report(state, failure.empty() ? seconds : -1, failure);
  }
  state.counters["compiles"] = compiles;
}

void
Fleet_baseline(benchmark::State& state)
{
  fleet(state, 1);
}

void
Fleet_jitcache(benchmark::State& state)
{
  fleet(state, 4);
}

} // namespace

BENCHMARK(FromRedis_baseline)->UseManualTime()->Iterations(3)->Unit(benchmark::kMillisecond);
BENCHMARK(FromRedis_jitcache)->UseManualTime()->Iterations(20)->Unit(benchmark::kMillisecond);
BENCHMARK(RemoteVsLocal_baseline)->UseManualTime()->Iterations(20)->Unit(benchmark::kMillisecond);
BENCHMARK(RemoteVsLocal_redis)->UseManualTime()->Iterations(20)->Unit(benchmark::kMillisecond);
BENCHMARK(RemoteVsLocal_http)->UseManualTime()->Iterations(20)->Unit(benchmark::kMillisecond);
BENCHMARK(RemoteVsLocal_pinned)->UseManualTime()->Iterations(20)->Unit(benchmark::kMillisecond);
BENCHMARK(CcacheRemote_baseline)->UseManualTime()->Iterations(10)->Unit(benchmark::kMillisecond);
BENCHMARK(CcacheRemote_jitcache)->UseManualTime()->Iterations(20)->Unit(benchmark::kMillisecond);
BENCHMARK(Fleet_baseline)->UseManualTime()->Iterations(2)->Unit(benchmark::kMillisecond);
BENCHMARK(Fleet_jitcache)->UseManualTime()->Iterations(2)->Unit(benchmark::kMillisecond);
