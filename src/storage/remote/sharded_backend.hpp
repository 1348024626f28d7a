// ShardedBackend: one remote tier spread over several independent servers (the shards
// property). Each key belongs to one shard, chosen by weighted rendezvous hashing: every
// shard scores the key, weight / -ln(u) with u a hash of the shard's name and the key in
// (0, 1), and the highest score wins. A shard then holds about its weight's share of the
// keys, and adding a shard moves only the keys it now wins, about its share, all to it.
//
// Thread safety: as the shards' backends; every method may be called from several threads.
#pragma once

#include "core/remote_spec.hpp"
#include "storage/remote/backend.hpp"

#include <memory>
#include <vector>

namespace jitcache::storage::remote {

class ShardedBackend final : public Backend {
public:
  struct Shard {
    core::RemoteShard identity; // name and weight
    std::unique_ptr<Backend> backend;
  };
  // REQUIRES: !shards.empty().
  explicit ShardedBackend(std::vector<Shard> shards);

  // The index of the shard that holds `key`.
  size_t shard_of(const Key& key) const;

  // Reads each shard's keys in one call to it.
  BackendResult<std::vector<std::optional<Bytes>>> get(std::span<const Key> keys) override;
  BackendResult<bool> put(const Key& key, std::span<const uint8_t> value,
                          PutMode mode = PutMode::if_absent) override;
  BackendResult<bool> remove(const Key& key) override;
  BackendResult<bool> contains(const Key& key) override;
  BackendResult<std::optional<std::string>> take_lease(const Key& key,
                                                       std::chrono::milliseconds ttl) override;
  BackendResult<bool> renew_lease(const Key& key, const std::string& token,
                                  std::chrono::milliseconds ttl) override;
  BackendResult<void> release_lease(const Key& key, const std::string& token) override;
  // Every shard's advice.
  BackendResult<std::vector<std::string>> advice() override;

  // The rendezvous choice on its own, for tests: the index in `shards` that holds `key`.
  static size_t choose(std::span<const core::RemoteShard> shards, const Key& key);

private:
  Backend&
  backend_of(const Key& key) const
  {
    return *m_shards[shard_of(key)].backend;
  }

  std::vector<Shard> m_shards;
  std::vector<core::RemoteShard> m_identities;
};

} // namespace jitcache::storage::remote
