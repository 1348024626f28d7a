// Level 1: kernel cache lookups (structural key -> spec, then argument spec -> kernel)
// per second from 1 and 2 threads, over 1,000 cached kernels, against a baseline measured in
// the same run: one std::unordered_map of the same keys behind one mutex.
#include "kernel_cache/kernel_cache.hpp"

#include <benchmark/benchmark.h>

#include <mutex>
#include <string>
#include <unordered_map>

namespace {

using namespace jitcache::kernel_cache;

constexpr int k_graphs = 250;
constexpr int k_specs_per_graph = 4; // e.g. f32/f64 x two batch sizes

StructuralKey
graph_key(int graph)
{
  StructureHasher hasher;
  hasher.add(static_cast<uint64_t>(graph)).add("matmul-bias-gelu");
  return hasher.finish();
}

ArgSpec
arg_spec(int variant)
{
  // dtype, contiguity and alignment bits, and two sizes per argument for three arguments.
  ArgSpec spec;
  for (uint64_t arg = 0; arg < 3; ++arg) {
    spec.words.push_back(static_cast<uint64_t>(variant % 2) | (arg << 8));
    spec.words.push_back(32 * (1 + static_cast<uint64_t>(variant / 2)));
    spec.words.push_back(256);
  }
  return spec;
}

KernelCache&
shared_cache()
{
  static KernelCache* cache = [] {
    auto* made = new KernelCache(4096);
    for (int g = 0; g < k_graphs; ++g) {
      const auto spec = made->store_spec(graph_key(g), nullptr);
      for (int v = 0; v < k_specs_per_graph; ++v) {
        made->store(spec, arg_spec(v), std::make_shared<const int>(g * 10 + v));
      }
    }
    return made;
  }();
  return *cache;
}

struct LockedMap {
  std::mutex mutex;
  std::unordered_map<std::string, std::shared_ptr<const void>> kernels;
};

std::string
flat_key(const StructuralKey& key, const ArgSpec& spec)
{
  std::string text(reinterpret_cast<const char*>(&key), sizeof key);
  text.append(reinterpret_cast<const char*>(spec.words.data()), spec.words.size() * 8);
  return text;
}

LockedMap&
shared_map()
{
  static LockedMap* map = [] {
    auto* made = new LockedMap();
    for (int g = 0; g < k_graphs; ++g) {
      for (int v = 0; v < k_specs_per_graph; ++v) {
        made->kernels.emplace(flat_key(graph_key(g), arg_spec(v)),
                              std::make_shared<const int>(g * 10 + v));
      }
    }
    return made;
  }();
  return *map;
}

void
KernelLookup_baseline(benchmark::State& state)
{
  auto& map = shared_map();
  const auto key = graph_key(state.thread_index() * 7 % k_graphs);
  const auto spec = arg_spec(1);
  for (auto _ : state) {
    std::lock_guard lock(map.mutex);
    benchmark::DoNotOptimize(map.kernels.find(flat_key(key, spec))->second);
  }
  state.SetItemsProcessed(state.iterations());
}

void
KernelLookup_jitcache(benchmark::State& state)
{
  auto& cache = shared_cache();
  const auto key = graph_key(state.thread_index() * 7 % k_graphs);
  const auto args = arg_spec(1);
  for (auto _ : state) {
    const auto spec = cache.lookup_spec(key);
    benchmark::DoNotOptimize(cache.lookup(*spec, args));
  }
  state.SetItemsProcessed(state.iterations());
}

} // namespace

BENCHMARK(KernelLookup_baseline)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(KernelLookup_jitcache)->Threads(1)->Threads(2)->UseRealTime();
