#include "storage/remote/sharded_backend.hpp"

#include "util/xxh3.hpp"

#include <cmath>
#include <ranges>

namespace jitcache::storage::remote {

ShardedBackend::ShardedBackend(std::vector<Shard> shards) : m_shards(std::move(shards))
{
  m_identities.reserve(m_shards.size());
  for (const auto& shard : m_shards) {
    m_identities.push_back(shard.identity);
  }
}

size_t
ShardedBackend::choose(std::span<const core::RemoteShard> shards, const Key& key)
{
  size_t best = 0;
  double best_score = -1;
  for (size_t i = 0; i < shards.size(); ++i) {
    const uint64_t seed = XXH3_64bits(shards[i].name.data(), shards[i].name.size());
    const uint64_t hash = XXH3_64bits_withSeed(key.digest().data(), key.digest().size(), seed);
    // The hash's top 53 bits as a uniform number strictly between 0 and 1.
    const double uniform = (static_cast<double>(hash >> 11) + 0.5) / 9007199254740992.0;
    const double score = shards[i].weight / -std::log(uniform);
    if (score > best_score) {
      best = i;
      best_score = score;
    }
  }
  return best;
}

size_t
ShardedBackend::shard_of(const Key& key) const
{
  return choose(m_identities, key);
}

BackendResult<std::vector<std::optional<Bytes>>>
ShardedBackend::get(std::span<const Key> keys)
{
  std::vector<std::vector<size_t>> by_shard(m_shards.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    by_shard[shard_of(keys[i])].push_back(i);
  }
  std::vector<std::optional<Bytes>> values(keys.size());
  for (size_t s = 0; s < m_shards.size(); ++s) {
    if (by_shard[s].empty()) {
      continue;
    }
    std::vector<Key> asked;
    asked.reserve(by_shard[s].size());
    for (const size_t i : by_shard[s]) {
      asked.push_back(keys[i]);
    }
    auto answers = m_shards[s].backend->get(asked);
    if (!answers) {
      return std::unexpected(answers.error());
    }
    for (size_t n = 0; n < asked.size(); ++n) {
      values[by_shard[s][n]] = std::move((*answers)[n]);
    }
  }
  return values;
}

BackendResult<bool>
ShardedBackend::put(const Key& key, std::span<const uint8_t> value, PutMode mode)
{
  return backend_of(key).put(key, value, mode);
}

BackendResult<bool>
ShardedBackend::remove(const Key& key)
{
  return backend_of(key).remove(key);
}

BackendResult<bool>
ShardedBackend::contains(const Key& key)
{
  return backend_of(key).contains(key);
}

BackendResult<std::optional<std::string>>
ShardedBackend::take_lease(const Key& key, std::chrono::milliseconds ttl)
{
  return backend_of(key).take_lease(key, ttl);
}

BackendResult<bool>
ShardedBackend::renew_lease(const Key& key, const std::string& token, std::chrono::milliseconds ttl)
{
  return backend_of(key).renew_lease(key, token, ttl);
}

BackendResult<void>
ShardedBackend::release_lease(const Key& key, const std::string& token)
{
  return backend_of(key).release_lease(key, token);
}

BackendResult<std::vector<std::string>>
ShardedBackend::advice()
{
  std::vector<std::string> all;
  for (const auto& shard : m_shards) {
    auto advice = shard.backend->advice();
    if (!advice) {
      return std::unexpected(advice.error());
    }
    all.insert(all.end(), advice->begin(), advice->end());
  }
  return all;
}

} // namespace jitcache::storage::remote
