// Recorder: notes every artifact a process saved or hit, once each, so that save() can put
// them in one bundle. Entries of the store are noted by kind and key (the tiered store's
// listener) and read back when the bundle is made; artifacts that live only in memory (the
// JIT's precompiled functions) are kept whole. Safe to use from several threads.
#pragma once

#include <jitcache/entry.hpp>
#include <jitcache/key.hpp>

#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jitcache::artifacts {

class Recorder {
public:
  struct Noted {
    std::vector<std::pair<std::string, Key>> stored; // (kind, key) in the order first noted
    std::vector<Entry> kept;                         // in the order first noted
  };

  void note(std::string_view kind, const Key& key);
  // Keeps `entry`; a later one of the same kind, key and guard replaces it.
  void note_entry(const Entry& entry);
  Noted noted() const;
  void clear();
  // Notes everything in `other` too, from now on (nullptr: stop).
  void
  also_note_in(Recorder* other)
  {
    m_also = other;
  }

private:
  mutable std::mutex m_mutex;
  Noted m_noted;
  std::set<std::pair<std::string, Key>> m_seen;
  Recorder* m_also = nullptr;
};

} // namespace jitcache::artifacts
