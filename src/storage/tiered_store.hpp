// TieredStore: the local store (level 2) in front of the remote tiers (level 3), as one Store.
// The runtime, the profile store and the command work through it.
//
//  - A lookup asks the local store, then each remote tier in configured order. A remote value
//    is decoded and checked (checksum, key) before it is used; one that fails is counted and
//    is a miss, never kept. A remote hit is written back to the local store (unless it cannot
//    be written), so the next lookup is local.
//  - get_many() looks many keys up with one request per remote tier for those the local store
//    misses (pipelined), as a warm start that misses a graph needs its kernels.
//  - A put writes to the local store at once and queues the write for every writable remote
//    tier (remote/write_queue.hpp): no call waits for a remote server. A value already on a
//    tier is kept, unless this process found it unusable (corrupt, another key's, untrusted):
//    then the new value replaces it, so a bad value does not block a key for good. flush(), and the
//    destructor, wait for the queue at most `remote_flush_timeout`.
//  - Loadable files travel inside the entry: toward a remote tier, a blob `X_file` naming a
//    loadable file of the local store carries the file's bytes, as blob `X.loadable`; coming
//    back, such a blob becomes a loadable file and an `X_file` blob again, or, when the local
//    store cannot keep files, the bytes under the name `X`.
//  - claim() lets one process of the fleet compile a key while the others wait for it: a lock
//    file in the local cache, and a lease on a remote tier.
//  - Trust (trust/trust_policy.hpp): every entry put is signed when a signing key is
//    configured; under require_signature, entries from the remote tiers (remote) or from
//    every tier (all) that a trusted key did not sign are rejected before anything uses
//    them: counted (rejected.<tier>), warned about once per tier, a miss, never kept.
//  - The bundle tier: entries a loaded bundle installed (artifacts/), in memory, asked before
//    every other tier and never written to; their libraries are loaded from memory.
//  - A listener (the artifacts recorder) hears of every entry a lookup returned or a put wrote.
//  - Remote tiers never fail a lookup or a put: a failure is counted, warned about once per
//    outage, and costs at most a timeout before the tier's circuit breaker opens.
// Statistics of every tier go to the local store's statistics files.
#pragma once

#include "storage/local/compile_lock.hpp"
#include "storage/local/local_store.hpp"
#include "storage/remote/remote_tier.hpp"
#include "storage/remote/write_queue.hpp"
#include "trust/trust_policy.hpp"

#include <jitcache/config.hpp>
#include <jitcache/store.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

namespace jitcache::storage {

// The name of the tier that serves what loaded bundles installed (in counters and Found::tier).
inline constexpr std::string_view k_bundle_tier = "bundle";

// CompileClaim: the right to compile one key, held until destroyed (TieredStore::claim). It
// holds the local cache's lock file for the key, so that this machine's processes compile it
// once, and a lease on the first writable remote tier that gives leases, so that the fleet's
// machines do. Destroyed, it frees the lock at once and the lease after the writes queued
// before it, so that machines waiting on the lease find the value when it goes.
class CompileClaim {
public:
  CompileClaim() = default;
  CompileClaim(CompileClaim&& other) noexcept;
  CompileClaim& operator=(CompileClaim&&) = delete;
  CompileClaim(const CompileClaim&) = delete;
  CompileClaim& operator=(const CompileClaim&) = delete;
  ~CompileClaim();

  // Another process or machine held the key meanwhile and may have stored it: look it up
  // again before compiling.
  bool
  waited() const
  {
    return m_waited;
  }

private:
  friend class TieredStore;

  std::optional<local::CompileLock> m_lock;
  remote::RemoteTier* m_tier = nullptr; // the tier whose lease this holds, if any
  remote::WriteQueue* m_writes = nullptr;
  Key m_key;
  std::string m_token;
  bool m_waited = false;
};

class TieredStore final : public Store {
public:
  // Opens the local store and the remote tiers `config.remote` names. A remote setting that
  // does not parse, or a tier this build cannot serve, is one error message, and the store
  // goes on without it.
  explicit TieredStore(Config config);
  ~TieredStore() override;

  std::string_view
  tier() const override
  {
    return "tiered";
  }
  Expected<Found> get(const Key& key, std::string_view kind) override;
  // Looks every key up; what the local store misses is asked of each remote tier in one
  // request per tier.
  std::vector<Found> get_many(std::span<const Key> keys, std::string_view kind);
  Expected<void> put(const Entry& entry) override;
  // Writes `entry` to the local store only (signed like every put): what describes this
  // machine, or remembers that the remote tiers had nothing.
  Expected<void> put_local(const Entry& entry);
  // Removes the key from the local store and from every writable remote tier.
  Expected<bool> remove(const Key& key) override;
  // The local store's keys.
  Expected<void> for_each_key(const std::function<bool(const Key&)>& visit) override;

  // The local store, for what only it does: loadable files, compile locks, statistics,
  // trimming.
  local::LocalStore&
  local()
  {
    return m_local;
  }
  const std::vector<std::unique_ptr<remote::RemoteTier>>&
  remotes() const
  {
    return m_remotes;
  }
  // Waits (at most `remote_flush_timeout`) for the queued remote writes, then writes the
  // statistics: what a process does before it exits. Returns the writes given up.
  size_t flush();

  // Uploads `variants` (a key's entries, as the local store keeps them) to every writable
  // remote tier now, without the queue, as one value. Returns each writable tier's outcome.
  // REQUIRES: !variants.empty(), all of one key.
  struct Pushed {
    const remote::RemoteTier* tier;
    remote::RemoteTier::Written written;
  };
  std::vector<Pushed> push(std::span<const Entry> variants);

  // Installs a bundle's entry records (key, record) as the bundle tier, beside those installed
  // before (a key's variants are replaced). A record is decoded when it is looked up; its
  // loadable files travel inline (X.loadable) and are handed out in memory (X).
  // REQUIRES: each record was checked and, under require_signature, its bundle trusted
  // (artifacts/bundle_format.hpp).
  void add_bundle_records(const std::vector<std::pair<Key, Bytes>>& records);
  // Writes entries that travelled (remote values, bundles) to the local store as this machine
  // keeps them: an `X.loadable` blob becomes a loadable file and an `X_file` blob, or, when
  // the local store cannot keep files, the bytes under the name `X`. Returns them so.
  std::vector<Entry> keep_locally(std::vector<Entry> entries);
  // `entry` as it travels off this machine: loadable files inline (`X_file` -> `X.loadable`).
  // nullopt if such a file is missing (trimmed meanwhile).
  std::optional<Entry> portable_form(const Entry& entry);

  // Hears of every entry a lookup returned (kind, key) and every entry put.
  using Listener = std::function<void(std::string_view kind, const Key& key)>;
  // REQUIRES: called before the store is used by more than one thread.
  void
  set_listener(Listener listener)
  {
    m_listener = std::move(listener);
  }

  // The right to compile `key`, waiting at most `timeout` for another holder (a process on
  // this machine, or a machine that holds the key's lease) to store it. Never fails: without
  // a local cache or a remote tier that gives leases, or once the wait runs out, the claim
  // holds less and the caller compiles anyway.
  CompileClaim claim(const Key& key, std::chrono::milliseconds timeout);

private:
  // Asks the remote tiers, in order, for keys[i] for each i in `missing`, filling found[i]
  // with what one of them has (written back to the local store) and counting every outcome.
  void ask_remotes(std::span<const Key> keys, std::string_view kind, std::vector<size_t> missing,
                   std::vector<Found>& found);
  // The entries in a remote value, checked; empty when it fails the checks (counted).
  std::vector<Entry> checked_entries(const remote::RemoteTier& tier, const Key& key,
                                     const Bytes& value);
  // The bundle tier's entries of `key` and `kind` (any kind if empty), counted; empty if none.
  Found find_in_bundles(const Key& key, std::string_view kind);
  void notify(const Found& found) const;
  // `unsigned_entry` as it is written: signed (when a key is configured), the listener told.
  Entry to_write(const Entry& unsigned_entry);

  // Removes the entries a trusted key did not sign, counting and warning under `tier`;
  // returns whether all were trusted.
  bool trusted(std::vector<Entry>& entries, std::string_view tier);
  // Whether this process found `key`'s value on `tier` unusable (and forgets it): the next
  // write there replaces the value instead of keeping it.
  bool unusable_on(const remote::RemoteTier& tier, const Key& key);

  Config m_config;
  local::LocalStore m_local;
  std::vector<std::unique_ptr<remote::RemoteTier>> m_remotes;
  remote::WriteQueue m_writes;
  trust::TrustPolicy m_trust;
  std::mutex m_unusable_mutex;
  std::set<std::pair<const remote::RemoteTier*, Key>> m_unusable; // guarded by the mutex
  std::shared_mutex m_bundle_mutex;
  std::unordered_map<Key, std::vector<Bytes>, KeyHash> m_bundle; // guarded by m_bundle_mutex
  std::atomic<bool> m_has_bundles{false}; // !m_bundle.empty(), read without the mutex
  Listener m_listener;
};

} // namespace jitcache::storage
