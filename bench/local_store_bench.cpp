// Local store latency. A hit is compared with the physical floor measured in the same run:
// open, fstat, read and close of the very same entry file with no cache logic. A put is
// compared with writing the same number of bytes to a temporary file and renaming it.
#include "storage/local/local_store.hpp"
#include "util/atomic_file.hpp"
#include "util/files.hpp"

#include "bench_dir.hpp"
#include "payloads.hpp"

#include <jitcache/key_builder.hpp>

#include <benchmark/benchmark.h>

#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

namespace {

using namespace jitcache;

constexpr size_t k_payload = 64 << 10;

Entry
make_entry(uint64_t id, bool compressible)
{
  KeyBuilder builder;
  builder.add_uint("id", id).add_string("flags", "-O2");
  Entry entry;
  entry.kind = "kernel";
  entry.key = builder.build();
  entry.details = builder.details();
  entry.producer = "bench";
  entry.compile_ms = 100;
  auto payload = compressible ? bench::code_like_payload(k_payload, static_cast<uint32_t>(id))
                              : bench::random_payload(k_payload, static_cast<uint32_t>(id));
  entry.blobs.push_back({"object", Bytes::adopt(std::move(payload))});
  return entry;
}

Config
bench_config(const std::filesystem::path& dir)
{
  Config config;
  config.dir = dir;
  config.max_size = uint64_t{1} << 40;
  return config;
}

void
GetHit_baseline(benchmark::State& state)
{
  bench::ScratchDir dir("get-baseline");
  storage::local::LocalStore store(bench_config(dir.path()));
  const Entry entry = make_entry(1, state.range(0) != 0);
  (void)store.put(entry);
  const auto path = store.layout().entry_path(entry.key);
  for (auto _ : state) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    ::fstat(fd, &st);
    auto buffer = std::make_unique_for_overwrite<uint8_t[]>(static_cast<size_t>(st.st_size));
    benchmark::DoNotOptimize(::read(fd, buffer.get(), static_cast<size_t>(st.st_size)));
    ::close(fd);
  }
  state.SetLabel(state.range(0) ? "compressible" : "incompressible");
}

void
GetHit_jitcache(benchmark::State& state)
{
  bench::ScratchDir dir("get");
  storage::local::LocalStore store(bench_config(dir.path()));
  const Entry entry = make_entry(1, state.range(0) != 0);
  (void)store.put(entry);
  for (auto _ : state) {
    auto found = store.get(entry.key, "kernel");
    if (!found || found->size() != 1) {
      state.SkipWithError("lookup missed");
      break;
    }
  }
  state.SetLabel(state.range(0) ? "compressible" : "incompressible");
}

void
Put_baseline(benchmark::State& state)
{
  bench::ScratchDir dir("put-baseline");
  const Entry entry = make_entry(1, state.range(0) != 0);
  const auto bytes = core::encode_entry(entry, 1).value();
  uint64_t id = 0;
  for (auto _ : state) {
    const auto path = dir.path() / std::to_string(id++ % 4096);
    auto file = util::AtomicFile::create(path).value();
    (void)file.write(bytes);
    (void)file.commit(false);
  }
  state.SetLabel(state.range(0) ? "compressible" : "incompressible");
}

void
Put_jitcache(benchmark::State& state)
{
  bench::ScratchDir dir("put");
  storage::local::LocalStore store(bench_config(dir.path()));
  std::vector<Entry> entries;
  for (uint64_t id = 0; id < 4096; ++id) {
    entries.push_back(make_entry(id, state.range(0) != 0));
  }
  size_t next = 0;
  for (auto _ : state) {
    (void)store.put(entries[next++ % entries.size()]);
  }
  state.SetLabel(state.range(0) ? "compressible" : "incompressible");
}

BENCHMARK(GetHit_baseline)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);
BENCHMARK(GetHit_jitcache)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);
BENCHMARK(Put_baseline)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);
BENCHMARK(Put_jitcache)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

} // namespace
