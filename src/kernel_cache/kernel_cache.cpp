#include "kernel_cache/kernel_cache.hpp"

#include <future>
#include <list>
#include <mutex>
#include <unordered_map>

namespace jitcache::kernel_cache {

namespace {

constexpr size_t k_shards = 16;
constexpr int k_shard_shift = 56; // a spec id's top byte names the shard that made it

struct KernelKey {
  SpecId spec = 0;
  ArgSpec args;
  uint64_t hash = 0;
  bool
  operator==(const KernelKey& other) const
  {
    return spec == other.spec && args == other.args;
  }
};

uint64_t
hash_of(SpecId spec, const ArgSpec& args)
{
  constexpr uint64_t k_multiplier = 0x9E3779B97F4A7C15ULL;
  uint64_t hash = spec * k_multiplier;
  for (const uint64_t word : args.words) {
    hash = (hash ^ word) * k_multiplier;
    hash ^= hash >> 31;
  }
  return hash;
}

struct KernelKeyHash {
  size_t
  operator()(const KernelKey& key) const
  {
    return static_cast<size_t>(key.hash);
  }
};

} // namespace

struct KernelCache::Shard {
  struct Slot {
    Payload kernel;                        // set once ready
    std::shared_future<Payload> pending;   // valid while it compiles
    std::list<KernelKey>::iterator recent; // its place in m_recent once ready
  };

  mutable std::mutex mutex;
  size_t capacity = 1;
  // Specs made by this shard; a spec's id is (shard << 56) | index.
  std::unordered_map<StructuralKey, SpecId, StructuralKeyHash> spec_ids;
  std::vector<Payload> specs;
  std::unordered_map<KernelKey, Slot, KernelKeyHash> kernels;
  std::list<KernelKey> recent; // ready kernels, most recently used first
  KernelCacheCounts counts;

  void
  touch(Slot& slot)
  {
    recent.splice(recent.begin(), recent, slot.recent);
  }
  void
  make_ready(const KernelKey& key, Slot& slot, Payload kernel)
  {
    slot.kernel = std::move(kernel);
    slot.pending = {};
    recent.push_front(key);
    slot.recent = recent.begin();
    while (recent.size() > capacity) {
      kernels.erase(recent.back());
      recent.pop_back();
      ++counts.evictions;
    }
  }
};

KernelCache::KernelCache(size_t capacity)
{
  for (size_t i = 0; i < k_shards; ++i) {
    m_shards.push_back(std::make_unique<Shard>());
    m_shards.back()->capacity = std::max<size_t>(1, (capacity + k_shards - 1) / k_shards);
  }
}

KernelCache::~KernelCache() = default;

KernelCache::Shard&
KernelCache::shard_of(uint64_t hash) const
{
  return *m_shards[(hash >> 7U) % k_shards];
}

SpecId
KernelCache::store_spec(const StructuralKey& key, Payload spec)
{
  const size_t index = (key.low >> 7U) % k_shards;
  Shard& shard = *m_shards[index];
  std::lock_guard lock(shard.mutex);
  if (auto found = shard.spec_ids.find(key); found != shard.spec_ids.end()) {
    return found->second;
  }
  const SpecId id = (static_cast<SpecId>(index) << k_shard_shift) | shard.specs.size();
  shard.specs.push_back(std::move(spec));
  shard.spec_ids.emplace(key, id);
  return id;
}

std::optional<SpecId>
KernelCache::lookup_spec(const StructuralKey& key) const
{
  const Shard& shard = *m_shards[(key.low >> 7U) % k_shards];
  std::lock_guard lock(shard.mutex);
  if (auto found = shard.spec_ids.find(key); found != shard.spec_ids.end()) {
    return found->second;
  }
  return std::nullopt;
}

KernelCache::Payload
KernelCache::retrieve(SpecId id) const
{
  const size_t index = id >> k_shard_shift;
  const size_t local = id & ((SpecId{1} << k_shard_shift) - 1);
  if (index >= m_shards.size()) {
    return nullptr;
  }
  const Shard& shard = *m_shards[index];
  std::lock_guard lock(shard.mutex);
  return local < shard.specs.size() ? shard.specs[local] : nullptr;
}

KernelCache::Payload
KernelCache::lookup(SpecId spec, const ArgSpec& args)
{
  KernelKey key{spec, args, hash_of(spec, args)};
  Shard& shard = shard_of(key.hash);
  std::lock_guard lock(shard.mutex);
  auto found = shard.kernels.find(key);
  if (found == shard.kernels.end() || !found->second.kernel) {
    ++shard.counts.misses;
    return nullptr;
  }
  ++shard.counts.hits;
  shard.touch(found->second);
  return found->second.kernel;
}

void
KernelCache::store(SpecId spec, const ArgSpec& args, Payload kernel)
{
  KernelKey key{spec, args, hash_of(spec, args)};
  Shard& shard = shard_of(key.hash);
  std::lock_guard lock(shard.mutex);
  auto [slot, added] = shard.kernels.try_emplace(key);
  if (!added && slot->second.kernel) {
    slot->second.kernel = std::move(kernel);
    shard.touch(slot->second);
    return;
  }
  if (!added) {
    return; // being compiled: that result will be stored
  }
  shard.make_ready(key, slot->second, std::move(kernel));
}

KernelCache::Payload
KernelCache::get_or_compile(SpecId spec, const ArgSpec& args,
                            const std::function<Payload()>& compile)
{
  KernelKey key{spec, args, hash_of(spec, args)};
  Shard& shard = shard_of(key.hash);
  std::promise<Payload> promise;
  {
    std::unique_lock lock(shard.mutex);
    auto [slot, added] = shard.kernels.try_emplace(key);
    if (!added) {
      if (slot->second.kernel) {
        ++shard.counts.hits;
        shard.touch(slot->second);
        return slot->second.kernel;
      }
      ++shard.counts.waits;
      auto pending = slot->second.pending;
      lock.unlock();
      return pending.get();
    }
    ++shard.counts.misses;
    slot->second.pending = promise.get_future().share();
  }
  Payload kernel;
  try {
    kernel = compile();
  } catch (...) {
    {
      std::lock_guard lock(shard.mutex);
      shard.kernels.erase(key);
    }
    promise.set_exception(std::current_exception());
    throw;
  }
  {
    std::lock_guard lock(shard.mutex);
    auto slot = shard.kernels.find(key);
    if (kernel) {
      shard.make_ready(slot->first, slot->second, kernel);
    } else {
      shard.kernels.erase(slot);
    }
  }
  promise.set_value(kernel);
  return kernel;
}

KernelCacheCounts
KernelCache::count() const
{
  KernelCacheCounts total;
  for (const auto& shard : m_shards) {
    std::lock_guard lock(shard->mutex);
    total.specs += shard->specs.size();
    total.kernels += shard->recent.size();
    total.hits += shard->counts.hits;
    total.misses += shard->counts.misses;
    total.evictions += shard->counts.evictions;
    total.waits += shard->counts.waits;
  }
  return total;
}

} // namespace jitcache::kernel_cache
