// Counters: named statistics such as "hit.local.kernel" or "bytes_written". Names are
// built by the helpers below so that every writer and reader spells them alike.
//
// Text form (the per-shard stats files): a first line "# jitcache stats 1", then one
// "name value" line per counter. A reader ignores a newer version's unknown names.
#pragma once

#include <jitcache/error.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace jitcache::core {

namespace counter {
std::string hit(std::string_view tier, std::string_view kind);   // hit.<tier>.<kind>
std::string miss(std::string_view tier, std::string_view kind);  // miss.<tier>.<kind>
std::string write(std::string_view tier, std::string_view kind); // write.<tier>.<kind>
std::string bypass(std::string_view reason);                     // bypass.<reason>
std::string error(std::string_view what);                        // error.<what>
// A remote tier's own counters, beside hit/miss/write above:
std::string failed(std::string_view tier, std::string_view operation); // error.<tier>.<read|write>
std::string timed_out(std::string_view tier, std::string_view operation); // timeout.<tier>.<op>
std::string corrupt_in(std::string_view tier); // corrupt.<tier>: a value that failed its checks
std::string read_from(std::string_view tier);  // bytes_read.<tier>
std::string written_to(std::string_view tier); // bytes_written.<tier>
std::string skipped(std::string_view tier);    // unavailable.<tier>: lookups while it was down
std::string dropped(std::string_view tier);    // dropped.<tier>: writes given up (queue, exit)
std::string rejected(std::string_view tier); // rejected.<tier>: entries without a trusted signature

inline constexpr std::string_view files = "files"; // entry files held now
inline constexpr std::string_view bytes = "bytes"; // their size on disk
inline constexpr std::string_view evictions = "evictions";
inline constexpr std::string_view evicted_bytes = "evicted_bytes";
inline constexpr std::string_view trims = "trims";
inline constexpr std::string_view corrupt = "corrupt";
inline constexpr std::string_view incompatible = "incompatible"; // written by a newer format
inline constexpr std::string_view bytes_read = "bytes_read";
inline constexpr std::string_view bytes_written = "bytes_written";
inline constexpr std::string_view time_saved_ms = "time_saved_ms";

// Counters that describe the cache's content rather than events; zero-stats keeps them.
bool is_content(std::string_view name);
} // namespace counter

class Counters {
public:
  using Map = std::map<std::string, uint64_t, std::less<>>;

  void add(std::string_view name, uint64_t amount = 1);
  // Subtracts, stopping at zero: content counters are hints and may drift.
  void subtract(std::string_view name, uint64_t amount);
  void set(std::string_view name, uint64_t value);
  uint64_t get(std::string_view name) const;
  // The sum of every counter whose name starts with `prefix`.
  uint64_t sum_prefix(std::string_view prefix) const;
  void merge(const Counters& other);
  bool
  empty() const
  {
    return m_values.empty();
  }
  void
  clear()
  {
    m_values.clear();
  }
  const Map&
  values() const
  {
    return m_values;
  }

  std::string serialize() const;
  // `origin` names the source in errors ("/cache/3/stats").
  static Expected<Counters> parse(std::string_view text, std::string_view origin);

private:
  Map m_values;
};

} // namespace jitcache::core
