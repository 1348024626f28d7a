// StaticIndex: the function cache's entries with static guards, found by the hash of the call's
// CallKey in O(1) however many there are. Open addressing with linear probing over atomic slots: a
// reader probes without a lock; the single writer (holding the owner's mutex) only fills
// empty slots, or builds a table twice the size and publishes it (old tables are kept until
// the index dies). Entries sharing a key are probed in insertion order.
#pragma once

#include "dispatch/cache_entry.hpp"

#include <atomic>
#include <memory>
#include <span>
#include <vector>

namespace jitcache::dispatch {

class StaticIndex {
public:
  StaticIndex() { rebuild(16); }

  // The first entry in insertion order that admits `args`, whose CallKey is `key`.
  const CacheEntry*
  find(const guards::CallKey& key, std::span<const ArgView> args) const
  {
    const uint64_t hash = key.hash();
    const Table* table = m_table.load(std::memory_order_acquire);
    for (size_t i = hash & table->mask;; i = (i + 1) & table->mask) {
      const CacheEntry* entry = table->slots[i].load(std::memory_order_acquire);
      if (entry == nullptr) {
        return nullptr;
      }
      if (entry->fast->hash() == hash && !entry->invalid.load(std::memory_order_relaxed) &&
          entry->fast->admits(args)) {
        return entry;
      }
    }
  }

  // Writer. `entry->fast` must be set.
  void
  insert(CacheEntry* entry)
  {
    mark_shared_keys(entry);
    m_entries.push_back(entry);
    m_count.store(m_entries.size(), std::memory_order_release);
    const Table* table = m_table.load(std::memory_order_relaxed);
    if (m_entries.size() * 2 > table->mask + 1) {
      rebuild((table->mask + 1) * 2); // includes the new entry
      return;
    }
    place(*m_table.load(std::memory_order_relaxed), entry);
  }

  size_t
  size() const
  {
    return m_count.load(std::memory_order_acquire);
  }

private:
  struct Table {
    explicit Table(size_t capacity)
      : mask(capacity - 1), slots(new std::atomic<CacheEntry*>[capacity])
    {
      for (size_t i = 0; i < capacity; ++i) {
        slots[i].store(nullptr, std::memory_order_relaxed);
      }
    }
    size_t mask;
    std::unique_ptr<std::atomic<CacheEntry*>[]> slots;
  };

  // Entries that pack the same CallKey (they differ in strides, say) are found oldest first
  // by the probe; marking them keeps the function cache's last-hit shortcut from answering
  // with a younger one.
  void
  mark_shared_keys(CacheEntry* entry) const
  {
    const Table& table = *m_table.load(std::memory_order_relaxed);
    const uint64_t hash = entry->fast->hash();
    for (size_t i = hash & table.mask;; i = (i + 1) & table.mask) {
      CacheEntry* other = table.slots[i].load(std::memory_order_relaxed);
      if (other == nullptr) {
        return;
      }
      if (other->fast->hash() == hash) {
        other->shares_key.store(true, std::memory_order_relaxed);
        entry->shares_key.store(true, std::memory_order_relaxed);
      }
    }
  }

  static void
  place(Table& table, CacheEntry* entry)
  {
    size_t i = entry->fast->hash() & table.mask;
    while (table.slots[i].load(std::memory_order_relaxed) != nullptr) {
      i = (i + 1) & table.mask;
    }
    table.slots[i].store(entry, std::memory_order_release);
  }

  void
  rebuild(size_t capacity)
  {
    auto table = std::make_unique<Table>(capacity);
    for (CacheEntry* entry : m_entries) {
      place(*table, entry);
    }
    m_table.store(table.get(), std::memory_order_release);
    m_tables.push_back(std::move(table));
  }

  std::atomic<Table*> m_table{nullptr};
  std::vector<std::unique_ptr<Table>> m_tables; // the current one last
  std::vector<CacheEntry*> m_entries;           // in insertion order
  std::atomic<size_t> m_count{0};
};

} // namespace jitcache::dispatch
