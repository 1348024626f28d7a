// Backend: one remote tier's server (Redis, an HTTP cache) as the tiered store sees it, a map
// from keys to bytes. As in ccache's remote storage, a value that is absent is an answer, not
// a failure, and a failure is an error, a timeout or a refusal, which the tiered store counts
// and of which the first two open its circuit breaker.
//
// A backend checks nothing in the bytes: the tiered store decodes and verifies every value it
// reads (checksum, key) before it uses or keeps it.
//
// Thread safety: every method may be called from several threads at once.
#pragma once

#include <jitcache/bytes.hpp>
#include <jitcache/key.hpp>

#include <chrono>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace jitcache::storage::remote {

struct BackendFailure {
  // error: the connection failed or the server spoke nonsense; timeout: no answer in time;
  // refused: the server answered, with a refusal (full, read-only, not authenticated), so the
  // connection is fine and the tier's other operations may still work.
  enum class Kind { error, timeout, refused };
  Kind kind = Kind::error;
  std::string message; // says what failed, and names the server
};

template<typename T>
using BackendResult = std::expected<T, BackendFailure>;

class Backend {
public:
  virtual ~Backend() = default;

  // The values stored under `keys`, in order (nullopt: absent), fetched in as few round trips
  // as the protocol allows. REQUIRES: !keys.empty().
  virtual BackendResult<std::vector<std::optional<Bytes>>> get(std::span<const Key> keys) = 0;

  // Stores `value` under `key`. if_absent: unless a value is there already (values are
  // content-addressed: the one there is as good); replace: over it, for a value that proved
  // unusable (corrupt, or not signed by a trusted key). Returns whether it stored.
  enum class PutMode { if_absent, replace };
  virtual BackendResult<bool> put(const Key& key, std::span<const uint8_t> value,
                                  PutMode mode = PutMode::if_absent) = 0;

  // Removes `key`'s value; returns whether there was one.
  virtual BackendResult<bool> remove(const Key& key) = 0;

  // Whether a value is stored under `key`, without reading it.
  virtual BackendResult<bool> contains(const Key& key) = 0;

  // Leases let machines compile a key once between them: the one that takes a key's lease
  // compiles it, the others wait for its value. A lease lasts `ttl` unless renewed, so a
  // holder that dies frees it. take_lease returns a token when it took the lease, nullopt
  // when another holder has it; renew_lease returns false when the lease was lost (expired,
  // maybe taken by another). A backend without leases refuses (BackendFailure::Kind::refused).
  virtual BackendResult<std::optional<std::string>> take_lease(const Key& key,
                                                               std::chrono::milliseconds ttl);
  virtual BackendResult<bool> renew_lease(const Key& key, const std::string& token,
                                          std::chrono::milliseconds ttl);
  virtual BackendResult<void> release_lease(const Key& key, const std::string& token);

  // What in the servers' own settings does not suit a cache, one sentence each, for
  // `jitcache remote check`; empty when all is well or the backend cannot tell.
  virtual BackendResult<std::vector<std::string>> advice();
};

} // namespace jitcache::storage::remote
