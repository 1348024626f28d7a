// RedisBackend: a remote tier on Redis (a server, a Unix socket, or a Redis Cluster),
// through hiredis; redis_router.hpp sends each command to the server that holds its key.
//
// A value lives under "<prefix>:<key in hex>"; the prefix defaults to "jitcache<entry format
// version>", so tiers of different formats never read each other's values. A put is
// `SET ... NX` (with `EX <ttl>` when a ttl is set); a multi-key get sends every GET before
// reading any reply (one round trip per server).
#pragma once

#include "core/remote_spec.hpp"
#include "storage/remote/backend.hpp"
#include "storage/remote/redis_router.hpp"

#include <memory>
#include <mutex>
#include <random>

namespace jitcache::storage::remote {

class RedisBackend final : public Backend {
public:
  explicit RedisBackend(core::RemoteSpec spec);
  ~RedisBackend() override;

  BackendResult<std::vector<std::optional<Bytes>>> get(std::span<const Key> keys) override;
  BackendResult<bool> put(const Key& key, std::span<const uint8_t> value,
                          PutMode mode = PutMode::if_absent) override;
  BackendResult<bool> remove(const Key& key) override;
  BackendResult<bool> contains(const Key& key) override;
  // A lease is the key "<prefix>:lease:<key>" holding the holder's random token, set with NX
  // and an expiry; renewing and releasing check the token (a Lua script), so a holder never
  // extends or frees a lease that expired and went to another.
  BackendResult<std::optional<std::string>> take_lease(const Key& key,
                                                       std::chrono::milliseconds ttl) override;
  BackendResult<bool> renew_lease(const Key& key, const std::string& token,
                                  std::chrono::milliseconds ttl) override;
  BackendResult<void> release_lease(const Key& key, const std::string& token) override;
  // Warns, per server, when maxmemory is unset (it grows until the machine runs out) or the
  // policy cannot make room for new values (noeviction, or volatile-* without a ttl).
  BackendResult<std::vector<std::string>> advice() override;

  // The name a key's value, and its lease, have on the server.
  std::string redis_key(const Key& key) const;
  std::string lease_key(const Key& key) const;

private:
  // Runs one command about the Redis key `name`; an error reply is a refusal.
  BackendResult<RedisReply> run(const RedisCommand& command, const std::string& name,
                                std::string_view doing);

  core::RemoteSpec m_spec;
  std::string m_prefix;
  std::unique_ptr<RedisRouter> m_router;
  std::mutex m_random_mutex;
  std::mt19937_64 m_random{std::random_device{}()}; // lease tokens; guarded by m_random_mutex
};

} // namespace jitcache::storage::remote
