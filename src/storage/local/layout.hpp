// Where a local cache keeps its files.
//
//   <dir>/jitcache.conf              configuration (optional)
//   <dir>/CACHEDIR.TAG               tells backup tools to skip the directory
//   <dir>/<s>/stats                  counters of shard s (one hex digit: 16 shards)
//   <dir>/<s>/trim.lock              held while shard s is trimmed
//   <dir>/<s>/<bb>/<64-hex key>      the entry file: every variant of one key
//   <dir>/<s>/<bb>/<64-hex key>.so   a loadable file: a shared object as is, named by the
//                                    BLAKE2b of its bytes, so it can be dlopen-ed where it lies
//   <dir>/<s>/<bb>/.tmp-*            a write in progress (or a stale one, removed by trims)
//   <dir>/locks/<64-hex key>.lock    held while one process compiles that key (others wait)
//
// The shard is the key's first hex digit and the bucket <bb> the next two, so 4,096 bucket
// directories share the entries and none grows large.
#pragma once

#include <jitcache/key.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string_view>

namespace jitcache::storage::local {

inline constexpr int k_shard_count = 16;

// Space an entry file is counted as using: its size rounded up to a 4 KiB block, which is
// what it costs on common file systems. Puts, trims and recounts all count this way.
inline uint64_t
disk_size(uint64_t file_size)
{
  return (file_size + 4095) & ~uint64_t{4095};
}

// The suffix that marks a loadable file (see above).
inline constexpr std::string_view k_loadable_suffix = ".so";

struct StoredFile {
  std::filesystem::path path;
  std::optional<Key> key; // nullopt for temporary files
  bool loadable = false;  // a loadable file, not an entry file
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  bool regular = true; // false: something else (a directory, a link) stands under the name
};

class Layout {
public:
  explicit Layout(std::filesystem::path root)
    : m_root(std::move(root)), m_root_string(m_root.string())
  {
  }

  const std::filesystem::path&
  root() const
  {
    return m_root;
  }
  static int
  shard_of(const Key& key)
  {
    return key.digest()[0] >> 4;
  }
  std::filesystem::path shard_dir(int shard) const;
  std::filesystem::path bucket_dir(const Key& key) const;
  std::filesystem::path entry_path(const Key& key) const;
  // The same as a plain string, and relative to the root ("s/bb/<key>"): the lookup path
  // opens entries relative to the root directory, with no path parsing.
  std::string entry_path_string(const Key& key) const;
  static std::string relative_entry_path(const Key& key);
  // A loadable file's path relative to the root ("s/bb/<key>.so").
  static std::string relative_loadable_path(const Key& key);
  std::filesystem::path
  stats_path(int shard) const
  {
    return shard_dir(shard) / "stats";
  }
  std::filesystem::path
  trim_lock_path(int shard) const
  {
    return shard_dir(shard) / "trim.lock";
  }
  std::filesystem::path
  compile_lock_path(const Key& key) const
  {
    return m_root / "locks" / (key.to_hex() + ".lock");
  }
  std::filesystem::path
  config_path() const
  {
    return m_root / "jitcache.conf";
  }

  // Visits every entry file, loadable file and temporary file of a shard. Files that vanish
  // meanwhile are skipped; other files are ignored.
  void scan_shard(int shard, const std::function<void(const StoredFile&)>& visit) const;
  // The same, and also what stands under a stored file's name without being a regular file
  // (a directory or a link put there by hand): nothing reads it, and every write of its key
  // fails until it is gone. For `jitcache verify`.
  void scan_names(int shard, const std::function<void(const StoredFile&)>& visit) const;

private:
  std::filesystem::path m_root;
  std::string m_root_string;
};

} // namespace jitcache::storage::local
