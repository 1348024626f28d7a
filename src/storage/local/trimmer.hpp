// Trimming keeps a local cache within its bounds, removing the least recently used entry
// files first (a hit refreshes a file's mtime). Automatic trims work on one shard after a
// write pushed it past its share of the bounds; a full trim sorts the whole cache.
#pragma once

#include "storage/local/layout.hpp"

#include <jitcache/error.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>

namespace jitcache::storage::local {

struct Limits {
  uint64_t max_bytes = 0; // 0: no bound
  uint64_t max_files = 0; // 0: no bound
};

struct TrimReport {
  uint64_t files_before = 0;
  uint64_t bytes_before = 0;
  uint64_t files_removed = 0;
  uint64_t bytes_removed = 0;
  uint64_t temps_removed = 0;
  uint64_t files_after = 0;
  uint64_t bytes_after = 0;
};

// Temporary files older than this belong to writers that died; trims remove them.
inline constexpr std::chrono::hours k_stale_temp_age{1};

// Trims one shard down to `target` unless another process is trimming it already (then
// returns an empty report). `keep` is never removed: the entry a write just stored.
Expected<TrimReport> trim_shard(const Layout& layout, int shard, const Limits& target,
                                const std::filesystem::path& keep);

// Trims the whole cache to `limits`, oldest entries first across all shards, and rewrites
// every shard's content counters from what remains.
Expected<TrimReport> trim_all(const Layout& layout, const Limits& limits);

// Rebuilds every shard's content counters (files, bytes) from the entry files.
Expected<TrimReport> recount(const Layout& layout);

} // namespace jitcache::storage::local
