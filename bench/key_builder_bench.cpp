// Key building throughput against raw BLAKE2b over the same bytes: the cost of framing and
// per-component digests.
#include "util/hashing.hpp"

#include <jitcache/key_builder.hpp>

#include "payloads.hpp"

#include <benchmark/benchmark.h>

namespace {

using namespace jitcache;

void
KeyBuild_baseline(benchmark::State& state)
{
  const auto data = bench::random_payload(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(util::blake2b_256(data));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}

// The same bytes as one key component: the framing, the component digest and the key.
void
KeyBuild_jitcache(benchmark::State& state)
{
  const auto data = bench::random_payload(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    KeyBuilder builder;
    builder.add_bytes("graph", data);
    benchmark::DoNotOptimize(builder.build());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}

// A realistic kernel key: the graph plus four small components, against one BLAKE2b pass
// over the concatenation of the same values.
const std::vector<std::string> k_small_components = {"f32,f32,f32", "-O2 -fPIC -shared",
                                                     "g++ (Debian 12.2.0-14) 12.2.0", "1"};

void
KeyBuildFiveComponents_baseline(benchmark::State& state)
{
  auto data = bench::random_payload(static_cast<size_t>(state.range(0)));
  for (const auto& value : k_small_components) {
    data.insert(data.end(), value.begin(), value.end());
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(util::blake2b_256(data));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}

void
KeyBuildFiveComponents_jitcache(benchmark::State& state)
{
  const auto data = bench::random_payload(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    KeyBuilder builder;
    builder.add_bytes("graph", data)
      .add_string("dtypes", k_small_components[0])
      .add_string("cxxflags", k_small_components[1])
      .add_string("toolchain", k_small_components[2])
      .add_string("format", k_small_components[3]);
    benchmark::DoNotOptimize(builder.build());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}

BENCHMARK(KeyBuild_baseline)->Arg(1 << 10)->Arg(64 << 10)->Arg(1 << 20);
BENCHMARK(KeyBuild_jitcache)->Arg(1 << 10)->Arg(64 << 10)->Arg(1 << 20);
BENCHMARK(KeyBuildFiveComponents_baseline)->Arg(1 << 10)->Arg(64 << 10);
BENCHMARK(KeyBuildFiveComponents_jitcache)->Arg(1 << 10)->Arg(64 << 10);

} // namespace
