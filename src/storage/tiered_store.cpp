#include "storage/tiered_store.hpp"

#include "core/counters.hpp"
#include "core/entry_format.hpp"
#include "core/loadable_blobs.hpp"
#include "trust/trust_policy.hpp"
#include "util/log.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <thread>

namespace jitcache::storage {

namespace {

// Remote writes queued at once, at most; past this a write is dropped (and counted).
constexpr size_t k_write_queue_bytes = size_t{256} << 20;

using core::k_file_suffix;
using core::k_loadable_suffix;

// The remote tiers a setting names, each counting into the local store. Tiers of one scheme
// are told apart by a number: "redis", "redis#2".
std::vector<std::unique_ptr<remote::RemoteTier>>
open_remotes(const Config& config, local::LocalStore& local)
{
  std::vector<std::unique_ptr<remote::RemoteTier>> tiers;
  if (config.disable || config.remote.empty()) {
    return tiers;
  }
  auto specs = core::parse_remote_specs(config.remote);
  if (!specs) {
    util::log_error(fmt::format(
      "jitcache: {}; running without remote tiers (origin: {})", specs.error().message,
      config.origins.count("remote") != 0 ? config.origins.at("remote") : std::string("option")));
    return tiers;
  }
  std::map<std::string, int, std::less<>> per_scheme;
  for (auto& spec : *specs) {
    auto backend = remote::make_backend(spec);
    if (!backend) {
      util::log_error(
        fmt::format("jitcache: {}; running without that tier", backend.error().message));
      continue;
    }
    const int number = ++per_scheme[std::string(spec.tier())];
    std::string name =
      number == 1 ? std::string(spec.tier()) : fmt::format("{}#{}", spec.tier(), number);
    tiers.push_back(std::make_unique<remote::RemoteTier>(
      std::move(name), std::move(spec), std::move(*backend),
      [&local](std::string_view counter, uint64_t amount) { local.record(counter, amount); }));
  }
  return tiers;
}

} // namespace

CompileClaim::CompileClaim(CompileClaim&& other) noexcept
  : m_lock(std::move(other.m_lock)), m_tier(other.m_tier), m_writes(other.m_writes),
    m_key(other.m_key), m_token(std::move(other.m_token)), m_waited(other.m_waited)
{
  other.m_lock.reset();
  other.m_tier = nullptr;
}

CompileClaim::~CompileClaim()
{
  if (m_tier) {
    m_writes->push({m_tier, m_key, {}, {}, m_token});
  }
}

CompileClaim
TieredStore::claim(const Key& key, std::chrono::milliseconds timeout)
{
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout;
  CompileClaim claim;
  claim.m_key = key;
  if (m_local.access() == local::Access::read_write) {
    bool waited = false;
    auto lock =
      local::CompileLock::acquire(m_local.layout().compile_lock_path(key), timeout, waited);
    if (lock) {
      claim.m_lock.emplace(std::move(*lock));
    } else {
      util::warn_once("compile-lock", fmt::format("jitcache: compiling without waiting for "
                                                  "other processes: {}",
                                                  lock.error().message));
    }
    if (waited) {
      claim.m_waited = true; // a process of this machine had it: look again first
      return claim;
    }
  }
  // The fleet: one tier coordinates, the first that can take writes.
  const auto coordinator = std::find_if(m_remotes.begin(), m_remotes.end(),
                                        [](const auto& tier) { return !tier->read_only(); });
  if (coordinator == m_remotes.end()) {
    return claim;
  }
  remote::RemoteTier& tier = **coordinator;
  auto pause = std::chrono::milliseconds(20);
  while (true) {
    const auto lease = tier.take_lease(key);
    if (lease.answer == remote::RemoteTier::Lease::Answer::unavailable) {
      return claim;
    }
    if (lease.answer == remote::RemoteTier::Lease::Answer::taken) {
      if (claim.m_waited && tier.contains(key)) {
        tier.release_lease(key, lease.token); // the holder stored it as its lease went
        return claim;
      }
      claim.m_tier = &tier;
      claim.m_writes = &m_writes;
      claim.m_token = lease.token;
      return claim;
    }
    claim.m_waited = true;
    if (tier.contains(key)) {
      return claim;
    }
    const auto now = Clock::now();
    if (now >= deadline) {
      util::warn_once("remote-lease-wait",
                      fmt::format("jitcache: compiling {} although another machine holds its "
                                  "lease on remote tier {}: waited {} ms",
                                  key.to_hex(), tier.name(), timeout.count()));
      return claim;
    }
    std::this_thread::sleep_for(std::min<Clock::duration>(pause, deadline - now));
    pause = std::min(pause * 2, std::chrono::milliseconds(200));
  }
}

TieredStore::TieredStore(Config config)
  : m_config(std::move(config)), m_local(m_config), m_remotes(open_remotes(m_config, m_local)),
    m_writes(k_write_queue_bytes), m_trust(trust::TrustPolicy::from_config(m_config))
{
}

bool
TieredStore::unusable_on(const remote::RemoteTier& tier, const Key& key)
{
  std::lock_guard lock(m_unusable_mutex);
  return m_unusable.erase({&tier, key}) > 0;
}

bool
TieredStore::trusted(std::vector<Entry>& entries, std::string_view tier)
{
  const size_t before = entries.size();
  std::string why;
  std::erase_if(entries, [&](const Entry& entry) {
    const auto verdict = m_trust.verify(entry);
    if (verdict != trust::Verdict::trusted && why.empty()) {
      why = fmt::format("{} ({})", entry.key.to_hex(), trust::describe(verdict));
    }
    return verdict != trust::Verdict::trusted;
  });
  if (entries.size() == before) {
    return true;
  }
  m_local.record(core::counter::rejected(tier), before - entries.size());
  util::warn_once(fmt::format("{}:rejected", tier),
                  fmt::format("jitcache: rejected entries from {} that require_signature wants "
                              "signed by a trusted key, first {}; compiling instead",
                              tier, why));
  return false;
}

TieredStore::~TieredStore()
{
  (void)flush();
}

size_t
TieredStore::flush()
{
  const size_t dropped = m_writes.drain(
    std::chrono::steady_clock::now() + std::chrono::milliseconds(m_config.remote_flush_timeout_ms));
  if (dropped > 0) {
    util::log_warning(fmt::format("jitcache: {} remote write{} could not be made before exit "
                                  "(remote_flush_timeout is {} ms)",
                                  dropped, dropped == 1 ? "" : "s",
                                  m_config.remote_flush_timeout_ms));
  }
  (void)m_local.flush_stats();
  return dropped;
}

std::vector<Entry>
TieredStore::checked_entries(const remote::RemoteTier& tier, const Key& key, const Bytes& value)
{
  auto decoded = core::decode_entries_of(key, value);
  if (!decoded || decoded->empty()) {
    tier.record(core::counter::corrupt_in(tier.name()));
    util::warn_once(fmt::format("{}:corrupt", tier.name()),
                    fmt::format("jitcache: the value of {} on remote tier {} is unusable, "
                                "treated as a miss: {}",
                                key.to_hex(), tier.name(),
                                decoded ? "no entry" : decoded.error().message));
    return {};
  }
  std::vector<Entry> entries;
  for (auto& record : *decoded) {
    entries.push_back(std::move(record.entry));
  }
  return entries;
}

std::vector<Entry>
TieredStore::keep_locally(std::vector<Entry> entries)
{
  const bool keeps_files = m_local.access() == local::Access::read_write;
  for (auto& entry : entries) {
    for (auto& blob : entry.blobs) {
      if (!blob.name.ends_with(k_loadable_suffix)) {
        continue;
      }
      const std::string name = blob.name.substr(0, blob.name.size() - k_loadable_suffix.size());
      auto file = keeps_files ? m_local.put_loadable(blob.data.span())
                              : Expected<Key>(make_error(ErrorCode::disabled, "read-only"));
      if (file) {
        blob = Blob{name + std::string(k_file_suffix), Bytes::copy_of(file->to_hex())};
      } else {
        blob.name = name; // the bytes stay inline: the JIT loads them from memory
      }
    }
  }
  if (keeps_files) {
    // Oldest first, so the local file lists them newest first, as the remote one did.
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
      (void)m_local.put(*it); // a failed write is counted and logged by the store
    }
  }
  return entries;
}

std::optional<Entry>
TieredStore::portable_form(const Entry& entry)
{
  Entry form = entry;
  for (auto& blob : form.blobs) {
    if (!blob.name.ends_with(k_file_suffix)) {
      continue;
    }
    auto file_key = Key::from_hex(blob.data.view());
    if (!file_key) {
      continue; // not a loadable file's name: an ordinary blob
    }
    auto image = m_local.inspect_loadable(*file_key);
    if (!image) {
      return std::nullopt; // trimmed meanwhile: a later put will carry it
    }
    blob = Blob{blob.name.substr(0, blob.name.size() - k_file_suffix.size()) +
                  std::string(k_loadable_suffix),
                std::move(*image)};
  }
  return form;
}

std::vector<Found>
TieredStore::get_many(std::span<const Key> keys, std::string_view kind)
{
  std::vector<Found> found(keys.size());
  std::vector<size_t> missing;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (auto bundled = find_in_bundles(keys[i], kind); !bundled.empty()) {
      found[i] = std::move(bundled);
      continue;
    }
    auto local = m_local.get(keys[i], kind);
    if (local && !local->empty() && m_trust.checks_local()) {
      (void)trusted(local->entries, m_local.tier());
    }
    if (local && !local->empty()) {
      found[i] = std::move(*local);
    } else {
      missing.push_back(i);
    }
  }
  ask_remotes(keys, kind, missing, found);
  for (const auto& one : found) {
    notify(one);
  }
  return found;
}

void
TieredStore::ask_remotes(std::span<const Key> keys, std::string_view kind,
                         std::vector<size_t> missing, std::vector<Found>& found)
{
  const std::string_view counted_kind = kind.empty() ? "unknown" : kind;
  for (const auto& tier : m_remotes) {
    if (missing.empty()) {
      break;
    }
    std::vector<Key> asked;
    asked.reserve(missing.size());
    for (size_t i : missing) {
      asked.push_back(keys[i]);
    }
    auto values = tier->get(asked);
    std::vector<size_t> still_missing;
    for (size_t n = 0; n < missing.size(); ++n) {
      const size_t i = missing[n];
      std::vector<Entry> entries =
        values[n] ? checked_entries(*tier, keys[i], *values[n]) : std::vector<Entry>{};
      if (m_trust.checks_remote()) {
        (void)trusted(entries, tier->name()); // never kept, never used
      }
      if (entries.empty() && values[n]) {
        // Corrupt, another key's, or untrusted: a value compiled here should replace it.
        std::lock_guard lock(m_unusable_mutex);
        m_unusable.emplace(tier.get(), keys[i]);
      }
      if (entries.empty()) {
        tier->record(core::counter::miss(tier->name(), counted_kind));
        still_missing.push_back(i);
        continue;
      }
      tier->record(core::counter::hit(tier->name(), kind.empty() ? entries.front().kind : kind));
      tier->record(core::counter::read_from(tier->name()), values[n]->size());
      tier->record(core::counter::time_saved_ms, entries.front().compile_ms);
      found[i] = Found{keep_locally(std::move(entries)), tier->name()};
    }
    missing = std::move(still_missing);
  }
}

void
TieredStore::add_bundle_records(const std::vector<std::pair<Key, Bytes>>& records)
{
  std::unordered_map<Key, std::vector<Bytes>, KeyHash> added;
  for (const auto& [key, record] : records) {
    added[key].push_back(record); // shares the bundle's buffer
  }
  std::unique_lock lock(m_bundle_mutex);
  for (auto& [key, variants] : added) {
    m_bundle[key] = std::move(variants);
  }
  m_has_bundles.store(!m_bundle.empty(), std::memory_order_release);
}

Found
TieredStore::find_in_bundles(const Key& key, std::string_view kind)
{
  if (!m_has_bundles.load(std::memory_order_acquire)) {
    return {}; // the usual case: no lock taken
  }
  std::vector<Bytes> records;
  {
    std::shared_lock lock(m_bundle_mutex);
    const auto variants = m_bundle.find(key);
    if (variants == m_bundle.end()) {
      return {};
    }
    records = variants->second;
  }
  Found found;
  for (const auto& record : records) {
    auto decoded = core::decode_entry(record);
    if (!decoded) {
      // Checked when the bundle was read; only a blob that does not decompress gets here.
      m_local.record(core::counter::corrupt_in(k_bundle_tier));
      util::warn_once("bundle:corrupt", fmt::format("jitcache: an entry of {} in a loaded bundle "
                                                    "is unusable, treated as a miss: {}",
                                                    key.to_hex(), decoded.error().message));
      continue;
    }
    auto& entry = decoded->entry;
    if (!kind.empty() && entry.kind != kind) {
      continue;
    }
    for (auto& blob : entry.blobs) {
      if (blob.name.ends_with(k_loadable_suffix)) {
        blob.name.resize(blob.name.size() - k_loadable_suffix.size()); // loaded from memory
      }
    }
    found.entries.push_back(std::move(entry));
  }
  if (!found.empty()) {
    found.tier = std::string(k_bundle_tier);
    m_local.record(core::counter::hit(k_bundle_tier, found.front().kind));
    m_local.record(core::counter::time_saved_ms, found.front().compile_ms);
  }
  return found;
}

void
TieredStore::notify(const Found& found) const
{
  if (m_listener) {
    for (const auto& entry : found.entries) {
      m_listener(entry.kind, entry.key);
    }
  }
}

Expected<Found>
TieredStore::get(const Key& key, std::string_view kind)
{
  if (auto bundled = find_in_bundles(key, kind); !bundled.empty()) {
    notify(bundled);
    return bundled;
  }
  auto local = m_local.get(key, kind);
  if (local && !local->empty() && m_trust.checks_local()) {
    (void)trusted(local->entries, m_local.tier());
  }
  if ((local && !local->empty()) || m_remotes.empty()) {
    if (local) {
      notify(*local);
    }
    return local;
  }
  std::vector<Found> found(1);
  ask_remotes(std::span(&key, 1), kind, {0}, found);
  notify(found.front());
  return std::move(found.front());
}

Entry
TieredStore::to_write(const Entry& unsigned_entry)
{
  Entry entry = unsigned_entry;
  m_trust.sign(entry);
  if (m_listener) {
    m_listener(entry.kind, entry.key);
  }
  return entry;
}

Expected<void>
TieredStore::put_local(const Entry& unsigned_entry)
{
  return m_local.put(to_write(unsigned_entry));
}

Expected<void>
TieredStore::put(const Entry& unsigned_entry)
{
  const Entry entry = to_write(unsigned_entry);
  auto stored = m_local.put(entry);
  const bool any_writable = std::any_of(m_remotes.begin(), m_remotes.end(),
                                        [](const auto& tier) { return !tier->read_only(); });
  if (!any_writable) {
    return stored;
  }
  auto form = portable_form(entry);
  auto bytes = form ? core::encode_entry(*form, m_config.compression_level)
                    : Expected<std::vector<uint8_t>>(make_error(ErrorCode::not_found, ""));
  if (bytes) {
    const Bytes value = Bytes::adopt(std::move(*bytes));
    for (const auto& tier : m_remotes) {
      if (!tier->read_only()) {
        // A value this process found unusable there is replaced, not kept.
        const auto mode = unusable_on(*tier, entry.key) ? remote::Backend::PutMode::replace
                                                        : remote::Backend::PutMode::if_absent;
        m_writes.push({tier.get(), entry.key, entry.kind, value, {}, mode});
      }
    }
  }
  return stored;
}

std::vector<TieredStore::Pushed>
TieredStore::push(std::span<const Entry> variants)
{
  std::vector<uint8_t> value;
  for (const auto& variant : variants) {
    auto form = portable_form(variant);
    auto bytes = form ? core::encode_entry(*form, m_config.compression_level)
                      : Expected<std::vector<uint8_t>>(make_error(ErrorCode::not_found, ""));
    if (!bytes) {
      continue; // a loadable file trimmed meanwhile, or a field the format cannot hold
    }
    value.insert(value.end(), bytes->begin(), bytes->end());
  }
  std::vector<Pushed> outcomes;
  for (const auto& tier : m_remotes) {
    if (tier->read_only()) {
      continue;
    }
    outcomes.push_back(
      {tier.get(), value.empty() ? remote::RemoteTier::Written::not_written
                                 : tier->put(variants.front().key, value, variants.front().kind)});
  }
  return outcomes;
}

Expected<bool>
TieredStore::remove(const Key& key)
{
  auto removed = m_local.remove(key);
  for (const auto& tier : m_remotes) {
    if (!tier->read_only()) {
      (void)tier->remove(key);
    }
  }
  return removed;
}

Expected<void>
TieredStore::for_each_key(const std::function<bool(const Key&)>& visit)
{
  return m_local.for_each_key(visit);
}

} // namespace jitcache::storage
