// RemoteTier: one configured remote tier as the tiered store uses it: its backend behind a
// circuit breaker, every outcome counted under the tier's name ("redis", "http", "redis#2").
// It never fails: a failure is counted, warned about once per outage, and answers as absent
// values or a write not made.
//
// Thread safety: every method may be called from several threads at once.
#pragma once

#include "core/remote_spec.hpp"
#include "storage/remote/backend.hpp"
#include "storage/remote/circuit_breaker.hpp"

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace jitcache::storage::remote {

// Adds to a named statistics counter (the local store keeps them).
using RecordCounter = std::function<void(std::string_view counter, uint64_t amount)>;

class RemoteTier {
public:
  RemoteTier(std::string name, core::RemoteSpec spec, std::unique_ptr<Backend> backend,
             RecordCounter record);

  const std::string&
  name() const
  {
    return m_name;
  }
  const core::RemoteSpec&
  spec() const
  {
    return m_spec;
  }
  bool
  read_only() const
  {
    return m_spec.read_only;
  }
  void
  record(std::string_view counter, uint64_t amount = 1) const
  {
    m_record(counter, amount);
  }

  // The values stored under `keys` (nullopt: absent, or the tier failed or is down; a failure
  // is counted, and hits and misses are for the caller to count once it has checked them).
  std::vector<std::optional<Bytes>> get(std::span<const Key> keys);
  // Stores `value` unless the tier is down or read-only; counts the write (under `kind`) or
  // the failure.
  enum class Written { stored, already_there, not_written };
  Written put(const Key& key, std::span<const uint8_t> value, std::string_view kind,
              Backend::PutMode mode = Backend::PutMode::if_absent);
  // Removes the key's value unless the tier is down or read-only; returns whether it did.
  bool remove(const Key& key);
  // Whether a value is stored under `key` (false when the tier fails or is down).
  bool contains(const Key& key);

  // Leases (backend.hpp): taken for k_lease_ttl and renewed on a background thread while
  // held, until release_lease(). `unavailable`: the tier is down, read-only, failed, or has
  // no leases; the caller goes on without one.
  static constexpr std::chrono::milliseconds k_lease_ttl{10000};
  struct Lease {
    enum class Answer { taken, held_elsewhere, unavailable };
    Answer answer = Answer::unavailable;
    std::string token; // when taken
  };
  Lease take_lease(const Key& key);
  void release_lease(const Key& key, const std::string& token);

private:
  // Counts a failure, and warns when it opens the breaker.
  void note_failure(const BackendFailure& failure, std::string_view operation);
  void note_success();

  // Renews every held lease each third of k_lease_ttl, until none is held.
  void renew_leases();

  std::string m_name;
  core::RemoteSpec m_spec;
  std::unique_ptr<Backend> m_backend;
  CircuitBreaker m_breaker;
  RecordCounter m_record;

  std::mutex m_lease_mutex;
  std::condition_variable m_lease_changed;
  std::map<Key, std::string> m_leases; // held: key -> token
  std::thread m_renewer;
  bool m_stopping = false;

public:
  ~RemoteTier();
  RemoteTier(const RemoteTier&) = delete;
  RemoteTier& operator=(const RemoteTier&) = delete;
};

// The backend a spec names; an error for a scheme this build cannot serve.
Expected<std::unique_ptr<Backend>> make_backend(const core::RemoteSpec& spec);

} // namespace jitcache::storage::remote
