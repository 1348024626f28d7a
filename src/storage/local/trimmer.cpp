#include "storage/local/trimmer.hpp"

#include "core/counters.hpp"
#include "storage/local/stats_file.hpp"
#include "util/lock_file.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <optional>
#include <unistd.h>
#include <vector>

namespace jitcache::storage::local {

namespace {

struct ShardContent {
  std::vector<StoredFile> entries;
  uint64_t bytes = 0;
};

int64_t
now_ns()
{
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

// Lists a shard's entries and removes its stale temporary files on the way.
ShardContent
collect_shard(const Layout& layout, int shard, TrimReport& report)
{
  const int64_t stale_before =
    now_ns() - std::chrono::duration_cast<std::chrono::nanoseconds>(k_stale_temp_age).count();
  ShardContent content;
  layout.scan_shard(shard, [&](const StoredFile& file) {
    if (!file.key) {
      if (file.mtime_ns < stale_before && ::unlink(file.path.c_str()) == 0) {
        ++report.temps_removed;
      }
      return;
    }
    content.bytes += disk_size(file.size);
    content.entries.push_back(file);
  });
  return content;
}

bool
over(const Limits& limits, uint64_t files, uint64_t bytes)
{
  return (limits.max_bytes != 0 && bytes > limits.max_bytes) ||
         (limits.max_files != 0 && files > limits.max_files);
}

Expected<void>
write_content_counters(const Layout& layout, int shard, uint64_t files, uint64_t bytes,
                       uint64_t evicted_files, uint64_t evicted_bytes)
{
  auto updated = update_stats_file(layout.stats_path(shard), [&](core::Counters& counters) {
    counters.set(core::counter::files, files);
    counters.set(core::counter::bytes, bytes);
    if (evicted_files > 0) {
      counters.add(core::counter::evictions, evicted_files);
      counters.add(core::counter::evicted_bytes, evicted_bytes);
      counters.add(core::counter::trims);
    }
  });
  if (!updated) {
    return std::unexpected(updated.error());
  }
  return {};
}

bool
older(const StoredFile& a, const StoredFile& b)
{
  return a.mtime_ns < b.mtime_ns;
}

} // namespace

Expected<TrimReport>
trim_shard(const Layout& layout, int shard, const Limits& target, const std::filesystem::path& keep)
{
  auto lock = util::LockFile::try_acquire(layout.trim_lock_path(shard));
  if (!lock) {
    return std::unexpected(lock.error());
  }
  if (!*lock) {
    return TrimReport{}; // someone else is trimming this shard right now
  }
  TrimReport report;
  auto content = collect_shard(layout, shard, report);
  report.files_before = content.entries.size();
  report.bytes_before = content.bytes;
  std::sort(content.entries.begin(), content.entries.end(), older);
  uint64_t files = content.entries.size();
  uint64_t bytes = content.bytes;
  for (const auto& file : content.entries) {
    if (!over(target, files, bytes)) {
      break;
    }
    if (file.path == keep || ::unlink(file.path.c_str()) != 0) {
      continue;
    }
    --files;
    bytes -= disk_size(file.size);
    ++report.files_removed;
    report.bytes_removed += disk_size(file.size);
  }
  report.files_after = files;
  report.bytes_after = bytes;
  if (auto ok = write_content_counters(layout, shard, files, bytes, report.files_removed,
                                       report.bytes_removed);
      !ok) {
    return std::unexpected(ok.error());
  }
  return report;
}

Expected<TrimReport>
trim_all(const Layout& layout, const Limits& limits)
{
  std::vector<util::LockFile> locks;
  std::array<ShardContent, k_shard_count> shards;
  TrimReport report;
  std::vector<std::pair<int, StoredFile>> all;
  for (int shard = 0; shard < k_shard_count; ++shard) {
    if (auto made = util::create_directories(layout.shard_dir(shard)); !made) {
      return std::unexpected(made.error());
    }
    auto lock = util::LockFile::acquire(layout.trim_lock_path(shard));
    if (!lock) {
      return std::unexpected(lock.error());
    }
    locks.push_back(std::move(*lock));
    shards[shard] = collect_shard(layout, shard, report);
    report.files_before += shards[shard].entries.size();
    report.bytes_before += shards[shard].bytes;
    for (const auto& file : shards[shard].entries) {
      all.emplace_back(shard, file);
    }
  }
  std::sort(all.begin(), all.end(),
            [](const auto& a, const auto& b) { return older(a.second, b.second); });

  std::array<uint64_t, k_shard_count> evicted_files{};
  std::array<uint64_t, k_shard_count> evicted_bytes{};
  uint64_t files = report.files_before;
  uint64_t bytes = report.bytes_before;
  for (const auto& [shard, file] : all) {
    if (!over(limits, files, bytes)) {
      break;
    }
    if (::unlink(file.path.c_str()) != 0) {
      continue;
    }
    const uint64_t size = disk_size(file.size);
    --files;
    bytes -= size;
    ++evicted_files[shard];
    evicted_bytes[shard] += size;
    ++report.files_removed;
    report.bytes_removed += size;
  }
  for (int shard = 0; shard < k_shard_count; ++shard) {
    const uint64_t shard_files = shards[shard].entries.size() - evicted_files[shard];
    const uint64_t shard_bytes = shards[shard].bytes - evicted_bytes[shard];
    if (auto ok = write_content_counters(layout, shard, shard_files, shard_bytes,
                                         evicted_files[shard], evicted_bytes[shard]);
        !ok) {
      return std::unexpected(ok.error());
    }
  }
  report.files_after = files;
  report.bytes_after = bytes;
  return report;
}

Expected<TrimReport>
recount(const Layout& layout)
{
  return trim_all(layout, Limits{});
}

} // namespace jitcache::storage::local
