// get and put against caches of 10 thousand and 1 million entries: their cost must not grow
// with the number of entries. The caches are built once (through put, like any client) under
// $JITCACHE_BENCH_DIR/jitcache-scale-N and reused by later runs; building the 1M cache takes
// minutes and about 4 GiB of disk.
#include "storage/local/local_store.hpp"
#include "util/files.hpp"

#include "bench_dir.hpp"

#include <jitcache/key_builder.hpp>

#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include <cstdio>
#include <fcntl.h>
#include <memory>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

namespace {

using namespace jitcache;

Entry
small_entry(uint64_t id)
{
  KeyBuilder builder;
  builder.add_uint("id", id);
  Entry entry;
  entry.kind = "kernel";
  entry.key = builder.build();
  entry.details = builder.details();
  entry.producer = "bench";
  entry.blobs.push_back(
    {"object", Bytes::copy_of(std::string_view(fmt::format("object {:0200}", id)))});
  return entry;
}

Config
scale_config(uint64_t entries)
{
  Config config;
  config.dir = bench::bench_root() / fmt::format("jitcache-scale-{}", entries);
  config.max_size = uint64_t{1} << 40;
  return config;
}

// Builds the cache once; a marker file records that it is complete.
void
ensure_cache(uint64_t entries)
{
  const Config config = scale_config(entries);
  const auto marker = config.dir / "bench-complete";
  if (std::filesystem::exists(marker)) {
    return;
  }
  std::fprintf(stderr, "building a cache of %llu entries in %s ...\n",
               static_cast<unsigned long long>(entries), config.dir.c_str());
  storage::local::LocalStore store(config);
  for (uint64_t id = 0; id < entries; ++id) {
    (void)store.put(small_entry(id));
  }
  (void)util::write_file_atomic(marker, std::string_view("done\n"));
}

// 4,096 keys of the cache, picked at random with a fixed seed.
std::vector<Key>
sample_keys(uint64_t entries)
{
  std::mt19937_64 generator(42);
  std::vector<Key> keys;
  for (int i = 0; i < 4096; ++i) {
    keys.push_back(small_entry(generator() % entries).key);
  }
  return keys;
}

// The floor at this size: open, fstat, read and close the same files by their paths.
void
ScaleGet_baseline(benchmark::State& state)
{
  const auto entries = static_cast<uint64_t>(state.range(0));
  ensure_cache(entries);
  const storage::local::Layout layout(scale_config(entries).dir);
  std::vector<std::string> paths;
  for (const auto& key : sample_keys(entries)) {
    paths.push_back(layout.entry_path_string(key));
  }
  size_t next = 0;
  for (auto _ : state) {
    const int fd = ::open(paths[next++ % paths.size()].c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    ::fstat(fd, &st);
    auto buffer = std::make_unique_for_overwrite<uint8_t[]>(static_cast<size_t>(st.st_size));
    benchmark::DoNotOptimize(::read(fd, buffer.get(), static_cast<size_t>(st.st_size)));
    ::close(fd);
  }
}

void
ScaleGet_jitcache(benchmark::State& state)
{
  const auto entries = static_cast<uint64_t>(state.range(0));
  ensure_cache(entries);
  storage::local::LocalStore store(scale_config(entries));
  const auto keys = sample_keys(entries);
  size_t next = 0;
  for (auto _ : state) {
    auto found = store.get(keys[next++ % keys.size()], "kernel");
    if (!found || found->empty()) {
      state.SkipWithError("expected a hit");
      break;
    }
  }
}

void
ScalePut_jitcache(benchmark::State& state)
{
  const auto entries = static_cast<uint64_t>(state.range(0));
  ensure_cache(entries);
  storage::local::LocalStore store(scale_config(entries));
  // New keys beyond the built range; removed again afterwards so the cache stays as built.
  std::vector<Entry> fresh;
  for (uint64_t id = 0; id < 2048; ++id) {
    fresh.push_back(small_entry(entries + 1'000'000'000 + id));
  }
  size_t next = 0;
  for (auto _ : state) {
    (void)store.put(fresh[next++ % fresh.size()]);
  }
  for (const auto& entry : fresh) {
    (void)store.remove(entry.key);
  }
}

BENCHMARK(ScaleGet_baseline)->Arg(10'000)->Arg(1'000'000)->Unit(benchmark::kMicrosecond);
BENCHMARK(ScaleGet_jitcache)->Arg(10'000)->Arg(1'000'000)->Unit(benchmark::kMicrosecond);
BENCHMARK(ScalePut_jitcache)->Arg(10'000)->Arg(1'000'000)->Unit(benchmark::kMicrosecond);

} // namespace
