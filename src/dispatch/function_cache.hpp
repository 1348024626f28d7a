// FunctionCache: level 0, the compiled variants of one traced function, each a guard set plus
// what the JIT compiled, and the lookup that picks the variant for a call.
//
// Lookup order, the same with or without the static index:
//   1. precompiled entries, in the order they were installed, never reordered (for bundles,
//      which are coming: nothing installs them yet);
//   2. entries whose guards are static (every argument's sizes fixed), oldest first: with the
//      index (the default) one hash probe finds them, so a hit costs the same with 1 entry
//      or 1,000; before the probe, the static entry that served the last static hit is
//      checked directly against the call (unless another entry packs the same key, which
//      would have to be tried first);
//   3. the other entries (with dynamic sizes), most recently used first: a hit moves its
//      entry to the front (unless move_hits_to_front is off); a new entry goes to the front.
// An invalidated entry never matches again and leaves the lists; its memory (and compiled
// code) lives until the cache does, because a concurrent caller may still be running it.
//
// Threads: lookups take no lock (entries sit in arrays of atomic pointers); inserts,
// invalidations and reorders take the cache's own mutex and bump a sequence counter, and a
// lookup that missed while one was under way repeats itself under the mutex.
#pragma once

#include "dispatch/cache_entry.hpp"
#include "dispatch/entry_list.hpp"
#include "dispatch/static_index.hpp"

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

namespace jitcache::dispatch {

struct FunctionCacheOptions {
  bool move_hits_to_front = true;
  bool static_index = true; // off: static entries are walked too (for comparisons)
};

class FunctionCache {
public:
  explicit FunctionCache(FunctionCacheOptions options = {}) : m_options(options) {}

  // The entry that serves a call with `args`, or nullptr.
  const CacheEntry* lookup(std::span<const ArgView> args);

  const CacheEntry* insert(guards::GuardSet guards, std::shared_ptr<const void> payload);
  const CacheEntry* install_precompiled(guards::GuardSet guards,
                                        std::shared_ptr<const void> payload);
  void invalidate(const CacheEntry* entry);

  // Live entries in lookup order.
  std::vector<const CacheEntry*> entries() const;
  size_t size() const;

  // Why no live entry admits `args`: one line per entry, "entry N: <failing guard>".
  std::string explain_miss(std::span<const ArgView> args) const;

  // Fail fast: counts, for a call that missed, which argument each live entry rejected it on.
  // Entries inserted later check the arguments that fail most often first (a guard set is
  // not reordered once readers may be checking it).
  void record_miss(std::span<const ArgView> args);

private:
  const CacheEntry* find(std::span<const ArgView> args, bool reorder);
  CacheEntry* add(guards::GuardSet guards, std::shared_ptr<const void> payload, bool precompiled);
  void
  begin_write()
  {
    m_writes.fetch_add(1, std::memory_order_acq_rel);
  }
  void
  end_write()
  {
    m_writes.fetch_add(1, std::memory_order_release);
  }

  FunctionCacheOptions m_options;
  mutable std::mutex m_mutex;        // writers
  std::atomic<uint64_t> m_writes{0}; // odd while a write is under way
  EntryList m_precompiled;
  EntryList m_static; // static entries when the index is off
  StaticIndex m_index;
  // The last static hit's entry, on a cache line of its own: threads calling with different
  // shapes write it, and readers of the other members should not pay for that.
  struct alignas(64) LastHit {
    std::atomic<const CacheEntry*> entry{nullptr};
  } m_last_static;
  EntryList m_dynamic;
  std::deque<std::unique_ptr<CacheEntry>> m_owned;
  std::vector<uint64_t> m_argument_failures; // by argument index
  uint64_t m_sequence = 0;
};

} // namespace jitcache::dispatch
