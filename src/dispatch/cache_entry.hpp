// CacheEntry: one compiled variant in a function cache: the guards under which it may serve
// a call and what the JIT compiled (opaque to the cache).
#pragma once

#include "guards/guard_set.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>

namespace jitcache::dispatch {

struct CacheEntry {
  guards::GuardSet guards;
  std::shared_ptr<const void> payload;     // the JIT's compiled code
  bool precompiled = false;                // installed ahead of time (from a bundle)
  std::optional<guards::StaticMatch> fast; // set when the guards are static (static_match())
  uint64_t sequence = 0;                   // insertion order
  std::atomic<bool> invalid{false};        // never matches again
  std::atomic<bool> shares_key{false};     // static: another entry packs the same CallKey

  bool
  matches(std::span<const ArgView> args) const
  {
    return !invalid.load(std::memory_order_relaxed) && guards.check(args);
  }
};

} // namespace jitcache::dispatch
