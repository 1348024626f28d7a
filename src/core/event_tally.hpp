// EventTally: counts one tier's lookups in memory at hot-path cost (no counter names are
// built per event) until they are flushed as Counters.
#pragma once

#include "core/counters.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace jitcache::core {

class EventTally {
public:
  explicit EventTally(std::string tier) : m_tier(std::move(tier)) {}

  void hit(std::string_view kind, uint64_t bytes_read, uint64_t time_saved_ms);
  void miss(std::string_view kind);
  // Any other counter, by name (rare events: errors, corrupt entries).
  void add(std::string_view counter, uint64_t amount = 1);

  // Events recorded since the last take().
  uint64_t
  events() const
  {
    return m_events;
  }
  Counters snapshot() const;
  // Returns the counts and starts again from zero.
  Counters take();

private:
  struct StringHash {
    using is_transparent = void;
    size_t
    operator()(std::string_view text) const noexcept
    {
      return std::hash<std::string_view>{}(text);
    }
  };
  struct PerKind {
    uint64_t hits = 0;
    uint64_t misses = 0;
  };

  PerKind& of(std::string_view kind);

  std::string m_tier;
  std::unordered_map<std::string, PerKind, StringHash, std::equal_to<>> m_kinds;
  uint64_t m_bytes_read = 0;
  uint64_t m_time_saved_ms = 0;
  uint64_t m_events = 0;
  Counters m_other;
};

} // namespace jitcache::core
