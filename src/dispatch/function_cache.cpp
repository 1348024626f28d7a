#include "dispatch/function_cache.hpp"

#include "guards/call_key.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace jitcache::dispatch {

const CacheEntry*
FunctionCache::find(std::span<const ArgView> args, bool reorder)
{
  auto matches = [args](const CacheEntry& entry) { return entry.matches(args); };
  if (m_precompiled.size() != 0) {
    if (const CacheEntry* entry = m_precompiled.find(matches)) {
      return entry;
    }
  }
  if (m_options.static_index) {
    if (m_index.size() != 0) {
      // Calls mostly repeat the previous call's shapes: try the entry that served it first,
      // word by word against the arguments, before packing and hashing the call.
      const CacheEntry* last = m_last_static.entry.load(std::memory_order_acquire);
      if (last != nullptr && !last->invalid.load(std::memory_order_relaxed) &&
          last->fast->admits(args)) {
        return last;
      }
      guards::CallKey key; // packed to hash it for the probe
      if (key.pack(args)) {
        if (const CacheEntry* entry = m_index.find(key, args)) {
          if (!entry->shares_key.load(std::memory_order_relaxed)) {
            m_last_static.entry.store(entry, std::memory_order_release);
          }
          return entry;
        }
      }
    }
  } else if (const CacheEntry* entry = m_static.find(matches)) {
    return entry;
  }
  size_t index = 0;
  const CacheEntry* entry = m_dynamic.find(matches, &index);
  if (entry != nullptr && index != 0 && reorder && m_options.move_hits_to_front) {
    // Best effort: a busy writer means another thread is reordering; skip this time.
    std::unique_lock lock(m_mutex, std::try_to_lock);
    if (lock.owns_lock()) {
      size_t now = 0;
      if (m_dynamic.find([entry](const CacheEntry& other) { return &other == entry; }, &now)) {
        begin_write();
        m_dynamic.move_to_front(now);
        end_write();
      }
    }
  }
  return entry;
}

const CacheEntry*
FunctionCache::lookup(std::span<const ArgView> args)
{
  const uint64_t before = m_writes.load(std::memory_order_acquire);
  if (const CacheEntry* entry = find(args, true)) {
    return entry; // a match is a match, whatever was changing meanwhile
  }
  // The walk's slot loads are acquire loads, so none of them moves past this one.
  if ((before & 1U) == 0 && m_writes.load(std::memory_order_acquire) == before) {
    return nullptr;
  }
  // A writer moved entries during the walk: look again with writers held off.
  std::lock_guard lock(m_mutex);
  return find(args, false);
}

CacheEntry*
FunctionCache::add(guards::GuardSet guards, std::shared_ptr<const void> payload, bool precompiled)
{
  if (!m_argument_failures.empty()) {
    std::vector<uint64_t> failures(guards.item_count(), 0);
    for (uint32_t item = 0; item < failures.size(); ++item) {
      if (auto arg = guards.item_argument(item); arg && *arg < m_argument_failures.size()) {
        failures[item] = m_argument_failures[*arg];
      }
    }
    guards.order_checks(failures);
  }
  auto entry = std::make_unique<CacheEntry>();
  entry->fast = guards.static_match();
  entry->guards = std::move(guards);
  entry->payload = std::move(payload);
  entry->precompiled = precompiled;
  entry->sequence = m_sequence++;
  m_owned.push_back(std::move(entry));
  return m_owned.back().get();
}

const CacheEntry*
FunctionCache::insert(guards::GuardSet guards, std::shared_ptr<const void> payload)
{
  std::lock_guard lock(m_mutex);
  CacheEntry* entry = add(std::move(guards), std::move(payload), false);
  begin_write();
  if (!entry->fast) {
    m_dynamic.insert(0, entry);
  } else if (m_options.static_index) {
    m_index.insert(entry);
  } else {
    m_static.insert(m_static.size(), entry);
  }
  end_write();
  return entry;
}

const CacheEntry*
FunctionCache::install_precompiled(guards::GuardSet guards, std::shared_ptr<const void> payload)
{
  std::lock_guard lock(m_mutex);
  CacheEntry* entry = add(std::move(guards), std::move(payload), true);
  begin_write();
  m_precompiled.insert(m_precompiled.size(), entry);
  end_write();
  return entry;
}

void
FunctionCache::invalidate(const CacheEntry* entry)
{
  std::lock_guard lock(m_mutex);
  auto* owned = const_cast<CacheEntry*>(entry); // NOLINT(cppcoreguidelines-pro-type-const-cast)
  owned->invalid.store(true, std::memory_order_relaxed);
  const CacheEntry* served = entry;
  m_last_static.entry.compare_exchange_strong(served, nullptr);
  begin_write();
  if (!m_precompiled.remove(owned) && !m_static.remove(owned)) {
    m_dynamic.remove(owned);
  }
  end_write();
}

std::vector<const CacheEntry*>
FunctionCache::entries() const
{
  std::lock_guard lock(m_mutex);
  std::vector<const CacheEntry*> entries;
  for (const CacheEntry* entry : m_precompiled.snapshot()) {
    entries.push_back(entry);
  }
  std::vector<const CacheEntry*> statics;
  for (const auto& owned : m_owned) {
    if (!owned->precompiled && owned->fast && !owned->invalid.load()) {
      statics.push_back(owned.get());
    }
  }
  entries.insert(entries.end(), statics.begin(), statics.end());
  for (const CacheEntry* entry : m_dynamic.snapshot()) {
    entries.push_back(entry);
  }
  return entries;
}

size_t
FunctionCache::size() const
{
  return entries().size();
}

void
FunctionCache::record_miss(std::span<const ArgView> args)
{
  std::lock_guard lock(m_mutex);
  for (const auto& owned : m_owned) {
    if (owned->invalid.load(std::memory_order_relaxed)) {
      continue;
    }
    const auto item = owned->guards.failing_item(args);
    const auto arg = item ? owned->guards.item_argument(*item) : std::nullopt;
    if (arg) {
      if (m_argument_failures.size() <= *arg) {
        m_argument_failures.resize(*arg + 1U, 0);
      }
      ++m_argument_failures[*arg];
    }
  }
}

std::string
FunctionCache::explain_miss(std::span<const ArgView> args) const
{
  std::string text;
  size_t n = 0;
  for (const CacheEntry* entry : entries()) {
    const auto why = entry->guards.explain(args);
    text +=
      fmt::format("{}entry {}: {}", text.empty() ? "" : "\n", n++, why.empty() ? "matches" : why);
  }
  return text;
}

} // namespace jitcache::dispatch
