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
#include <optional>
#include <span>

struct stat;

namespace jitcache::storage::local {

// The most variants (distinct guards) one key keeps; the oldest beyond it are dropped.
inline constexpr size_t k_max_variants = 16;
// A hit touches the entry's mtime only if it is older than this.
inline constexpr std::chrono::seconds k_refresh_interval{60};

enum class Access { off, read_only, read_write };

// A loadable file, open and checked: `image` is what `fd` holds, and it hashes to the file's
// name. `fd` names the file that was checked even if `path` is replaced meanwhile, so a loader
// that opens `path` can confirm it got that file (jit::LoadedLibrary::open_checked_file).
struct LoadableFile {
  std::filesystem::path path;
  util::UniqueFd fd;
  Bytes image;
};

class LocalStore final : public Store {
public:
  explicit LocalStore(Config config);
  ~LocalStore() override;

  std::string_view
  tier() const override
  {
    return "local";
  }
  Expected<Found> get(const Key& key, std::string_view kind) override;
  Expected<void> put(const Entry& entry) override;
  Expected<bool> remove(const Key& key) override;
  Expected<void> for_each_key(const std::function<bool(const Key&)>& visit) override;
  // Whether an entry file of `key` exists; reads nothing and counts nothing.
  bool holds(const Key& key) const;

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

  // Loadable files (see layout.hpp): shared objects kept as plain files, named by their
  // content, so that a JIT can dlopen them where they lie instead of copying them into memory.
  // Stores `image` and returns its name; bytes that are stored already are not written again.
  Expected<Key> put_loadable(std::span<const uint8_t> image);
  // Opens loadable file `key` and checks that its bytes hash to its name. nullopt when it is
  // not there; a file that fails the check is counted, removed and also nullopt.
  Expected<std::optional<LoadableFile>> open_loadable(const Key& key);
  // Reads and checks loadable file `key` without counting, refreshing or repairing anything.
  Expected<Bytes> inspect_loadable(const Key& key) const;
  // The name a loadable file with these bytes has.
  static Key loadable_key(std::span<const uint8_t> image);

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
  // Removes every entry file and loadable file; returns how many.
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
  // Marks the directory for backup tools; done with the first file written, so that a process
  // that only reads (a start from a bundle, say) creates no more than it must.
  void write_cachedir_tag() const;
  // Writes a file atomically and counts it in `shard`; trims the shard when it is over its share.
  Expected<void> write_counted_file(const std::filesystem::path& path, int shard,
                                    std::string_view kind, std::span<const uint8_t> record,
                                    std::span<const uint8_t> kept_records);
  void remove_corrupt(const Key& key, const std::filesystem::path& path, uint64_t size,
                      const Error& error);
  Expected<core::Counters> add_to_shard(int shard, const ShardDelta& delta);
  void maybe_flush_locked();
  Expected<void> flush_locked();

  // Opens an entry file relative to m_root_fd; -1 and errno as open(2) on failure.
  util::UniqueFd open_entry(const Key& key) const;
  // The same for any file, given its path relative to the root.
  util::UniqueFd open_relative(const std::string& relative) const;
  // Touches a file that was hit, at most once per k_refresh_interval, for LRU trims.
  void refresh_mtime(int fd, const struct stat& st) const;

  Config m_config;
  Layout m_layout;
  Access m_access = Access::off;
  bool m_counts = false;    // statistics can be written (see the constructor)
  util::UniqueFd m_root_fd; // the cache directory, held open so lookups resolve fewer paths
  std::once_flag m_tag_once;

  std::mutex m_pending_mutex;
  core::EventTally m_pending{"local"};
  std::chrono::steady_clock::time_point m_last_flush;
};

} // namespace jitcache::storage::local
