#include "artifacts/recorder.hpp"

#include <algorithm>

namespace jitcache::artifacts {

void
Recorder::note(std::string_view kind, const Key& key)
{
  if (m_also != nullptr) {
    m_also->note(kind, key);
  }
  std::lock_guard lock(m_mutex);
  if (m_seen.emplace(std::string(kind), key).second) {
    m_noted.stored.emplace_back(std::string(kind), key);
  }
}

void
Recorder::note_entry(const Entry& entry)
{
  if (m_also != nullptr) {
    m_also->note_entry(entry);
  }
  std::lock_guard lock(m_mutex);
  auto same = std::find_if(m_noted.kept.begin(), m_noted.kept.end(), [&](const Entry& kept) {
    return kept.kind == entry.kind && kept.key == entry.key && kept.guard == entry.guard;
  });
  if (same != m_noted.kept.end()) {
    *same = entry;
  } else {
    m_noted.kept.push_back(entry);
  }
}

Recorder::Noted
Recorder::noted() const
{
  std::lock_guard lock(m_mutex);
  return m_noted;
}

void
Recorder::clear()
{
  std::lock_guard lock(m_mutex);
  m_noted = {};
  m_seen.clear();
}

} // namespace jitcache::artifacts
