// Entry encode and decode of a 64 KiB payload, compressible and not, at the default level.
#include "core/entry_format.hpp"

#include "payloads.hpp"

#include <jitcache/key_builder.hpp>

#include <benchmark/benchmark.h>

namespace {

using namespace jitcache;

Entry
entry_with(std::vector<uint8_t> payload)
{
  KeyBuilder builder;
  builder.add_string("graph", "g").add_string("flags", "-O2");
  Entry entry;
  entry.kind = "kernel";
  entry.key = builder.build();
  entry.details = builder.details();
  entry.producer = "bench";
  entry.blobs.push_back({"object", Bytes::adopt(std::move(payload))});
  return entry;
}

std::vector<uint8_t>
payload(bool compressible)
{
  return compressible ? bench::code_like_payload(64 << 10) : bench::random_payload(64 << 10);
}

void
Encode(benchmark::State& state)
{
  const Entry entry = entry_with(payload(state.range(0) != 0));
  for (auto _ : state) {
    benchmark::DoNotOptimize(core::encode_entry(entry, 1));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * (64 << 10));
  state.SetLabel(state.range(0) ? "compressible" : "incompressible");
}

void
Decode(benchmark::State& state)
{
  const Bytes encoded =
    Bytes::adopt(core::encode_entry(entry_with(payload(state.range(0) != 0)), 1).value());
  for (auto _ : state) {
    benchmark::DoNotOptimize(core::decode_entry(encoded));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * (64 << 10));
  state.SetLabel(state.range(0) ? "compressible" : "incompressible");
}

BENCHMARK(Encode)->Arg(0)->Arg(1);
BENCHMARK(Decode)->Arg(0)->Arg(1);

} // namespace
