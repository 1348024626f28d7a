// Store: where entries live, behind one small interface. Today the local directory (the
// embedded default, open_local_store) implements it.
#pragma once

#include <jitcache/entry.hpp>
#include <jitcache/error.hpp>
#include <jitcache/key.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace jitcache {

// What a lookup found: every stored variant of the key, newest first (none: a miss), and
// which tier answered. It reads like the list of variants (empty(), front(), [i], a range).
struct Found {
  std::vector<Entry> entries;
  std::string tier; // "local", "redis", ...; empty on a miss

  bool
  empty() const
  {
    return entries.empty();
  }
  size_t
  size() const
  {
    return entries.size();
  }
  const Entry&
  front() const
  {
    return entries.front();
  }
  const Entry&
  operator[](size_t i) const
  {
    return entries[i];
  }
  std::vector<Entry>::const_iterator
  begin() const
  {
    return entries.begin();
  }
  std::vector<Entry>::const_iterator
  end() const
  {
    return entries.end();
  }
};

class Store {
public:
  virtual ~Store() = default;

  // A short name for logs and statistics: "local", "redis", "http", ...
  virtual std::string_view tier() const = 0;

  // Every stored variant of `key`, newest first, and the tier that answered; no variant is a
  // miss. `kind` is the artifact kind the caller expects, used for statistics (empty: count a
  // hit under the kind found, a miss under "unknown"). An error is also a miss to the caller:
  // the store has already counted and logged it.
  virtual Expected<Found> get(const Key& key, std::string_view kind) = 0;

  // Stores one variant. It replaces the variant of the same key with the same guard and
  // keeps the others.
  virtual Expected<void> put(const Entry& entry) = 0;

  // Removes every variant of `key`; returns whether anything was there.
  virtual Expected<bool> remove(const Key& key) = 0;

  // Calls `visit` for each stored key until it returns false.
  virtual Expected<void> for_each_key(const std::function<bool(const Key&)>& visit) = 0;
};

} // namespace jitcache
