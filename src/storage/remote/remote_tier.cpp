#include "storage/remote/remote_tier.hpp"

#include "core/counters.hpp"
#include "storage/remote/http_backend.hpp"
#include "storage/remote/redis_backend.hpp"
#include "storage/remote/sharded_backend.hpp"
#include "util/log.hpp"

#include <fmt/format.h>

namespace jitcache::storage::remote {

RemoteTier::RemoteTier(std::string name, core::RemoteSpec spec, std::unique_ptr<Backend> backend,
                       RecordCounter record)
  : m_name(std::move(name)), m_spec(std::move(spec)), m_backend(std::move(backend)),
    m_breaker(m_spec.cool_off), m_record(std::move(record))
{
}

void
RemoteTier::note_failure(const BackendFailure& failure, std::string_view operation)
{
  const bool timed_out = failure.kind == BackendFailure::Kind::timeout;
  record(timed_out ? core::counter::timed_out(m_name, operation)
                   : core::counter::failed(m_name, operation));
  if (failure.kind == BackendFailure::Kind::refused) {
    // The server answered: a full server still serves reads. One warning per kind of refusal.
    util::warn_once(fmt::format("{}:refused:{}", m_name, operation),
                    fmt::format("jitcache: remote tier {}: {}", m_name, failure.message));
    return;
  }
  if (m_breaker.failed(timed_out) == CircuitBreaker::Change::opened) {
    // One warning per outage, not one per call.
    util::log_warning(fmt::format("jitcache: remote tier {} is not used for {} ms: {}", m_name,
                                  m_spec.cool_off.count(), failure.message));
  } else {
    util::log_debug(failure.message);
  }
}

void
RemoteTier::note_success()
{
  if (m_breaker.succeeded() == CircuitBreaker::Change::closed) {
    util::log_info(
      fmt::format("jitcache: remote tier {} ({}) answers again", m_name, m_spec.display()));
  }
}

std::vector<std::optional<Bytes>>
RemoteTier::get(std::span<const Key> keys)
{
  std::vector<std::optional<Bytes>> absent(keys.size());
  if (keys.empty()) {
    return absent;
  }
  if (!m_breaker.allows()) {
    record(core::counter::skipped(m_name), keys.size());
    return absent;
  }
  auto values = m_backend->get(keys);
  if (!values) {
    note_failure(values.error(), "read");
    return absent;
  }
  note_success();
  return std::move(*values);
}

RemoteTier::Written
RemoteTier::put(const Key& key, std::span<const uint8_t> value, std::string_view kind,
                Backend::PutMode mode)
{
  if (read_only()) {
    return Written::not_written;
  }
  if (!m_breaker.allows()) {
    record(core::counter::dropped(m_name));
    return Written::not_written;
  }
  auto stored = m_backend->put(key, value, mode);
  if (!stored) {
    note_failure(stored.error(), "write");
    return Written::not_written;
  }
  note_success();
  if (!*stored) {
    return Written::already_there;
  }
  record(core::counter::write(m_name, kind));
  record(core::counter::written_to(m_name), value.size());
  return Written::stored;
}

bool
RemoteTier::remove(const Key& key)
{
  if (read_only() || !m_breaker.allows()) {
    return false;
  }
  auto removed = m_backend->remove(key);
  if (!removed) {
    note_failure(removed.error(), "write");
    return false;
  }
  note_success();
  return *removed;
}

bool
RemoteTier::contains(const Key& key)
{
  if (!m_breaker.allows()) {
    return false;
  }
  auto found = m_backend->contains(key);
  if (!found) {
    note_failure(found.error(), "read");
    return false;
  }
  note_success();
  return *found;
}

RemoteTier::Lease
RemoteTier::take_lease(const Key& key)
{
  if (read_only() || !m_breaker.allows()) {
    return {};
  }
  auto taken = m_backend->take_lease(key, k_lease_ttl);
  if (!taken) {
    if (taken.error().kind != BackendFailure::Kind::refused) {
      note_failure(taken.error(), "write");
    }
    return {};
  }
  note_success();
  if (!*taken) {
    return {Lease::Answer::held_elsewhere, {}};
  }
  std::lock_guard lock(m_lease_mutex);
  m_leases[key] = **taken;
  if (!m_renewer.joinable()) {
    m_stopping = false;
    m_renewer = std::thread([this] { renew_leases(); });
  }
  return {Lease::Answer::taken, **taken};
}

void
RemoteTier::release_lease(const Key& key, const std::string& token)
{
  {
    std::lock_guard lock(m_lease_mutex);
    m_leases.erase(key);
    m_lease_changed.notify_all();
  }
  if (m_breaker.allows()) {
    if (auto released = m_backend->release_lease(key, token); !released) {
      // It expires by itself within k_lease_ttl.
      util::log_debug(released.error().message);
    }
  }
}

void
RemoteTier::renew_leases()
{
  std::unique_lock lock(m_lease_mutex);
  while (!m_stopping) {
    m_lease_changed.wait_for(lock, k_lease_ttl / 3, [&] { return m_stopping; });
    if (m_stopping) {
      return;
    }
    const auto held = m_leases;
    lock.unlock();
    for (const auto& [key, token] : held) {
      auto renewed = m_backend->renew_lease(key, token, k_lease_ttl);
      if (!renewed || !*renewed) {
        // Lost (expired while this machine was frozen, say): another machine may compile the
        // key too, which costs time and writes the same content.
        util::log_debug(
          fmt::format("jitcache: remote tier {}: a lease on {} was lost", m_name, key.to_hex()));
      }
    }
    lock.lock();
  }
}

RemoteTier::~RemoteTier()
{
  {
    std::lock_guard lock(m_lease_mutex);
    m_stopping = true;
    m_lease_changed.notify_all();
  }
  if (m_renewer.joinable()) {
    m_renewer.join();
  }
}

Expected<std::unique_ptr<Backend>>
make_backend(const core::RemoteSpec& spec)
{
  if (!spec.shards.empty()) {
    std::vector<ShardedBackend::Shard> shards;
    shards.reserve(spec.shards.size());
    for (const auto& shard : spec.shards) {
      auto backend = make_backend(spec.for_shard(shard));
      if (!backend) {
        return std::unexpected(backend.error());
      }
      shards.push_back({shard, std::move(*backend)});
    }
    return std::make_unique<ShardedBackend>(std::move(shards));
  }
  switch (spec.scheme) {
  case core::RemoteScheme::redis:
  case core::RemoteScheme::redis_cluster:
  case core::RemoteScheme::redis_unix: return std::make_unique<RedisBackend>(spec);
  case core::RemoteScheme::http:
  case core::RemoteScheme::https: break;
  }
  auto http = HttpBackend::open(spec);
  if (!http) {
    return std::unexpected(http.error());
  }
  return std::unique_ptr<Backend>(std::move(*http));
}

} // namespace jitcache::storage::remote
