#include "core/event_tally.hpp"

namespace jitcache::core {

EventTally::PerKind&
EventTally::of(std::string_view kind)
{
  auto it = m_kinds.find(kind);
  if (it == m_kinds.end()) {
    it = m_kinds.emplace(std::string(kind), PerKind{}).first;
  }
  return it->second;
}

void
EventTally::hit(std::string_view kind, uint64_t bytes_read, uint64_t time_saved_ms)
{
  ++of(kind).hits;
  m_bytes_read += bytes_read;
  m_time_saved_ms += time_saved_ms;
  ++m_events;
}

void
EventTally::miss(std::string_view kind)
{
  ++of(kind).misses;
  ++m_events;
}

void
EventTally::add(std::string_view counter, uint64_t amount)
{
  m_other.add(counter, amount);
  ++m_events;
}

Counters
EventTally::snapshot() const
{
  Counters counters = m_other;
  for (const auto& [kind, counts] : m_kinds) {
    if (counts.hits > 0) {
      counters.add(counter::hit(m_tier, kind), counts.hits);
    }
    if (counts.misses > 0) {
      counters.add(counter::miss(m_tier, kind), counts.misses);
    }
  }
  if (m_bytes_read > 0) {
    counters.add(counter::bytes_read, m_bytes_read);
  }
  if (m_time_saved_ms > 0) {
    counters.add(counter::time_saved_ms, m_time_saved_ms);
  }
  return counters;
}

Counters
EventTally::take()
{
  Counters counters = snapshot();
  for (auto& [kind, counts] : m_kinds) {
    counts = PerKind{};
  }
  m_bytes_read = 0;
  m_time_saved_ms = 0;
  m_events = 0;
  m_other.clear();
  return counters;
}

} // namespace jitcache::core
