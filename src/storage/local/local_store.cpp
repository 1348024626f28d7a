#include "storage/local/local_store.hpp"

#include "storage/local/stats_file.hpp"
#include "util/atomic_file.hpp"
#include "util/files.hpp"
#include "util/log.hpp"

#include <jitcache/jitcache.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace jitcache::storage::local {

namespace {

constexpr std::string_view k_cachedir_tag =
  "Signature: 8a477f597d28d172789f06886806bc55\n"
  "# This file marks a jitcache cache directory; backup tools may skip it.\n";

constexpr uint64_t k_flush_after_events = 4096;
constexpr auto k_flush_interval = std::chrono::seconds(1);

Access
open_directory(const Config& config)
{
  if (config.disable) {
    return Access::off;
  }
  if (auto made = util::create_private_directory(config.dir); !made) {
    util::warn_once("local:unusable", fmt::format("{}; the local cache is off for this process",
                                                  made.error().message));
    return Access::off;
  }
  if (struct stat st{}; ::stat(config.dir.c_str(), &st) == 0 && util::writable_by_others(st)) {
    // Whoever can write the directory can plant entries in it.
    if (config.require_signature == RequireSignature::all) {
      util::warn_once("local:shared-refused",
                      fmt::format("cache directory {} can be written by other users ({}), and "
                                  "require_signature = all refuses it; the local cache is off "
                                  "for this process (chmod 700 makes it private)",
                                  config.dir.string(), util::describe_permissions(st)));
      return Access::off;
    }
    util::warn_once("local:shared",
                    fmt::format("cache directory {} can be written by other users ({}): any of "
                                "them can plant code that this process runs; make it private "
                                "(chmod 700), or set require_signature = all with trusted_keys",
                                config.dir.string(), util::describe_permissions(st)));
  }
  if (::access(config.dir.c_str(), R_OK | X_OK) != 0) {
    util::warn_once("local:unusable",
                    fmt::format("cache directory {} is not readable: {}; the local cache is off "
                                "for this process",
                                config.dir.string(), std::strerror(errno)));
    return Access::off;
  }
  if (config.read_only) {
    return Access::read_only;
  }
  if (::access(config.dir.c_str(), W_OK) != 0) {
    util::warn_once("local:read-only",
                    fmt::format("cache directory {} is not writable: {}; entries will be read "
                                "but not stored",
                                config.dir.string(), std::strerror(errno)));
    return Access::read_only;
  }
  return Access::read_write;
}

// One shard's part of the bounds, never rounded down to 0 (which would mean "no bound").
Limits
shard_share(const Limits& limits)
{
  auto part = [](uint64_t bound) {
    return bound == 0 ? 0 : std::max<uint64_t>(1, bound / k_shard_count);
  };
  return Limits{part(limits.max_bytes), part(limits.max_files)};
}

int64_t
mtime_ns(const struct stat& st)
{
  return int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
}

// Reads an open entry file into an uninitialized buffer of exactly its size.
Expected<Bytes>
read_entry_file(int fd, const std::string& path, struct stat& st)
{
  if (::fstat(fd, &st) != 0) {
    return std::unexpected(util::errno_error("cannot stat", path, errno));
  }
  return util::read_sized(fd, static_cast<size_t>(st.st_size), path);
}

} // namespace

LocalStore::LocalStore(Config config)
  : m_config(std::move(config)), m_layout(m_config.dir), m_access(open_directory(m_config)),
    m_last_flush(std::chrono::steady_clock::now())
{
  if (m_access != Access::off) {
    m_root_fd = util::UniqueFd(::open(m_config.dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!m_root_fd) {
      util::warn_once("local:unusable", fmt::format("cannot open cache directory {}: {}; the local "
                                                    "cache is off for this process",
                                                    m_config.dir.string(), std::strerror(errno)));
      m_access = Access::off;
    }
  }
  // Statistics are counted wherever they can be written: with `read_only` set, entries are
  // not written, but a writable directory still keeps its counts (of remote tiers too).
  m_counts = m_access == Access::read_write ||
             (m_access == Access::read_only && ::access(m_config.dir.c_str(), W_OK) == 0);
}

util::UniqueFd
LocalStore::open_entry(const Key& key) const
{
  return open_relative(Layout::relative_entry_path(key));
}

bool
LocalStore::holds(const Key& key) const
{
  return m_access != Access::off &&
         ::faccessat(m_root_fd.get(), Layout::relative_entry_path(key).c_str(), F_OK, 0) == 0;
}

util::UniqueFd
LocalStore::open_relative(const std::string& relative) const
{
  int fd = ::openat(m_root_fd.get(), relative.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    // The directory opened at start may have been removed and made anew since: then the
    // entry can only be found by its path.
    struct stat root {};
    if (::fstat(m_root_fd.get(), &root) == 0 && root.st_nlink == 0) {
      fd = ::open((m_layout.root() / relative).c_str(), O_RDONLY | O_CLOEXEC);
    } else {
      errno = ENOENT;
    }
  }
  return util::UniqueFd(fd);
}

LocalStore::~LocalStore()
{
  (void)flush_stats();
}

Limits
LocalStore::limits() const
{
  return Limits{m_config.max_size, m_config.max_files};
}

void
LocalStore::record(std::string_view counter, uint64_t amount)
{
  if (!m_counts) {
    return;
  }
  std::lock_guard lock(m_pending_mutex);
  m_pending.add(counter, amount);
  maybe_flush_locked();
}

void
LocalStore::maybe_flush_locked()
{
  const auto now = std::chrono::steady_clock::now();
  if (m_pending.events() >= k_flush_after_events || now - m_last_flush >= k_flush_interval) {
    (void)flush_locked();
  }
}

Expected<void>
LocalStore::flush_locked()
{
  m_last_flush = std::chrono::steady_clock::now();
  if (m_pending.events() == 0) {
    return {};
  }
  // Processes spread their flushes over the shards' stats files to avoid contention.
  const int shard = static_cast<int>(::getpid() % k_shard_count);
  auto added = add_to_shard(shard, ShardDelta{m_pending.snapshot(), 0, 0});
  if (!added) {
    return std::unexpected(added.error());
  }
  (void)m_pending.take();
  return {};
}

Expected<void>
LocalStore::flush_stats()
{
  if (!m_counts) {
    return {};
  }
  std::lock_guard lock(m_pending_mutex);
  return flush_locked();
}

Expected<core::Counters>
LocalStore::add_to_shard(int shard, const ShardDelta& delta)
{
  if (auto made = util::create_directories(m_layout.shard_dir(shard)); !made) {
    return std::unexpected(made.error());
  }
  return update_stats_file(m_layout.stats_path(shard), [&](core::Counters& counters) {
    counters.merge(delta.events);
    for (auto [name, change] : {std::pair{core::counter::files, delta.files},
                                std::pair{core::counter::bytes, delta.bytes}}) {
      if (change >= 0) {
        counters.add(name, static_cast<uint64_t>(change));
      } else {
        counters.subtract(name, static_cast<uint64_t>(-change));
      }
    }
  });
}

Expected<core::Counters>
LocalStore::read_stats()
{
  core::Counters total;
  for (int shard = 0; shard < k_shard_count; ++shard) {
    auto counters = read_stats_file(m_layout.stats_path(shard));
    if (!counters) {
      return std::unexpected(counters.error());
    }
    total.merge(*counters);
  }
  std::lock_guard lock(m_pending_mutex);
  total.merge(m_pending.snapshot());
  return total;
}

Expected<void>
LocalStore::zero_stats()
{
  {
    std::lock_guard lock(m_pending_mutex);
    (void)m_pending.take();
  }
  for (int shard = 0; shard < k_shard_count; ++shard) {
    if (::access(m_layout.stats_path(shard).c_str(), F_OK) != 0) {
      continue;
    }
    auto zeroed = update_stats_file(m_layout.stats_path(shard), [](core::Counters& counters) {
      core::Counters kept;
      for (const auto& [name, value] : counters.values()) {
        if (core::counter::is_content(name)) {
          kept.set(name, value);
        }
      }
      counters = kept;
    });
    if (!zeroed) {
      return std::unexpected(zeroed.error());
    }
  }
  return {};
}

Expected<std::vector<core::DecodedEntry>>
LocalStore::inspect(const Key& key, const core::DecodeOptions& options) const
{
  const auto path = m_layout.entry_path(key);
  auto bytes = util::read_file(path);
  if (!bytes) {
    return std::unexpected(bytes.error());
  }
  auto decoded = core::decode_entries_of(key, Bytes::adopt(std::move(*bytes)), options);
  if (!decoded) {
    return make_error(decoded.error().code,
                      fmt::format("{}: {}", path.string(), decoded.error().message));
  }
  return decoded;
}

void
LocalStore::record_miss(std::string_view kind)
{
  if (!m_counts) {
    return;
  }
  std::lock_guard lock(m_pending_mutex);
  m_pending.miss(kind);
  maybe_flush_locked();
}

Expected<Found>
LocalStore::get(const Key& key, std::string_view kind)
{
  if (kind.empty()) {
    kind = "unknown"; // a hit is counted under the kind it finds; see below
  }
  if (m_access == Access::off) {
    return Found{};
  }
  util::UniqueFd fd = open_entry(key);
  if (!fd) {
    const int err = errno;
    record_miss(kind);
    if (err == ENOENT) {
      return Found{};
    }
    const auto path = m_layout.entry_path_string(key);
    record(core::counter::error("read"));
    const auto error = util::errno_error("cannot open", path, err);
    util::warn_once("local:read", error.message);
    return std::unexpected(error);
  }
  struct stat st {};
  auto bytes = read_entry_file(fd.get(), Layout::relative_entry_path(key), st);
  if (!bytes) {
    record_miss(kind);
    record(core::counter::error("read"));
    const Error error{bytes.error().code,
                      fmt::format("{} (in {})", bytes.error().message, m_config.dir.string())};
    util::warn_once("local:read", error.message);
    return std::unexpected(error);
  }
  if (util::writable_by_others(st)) {
    const auto path = m_layout.entry_path_string(key);
    if (m_config.require_signature == RequireSignature::all) {
      record_miss(kind);
      record(core::counter::rejected(tier()));
      util::warn_once("local:rejected-writable",
                      fmt::format("{} can be written by other users ({}); require_signature = "
                                  "all refuses such entries, compiling instead",
                                  path, util::describe_permissions(st)));
      return Found{};
    }
    util::warn_once("local:writable-entry", fmt::format("{} can be written by other users ({})",
                                                        path, util::describe_permissions(st)));
  }
  const uint64_t size = bytes->size();
  auto decoded = core::decode_entries_of(key, *bytes);
  if (!decoded) {
    record_miss(kind);
    const auto path = m_layout.entry_path_string(key);
    if (decoded.error().code == ErrorCode::unsupported) {
      record(core::counter::incompatible);
      util::warn_once("local:incompatible",
                      fmt::format("{}: {}; treated as a miss", path, decoded.error().message));
      return Found{};
    }
    remove_corrupt(key, path, size, decoded.error());
    return Found{};
  }

  refresh_mtime(fd.get(), st);
  Found found;
  found.tier = tier();
  found.entries.reserve(decoded->size());
  for (auto& record : *decoded) {
    found.entries.push_back(std::move(record.entry));
  }
  if (m_counts) {
    std::lock_guard lock(m_pending_mutex);
    m_pending.hit(kind == "unknown" ? found.front().kind : kind, size, found.front().compile_ms);
    maybe_flush_locked();
  }
  return found;
}

void
LocalStore::refresh_mtime(int fd, const struct stat& st) const
{
  if (m_access != Access::read_write) {
    return;
  }
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  if (std::chrono::nanoseconds(now) - std::chrono::nanoseconds(mtime_ns(st)) > k_refresh_interval) {
    (void)::futimens(fd, nullptr);
  }
}

void
LocalStore::remove_corrupt(const Key& key, const std::filesystem::path& path, uint64_t size,
                           const Error& error)
{
  record(core::counter::corrupt);
  util::warn_once("local:corrupt",
                  fmt::format("corrupt cache entry {}: {}; removed, treated as a miss",
                              path.string(), error.message));
  if (m_access == Access::read_write && ::unlink(path.c_str()) == 0) {
    (void)add_to_shard(Layout::shard_of(key),
                       ShardDelta{{}, -1, -static_cast<int64_t>(disk_size(size))});
  }
}

Expected<void>
LocalStore::put(const Entry& entry)
{
  if (m_access != Access::read_write) {
    return make_error(ErrorCode::disabled,
                      fmt::format("the local cache {} is {}", m_config.dir.string(),
                                  m_access == Access::off ? "off" : "read-only"));
  }
  auto record_bytes = core::encode_entry(entry, m_config.compression_level);
  if (!record_bytes) {
    return std::unexpected(record_bytes.error());
  }

  // Keep the other variants of this key: every record whose guard differs, newest first.
  std::vector<uint8_t> kept;
  const auto path = m_layout.entry_path(entry.key);
  if (auto old_bytes = util::read_file(path)) {
    const auto buffer = Bytes::adopt(std::move(*old_bytes));
    core::DecodeOptions options;
    options.decompress = false;
    if (auto old_records = core::decode_entries(buffer, options)) {
      size_t offset = 0;
      size_t variants = 1;
      for (const auto& old : *old_records) {
        if (old.entry.key == entry.key && old.entry.guard != entry.guard &&
            variants < k_max_variants) {
          kept.insert(kept.end(), buffer.data() + offset,
                      buffer.data() + offset + old.encoded_size);
          ++variants;
        }
        offset += old.encoded_size;
      }
    } else if (old_records.error().code != ErrorCode::unsupported) {
      record(core::counter::corrupt);
    }
  }
  if (auto written = write_entry_file(entry.key, entry.kind, *record_bytes, kept); !written) {
    return written;
  }
  return {};
}

Expected<void>
LocalStore::write_entry_file(const Key& key, std::string_view kind,
                             const std::vector<uint8_t>& record_bytes,
                             const std::vector<uint8_t>& kept_records)
{
  return write_counted_file(m_layout.entry_path(key), Layout::shard_of(key), kind, record_bytes,
                            kept_records);
}

void
LocalStore::write_cachedir_tag() const
{
  const auto tag = m_config.dir / "CACHEDIR.TAG";
  if (::access(tag.c_str(), F_OK) != 0) {
    (void)util::write_file_atomic(tag, k_cachedir_tag);
  }
}

Expected<void>
LocalStore::write_counted_file(const std::filesystem::path& path, int shard, std::string_view kind,
                               std::span<const uint8_t> record_bytes,
                               std::span<const uint8_t> kept_records)
{
  std::call_once(m_tag_once, [this] { write_cachedir_tag(); });
  auto file = util::AtomicFile::create(path);
  if (!file && file.error().code == ErrorCode::not_found) {
    if (auto made = util::create_directories(path.parent_path()); !made) {
      file = std::unexpected(made.error());
    } else {
      file = util::AtomicFile::create(path);
    }
  }
  Expected<void> written = file ? file->write(record_bytes) : std::unexpected(file.error());
  if (written && !kept_records.empty()) {
    written = file->write(kept_records);
  }
  Expected<util::AtomicFile::Committed> committed =
    written ? file->commit(m_config.sync) : std::unexpected(written.error());
  if (!committed) {
    const bool full = committed.error().code == ErrorCode::no_space;
    record(core::counter::error(full ? "no_space" : "write"));
    util::warn_once(full ? "local:no_space" : "local:write",
                    fmt::format("cannot store cache file: {}", committed.error().message));
    return std::unexpected(committed.error());
  }

  const uint64_t new_size = record_bytes.size() + kept_records.size();
  ShardDelta delta;
  delta.events.add(core::counter::write(tier(), kind));
  delta.events.add(core::counter::bytes_written, new_size);
  delta.files = committed->replaced ? 0 : 1;
  delta.bytes =
    static_cast<int64_t>(disk_size(new_size)) -
    (committed->replaced ? static_cast<int64_t>(disk_size(committed->replaced_size)) : 0);
  auto totals = add_to_shard(shard, delta);
  if (!totals) {
    util::warn_once("local:stats",
                    fmt::format("cannot update statistics: {}", totals.error().message));
    return {};
  }
  // Each shard may hold its share of the bounds; past it, trim the shard to 90% of its share.
  const auto share = shard_share(limits());
  const bool over_bytes =
    share.max_bytes != 0 && totals->get(core::counter::bytes) > share.max_bytes;
  const bool over_files =
    share.max_files != 0 && totals->get(core::counter::files) > share.max_files;
  if (over_bytes || over_files) {
    const Limits target{share.max_bytes - share.max_bytes / 10,
                        share.max_files - share.max_files / 10};
    if (auto trimmed = trim_shard(m_layout, shard, target, path); !trimmed) {
      util::warn_once("local:trim",
                      fmt::format("cannot trim the cache: {}", trimmed.error().message));
    }
  }
  return {};
}

Expected<bool>
LocalStore::remove(const Key& key)
{
  if (m_access != Access::read_write) {
    return make_error(ErrorCode::disabled, "the local cache is not writable");
  }
  const auto path = m_layout.entry_path(key);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return false;
  }
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) {
      return false;
    }
    return std::unexpected(util::errno_error("cannot remove", path.native(), errno));
  }
  const auto size = static_cast<int64_t>(disk_size(static_cast<uint64_t>(st.st_size)));
  (void)add_to_shard(Layout::shard_of(key), ShardDelta{{}, -1, -size});
  return true;
}

Expected<void>
LocalStore::for_each_key(const std::function<bool(const Key&)>& visit)
{
  if (m_access == Access::off) {
    return {};
  }
  bool go_on = true;
  for (int shard = 0; shard < k_shard_count && go_on; ++shard) {
    m_layout.scan_shard(shard, [&](const StoredFile& file) {
      if (go_on && file.key && !file.loadable) {
        go_on = visit(*file.key);
      }
    });
  }
  return {};
}

Expected<TrimReport>
LocalStore::trim(const Limits& limits)
{
  if (m_access != Access::read_write) {
    return make_error(ErrorCode::disabled, "the local cache is not writable");
  }
  return trim_all(m_layout, limits);
}

Expected<TrimReport>
LocalStore::recount()
{
  if (m_access != Access::read_write) {
    return make_error(ErrorCode::disabled, "the local cache is not writable");
  }
  return local::recount(m_layout);
}

Expected<uint64_t>
LocalStore::clear()
{
  if (m_access != Access::read_write) {
    return make_error(ErrorCode::disabled, "the local cache is not writable");
  }
  uint64_t removed = 0;
  for (int shard = 0; shard < k_shard_count; ++shard) {
    uint64_t kept_files = 0;
    uint64_t kept_bytes = 0;
    m_layout.scan_shard(shard, [&](const StoredFile& file) {
      if (::unlink(file.path.c_str()) == 0) {
        removed += file.key ? 1 : 0;
      } else if (file.key) {
        ++kept_files;
        kept_bytes += disk_size(file.size);
      }
    });
    if (::access(m_layout.shard_dir(shard).c_str(), F_OK) == 0) {
      auto updated = update_stats_file(m_layout.stats_path(shard), [&](core::Counters& counters) {
        counters.set(core::counter::files, kept_files);
        counters.set(core::counter::bytes, kept_bytes);
      });
      if (!updated) {
        return std::unexpected(updated.error());
      }
    }
  }
  return removed;
}

} // namespace jitcache::storage::local

namespace jitcache {

std::unique_ptr<Store>
open_local_store(const Config& config)
{
  util::set_log_level(config.log_level);
  return std::make_unique<storage::local::LocalStore>(config);
}

} // namespace jitcache
