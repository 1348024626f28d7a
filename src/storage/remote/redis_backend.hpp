// RedisBackend: a remote tier on one Redis server (TCP or a Unix socket), through hiredis.
//
// A value lives under "<prefix>:<key in hex>"; the prefix defaults to "jitcache<entry format
// version>", so tiers of different formats never read each other's values. A put is
// `SET ... NX` (with `EX <ttl>` when a ttl is set); a multi-key get sends every GET before
// reading any reply (one round trip). Connections are opened on first use with the tier's
// connect timeout, authenticated and pointed at its database, and kept in a small pool; one
// that fails is closed, and the next operation opens another.
#pragma once

#include "core/remote_spec.hpp"
#include "storage/remote/backend.hpp"

#include <memory>
#include <mutex>
#include <random>
#include <vector>

struct redisContext;
struct redisReply;

namespace jitcache::storage::remote {

class RedisBackend final : public Backend {
public:
  explicit RedisBackend(core::RemoteSpec spec);
  ~RedisBackend() override;

  BackendResult<std::vector<std::optional<Bytes>>> get(std::span<const Key> keys) override;
  BackendResult<bool> put(const Key& key, std::span<const uint8_t> value) override;
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

  // The name a key's value, and its lease, have on the server.
  std::string redis_key(const Key& key) const;
  std::string lease_key(const Key& key) const;

private:
  struct ContextDeleter {
    void operator()(redisContext* context) const;
  };
  using Connection = std::unique_ptr<redisContext, ContextDeleter>;
  struct ReplyDeleter {
    void operator()(redisReply* reply) const;
  };
  using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

  // Runs one command on a pooled connection; an error reply is a refusal.
  BackendResult<Reply> run(std::span<const std::string_view> words, std::string_view doing);
  BackendResult<Connection> acquire();
  void release(Connection connection);
  // The failure the connection's last error is, naming the server.
  BackendFailure failure_of(const redisContext& context, std::string_view doing) const;

  core::RemoteSpec m_spec;
  std::string m_prefix;
  std::mutex m_mutex;
  std::vector<Connection> m_idle;                   // connections no operation is using
  std::mt19937_64 m_random{std::random_device{}()}; // lease tokens; guarded by m_mutex
};

} // namespace jitcache::storage::remote
