#include "kernel_cache/kernel_cache.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace jitcache::kernel_cache {
namespace {

StructuralKey
key(uint64_t n)
{
  StructureHasher hasher;
  hasher.add(n).add("graph");
  return hasher.finish();
}

KernelCache::Payload
kernel(int value)
{
  return std::make_shared<const int>(value);
}

int
value_of(const KernelCache::Payload& payload)
{
  return payload ? *static_cast<const int*>(payload.get()) : -1;
}

TEST(StructureHasher, TokensAreNotJustConcatenated)
{
  StructureHasher a;
  a.add("ab").add("c");
  StructureHasher b;
  b.add("a").add("bc");
  EXPECT_NE(a.finish(), b.finish());
  EXPECT_EQ(key(1), key(1));
  EXPECT_NE(key(1), key(2));
  EXPECT_EQ(key(1).to_hex().size(), 32U);
}

TEST(KernelCache, SpecsThenArgumentSpecs)
{
  KernelCache cache(100);
  const auto spec = cache.store_spec(key(1), std::make_shared<const int>(7));
  EXPECT_EQ(cache.store_spec(key(1), nullptr), spec); // known: the same id
  EXPECT_EQ(cache.lookup_spec(key(1)), spec);
  EXPECT_EQ(cache.lookup_spec(key(2)), std::nullopt);
  EXPECT_EQ(value_of(cache.retrieve(spec)), 7);
  EXPECT_EQ(cache.retrieve(spec + 12345), nullptr);

  const ArgSpec f32{{1, 64}};
  const ArgSpec f64{{2, 64}};
  EXPECT_EQ(cache.lookup(spec, f32), nullptr);
  cache.store(spec, f32, kernel(1));
  cache.store(spec, f64, kernel(2));
  EXPECT_EQ(value_of(cache.lookup(spec, f32)), 1);
  EXPECT_EQ(value_of(cache.lookup(spec, f64)), 2);
  const auto other = cache.store_spec(key(2), nullptr);
  EXPECT_EQ(cache.lookup(other, f32), nullptr);
  const auto counts = cache.count();
  EXPECT_EQ(counts.specs, 2U);
  EXPECT_EQ(counts.kernels, 2U);
  EXPECT_EQ(counts.hits, 2U);
  EXPECT_EQ(counts.misses, 2U);
}

TEST(KernelCache, TheLeastRecentlyUsedKernelGoesFirst)
{
  KernelCache cache(16); // one kernel per shard
  const auto spec = cache.store_spec(key(1), nullptr);
  // With one slot per shard, every kernel stored evicts the one its shard held.
  for (uint64_t n = 0; n < 200; ++n) {
    cache.store(spec, ArgSpec{{n}}, kernel(static_cast<int>(n)));
  }
  const auto counts = cache.count();
  EXPECT_LE(counts.kernels, 16U);
  EXPECT_EQ(counts.evictions, 200U - counts.kernels);
  EXPECT_EQ(value_of(cache.lookup(spec, ArgSpec{{199}})), 199); // the newest stays

  KernelCache lru(32); // two per shard: a recently used kernel survives a newer one
  const auto s = lru.store_spec(key(1), nullptr);
  std::vector<uint64_t> same_shard;
  for (uint64_t n = 0; same_shard.size() < 3 && n < 10000; ++n) {
    KernelCache probe(16);
    const auto p = probe.store_spec(key(1), nullptr);
    probe.store(p, ArgSpec{{0}}, kernel(0));
    probe.store(p, ArgSpec{{n}}, kernel(1));
    if (n != 0 && probe.count().evictions == 1) {
      same_shard.push_back(n); // shares a shard with {0}
    }
  }
  ASSERT_EQ(same_shard.size(), 3U);
  lru.store(s, ArgSpec{{0}}, kernel(0));
  lru.store(s, ArgSpec{{same_shard[0]}}, kernel(1));
  EXPECT_NE(lru.lookup(s, ArgSpec{{0}}), nullptr); // {0} is now the most recent
  lru.store(s, ArgSpec{{same_shard[1]}}, kernel(2));
  EXPECT_NE(lru.lookup(s, ArgSpec{{0}}), nullptr);
  EXPECT_EQ(lru.lookup(s, ArgSpec{{same_shard[0]}}), nullptr);
}

TEST(KernelCache, ThreadsAskingForOneKernelCompileItOnce)
{
  KernelCache cache(100);
  const auto spec = cache.store_spec(key(1), nullptr);
  std::atomic<int> compiles{0};
  std::vector<std::thread> threads;
  std::vector<int> results(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      results[static_cast<size_t>(t)] = value_of(cache.get_or_compile(spec, ArgSpec{{1}}, [&] {
        compiles.fetch_add(1);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        return kernel(42);
      }));
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(compiles.load(), 1);
  EXPECT_EQ(results, std::vector<int>(8, 42));
  const auto counts = cache.count();
  EXPECT_EQ(counts.misses, 1U);
  EXPECT_EQ(counts.waits + counts.hits, 7U);
}

TEST(KernelCache, AFailedCompileIsNotCachedAndAThrowReachesTheWaiters)
{
  KernelCache cache(100);
  const auto spec = cache.store_spec(key(1), nullptr);
  EXPECT_EQ(cache.get_or_compile(spec, ArgSpec{{1}}, [] { return KernelCache::Payload{}; }),
            nullptr);
  EXPECT_EQ(value_of(cache.get_or_compile(spec, ArgSpec{{1}}, [] { return kernel(5); })), 5);
  EXPECT_THROW(cache.get_or_compile(
                 spec, ArgSpec{{2}},
                 []() -> KernelCache::Payload { throw std::runtime_error("compiler crashed"); }),
               std::runtime_error);
  EXPECT_EQ(value_of(cache.get_or_compile(spec, ArgSpec{{2}}, [] { return kernel(6); })), 6);
}

} // namespace
} // namespace jitcache::kernel_cache
