// LocalStore: the embedded default. A directory of entry files (see layout.hpp), safe for
// any number of processes and threads at once:
//  - writes go to a temporary file that is renamed into place, so readers never see a
//    partial entry and a lost race costs at most a miss;
//  - reads verify every record's checksum; a corrupt file is counted, removed and reported
//    as a miss, never returned;
//  - a hit refreshes the file's mtime (at most once a minute) for least-recently-used trims;
//  - each shard keeps file and size counters, so bounding the cache never scans all of it.
// Event statistics are buffered in memory and added to a shard's stats file at least once a
// second while busy, and when the store is destroyed.
#pragma once

#include "core/counters.hpp"
#include "core/entry_format.hpp"
#include "core/event_tally.hpp"
#include "storage/local/layout.hpp"
#include "storage/local/trimmer.hpp"
#include "util/files.hpp"

#include <jitcache/config.hpp>
#include <jitcache/store.hpp>

#include <chrono>
#include <mutex>

namespace jitcache::storage::local {

// The most variants (distinct guards) one key keeps; the oldest beyond it are dropped.
inline constexpr size_t k_max_variants = 16;
// A hit touches the entry's mtime only if it is older than this.
inline constexpr std::chrono::seconds k_refresh_interval{60};

enum class Access { off, read_only, read_write };

class LocalStore final : public Store {
public:
  explicit LocalStore(Config config);
  ~LocalStore() override;

  std::string_view
  tier() const override
  {
    return "local";
  }
  Expected<std::vector<Entry>> get(const Key& key, std::string_view kind) override;
  Expected<void> put(const Entry& entry) override;
  Expected<bool> remove(const Key& key) override;
  Expected<void> for_each_key(const std::function<bool(const Key&)>& visit) override;

  Access
  access() const
  {
    return m_access;
  }
  const Config&
  config() const
  {
    return m_config;
  }
  const Layout&
  layout() const
  {
    return m_layout;
  }
  Limits limits() const;

  // Reads a key's records without counting, refreshing or repairing anything.
  Expected<std::vector<core::DecodedEntry>> inspect(const Key& key,
                                                    const core::DecodeOptions& options = {}) const;

  // Adds to an event counter; buffered, see flush_stats.
  void record(std::string_view counter, uint64_t amount = 1);
  void record_miss(std::string_view kind);
  Expected<void> flush_stats();
  // The sum of every shard's counters and this process's unflushed ones.
  Expected<core::Counters> read_stats();
  // Zeroes event counters; content counters (files, bytes) are kept.
  Expected<void> zero_stats();

  Expected<TrimReport> trim(const Limits& limits);
  Expected<TrimReport> recount();
  // Removes every entry file; returns how many.
  Expected<uint64_t> clear();

private:
  // A change to one shard's stats file: event counts, and signed changes to its content.
  struct ShardDelta {
    core::Counters events;
    int64_t files = 0;
    int64_t bytes = 0;
  };

  Expected<void> write_entry_file(const Key& key, std::string_view kind,
                                  const std::vector<uint8_t>& record,
                                  const std::vector<uint8_t>& kept_records);
  void remove_corrupt(const Key& key, const std::filesystem::path& path, uint64_t size,
                      const Error& error);
  Expected<core::Counters> add_to_shard(int shard, const ShardDelta& delta);
  void maybe_flush_locked();
  Expected<void> flush_locked();

  // Opens an entry file relative to m_root_fd; -1 and errno as open(2) on failure.
  util::UniqueFd open_entry(const Key& key) const;

  Config m_config;
  Layout m_layout;
  Access m_access = Access::off;
  util::UniqueFd m_root_fd; // the cache directory, held open so lookups resolve fewer paths

  std::mutex m_pending_mutex;
  core::EventTally m_pending{"local"};
  std::chrono::steady_clock::time_point m_last_flush;
};

} // namespace jitcache::storage::local
