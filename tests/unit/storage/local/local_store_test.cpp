#include "storage/local/local_store.hpp"

#include "util/files.hpp"

#include "support/entries.hpp"
#include "support/local_config.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace jitcache::storage::local {

using jitcache::testing::config_for;
using jitcache::testing::make_entry;
using jitcache::testing::TempDir;

namespace {

// Sets a file's mtime to `seconds_ago` in the past.
void
age_file(const std::filesystem::path& path, int64_t seconds_ago)
{
  timespec times[2];
  ::clock_gettime(CLOCK_REALTIME, &times[0]);
  times[0].tv_sec -= seconds_ago;
  times[1] = times[0];
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
}

int64_t
mtime_s(const std::filesystem::path& path)
{
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_mtim.tv_sec;
}

// Every entry file decodes and matches its name; returns how many there are.
size_t
count_good_entries(const LocalStore& store)
{
  size_t good = 0;
  for (int shard = 0; shard < k_shard_count; ++shard) {
    store.layout().scan_shard(shard, [&](const StoredFile& file) {
      if (file.key) {
        EXPECT_TRUE(store.inspect(*file.key)) << file.path;
        ++good;
      }
    });
  }
  return good;
}

size_t
count_temp_files(const LocalStore& store)
{
  size_t temps = 0;
  for (int shard = 0; shard < k_shard_count; ++shard) {
    store.layout().scan_shard(shard, [&](const StoredFile& file) { temps += file.key ? 0 : 1; });
  }
  return temps;
}

// Runs `body` in a child process and returns its exit status (0 means its checks passed).
template<typename Body>
int
in_child(Body&& body)
{
  const pid_t pid = ::fork();
  if (pid == 0) {
    int code = 1;
    try {
      code = body();
    } catch (...) {
    }
    ::_exit(code);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

} // namespace

TEST(LocalStore, PutThenGet)
{
  TempDir dir;
  LocalStore store(config_for(dir.path()));
  ASSERT_EQ(store.access(), Access::read_write);
  const Entry entry = make_entry("a", 5000);
  EXPECT_TRUE(store.get(entry.key, "kernel").value().empty());
  ASSERT_TRUE(store.put(entry));
  const auto found = store.get(entry.key, "kernel").value();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(found[0].blobs[0].data == entry.blobs[0].data);
  EXPECT_EQ(found[0].details.size(), entry.details.size());
  EXPECT_TRUE(std::filesystem::exists(dir / "CACHEDIR.TAG"));

  const auto stats = store.read_stats().value();
  EXPECT_EQ(stats.get("hit.local.kernel"), 1u);
  EXPECT_EQ(stats.get("miss.local.kernel"), 1u);
  EXPECT_EQ(stats.get("write.local.kernel"), 1u);
  EXPECT_EQ(stats.get("files"), 1u);
  EXPECT_EQ(stats.get("bytes"), 4096u);
  EXPECT_EQ(stats.get("time_saved_ms"), 42u);
}

TEST(LocalStore, GuardedVariantsShareAKey)
{
  TempDir dir;
  LocalStore store(config_for(dir.path()));
  const Entry plain = make_entry("f", 100);
  Entry guarded = make_entry("f", 200, "s0 % 16 == 0");
  guarded.key = plain.key;
  ASSERT_TRUE(store.put(plain));
  ASSERT_TRUE(store.put(guarded));
  auto found = store.get(plain.key, "kernel").value();
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].guard, "s0 % 16 == 0"); // newest first
  EXPECT_EQ(found[1].guard, "");

  Entry replacement = make_entry("f", 300);
  replacement.key = plain.key;
  ASSERT_TRUE(store.put(replacement));
  found = store.get(plain.key, "kernel").value();
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].blobs[0].data.size(), 300u);
  EXPECT_EQ(store.read_stats().value().get("files"), 1u);
}

TEST(LocalStore, VariantsAreBounded)
{
  TempDir dir;
  LocalStore store(config_for(dir.path()));
  const Key key = make_entry("many").key;
  for (size_t i = 0; i < k_max_variants + 5; ++i) {
    Entry entry = make_entry("many", 10, "s0 == " + std::to_string(i));
    entry.key = key;
    ASSERT_TRUE(store.put(entry));
  }
  const auto found = store.get(key, "kernel").value();
  ASSERT_EQ(found.size(), k_max_variants);
  EXPECT_EQ(found[0].guard, "s0 == " + std::to_string(k_max_variants + 4));
}

TEST(LocalStore, CorruptFileIsCountedRemovedAndMissed)
{
  TempDir dir;
  LocalStore store(config_for(dir.path()));
  const Entry entry = make_entry("c", 1000);
  ASSERT_TRUE(store.put(entry));
  const auto path = store.layout().entry_path(entry.key);
  auto bytes = util::read_file(path).value();
  bytes[bytes.size() / 2] ^= 0x10;
  ASSERT_TRUE(util::write_file_atomic(path, bytes));

  EXPECT_TRUE(store.get(entry.key, "kernel").value().empty());
  EXPECT_FALSE(std::filesystem::exists(path));
  const auto stats = store.read_stats().value();
  EXPECT_EQ(stats.get("corrupt"), 1u);
  EXPECT_EQ(stats.get("miss.local.kernel"), 1u);
  EXPECT_EQ(stats.get("files"), 0u);
}

TEST(LocalStore, ForeignAndTruncatedFilesAreCorrupt)
{
  TempDir dir;
  LocalStore store(config_for(dir.path()));
  const Entry a = make_entry("a");
  const Entry b = make_entry("b");
  ASSERT_TRUE(store.put(a));
  ASSERT_TRUE(util::create_directories(store.layout().bucket_dir(b.key)));
  std::filesystem::copy_file(store.layout().entry_path(a.key), store.layout().entry_path(b.key));
  EXPECT_TRUE(store.get(b.key, "kernel").value().empty());
  EXPECT_FALSE(std::filesystem::exists(store.layout().entry_path(b.key)));

  std::filesystem::resize_file(store.layout().entry_path(a.key), 10);
  EXPECT_TRUE(store.get(a.key, "kernel").value().empty());
  EXPECT_EQ(store.read_stats().value().get("corrupt"), 2u);
}

TEST(LocalStore, NewerFormatIsAMissAndIsKept)
{
  TempDir dir;
  LocalStore store(config_for(dir.path()));
  const Entry entry = make_entry("n");
  ASSERT_TRUE(store.put(entry));
  const auto path = store.layout().entry_path(entry.key);
  auto bytes = util::read_file(path).value();
  bytes[4] = 9; // version 9
  jitcache::testing::reseal(bytes);
  ASSERT_TRUE(util::write_file_atomic(path, bytes));
  EXPECT_TRUE(store.get(entry.key, "kernel").value().empty());
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(store.read_stats().value().get("incompatible"), 1u);
}

TEST(LocalStore, HitRefreshesAnOldTimestampOnly)
{
  TempDir dir;
  LocalStore store(config_for(dir.path()));
  const Entry entry = make_entry("t");
  ASSERT_TRUE(store.put(entry));
  const auto path = store.layout().entry_path(entry.key);
  age_file(path, 30);
  const auto recent = mtime_s(path);
  ASSERT_FALSE(store.get(entry.key, "kernel").value().empty());
  EXPECT_EQ(mtime_s(path), recent); // younger than the refresh interval: no write
  age_file(path, 3600);
  ASSERT_FALSE(store.get(entry.key, "kernel").value().empty());
  EXPECT_GT(mtime_s(path), recent);
}

TEST(LocalStore, ConcurrentWritersFromManyProcesses)
{
  TempDir dir;
  constexpr int k_processes = 6;
  constexpr int k_rounds = 40;
  std::vector<pid_t> children;
  for (int p = 0; p < k_processes; ++p) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      int failures = 0;
      LocalStore store(config_for(dir.path()));
      for (int round = 0; round < k_rounds; ++round) {
        // A shared key every process writes, one per process, and reads of both.
        Entry shared = make_entry("shared", 20000 + static_cast<size_t>(p));
        Entry own = make_entry("own-" + std::to_string(p) + "-" + std::to_string(round), 3000);
        failures += store.put(shared) ? 0 : 1;
        failures += store.put(own) ? 0 : 1;
        auto found = store.get(shared.key, "kernel");
        failures += found && found->size() == 1 ? 0 : 1;
        failures += store.get(own.key, "kernel").value().size() == 1 ? 0 : 1;
      }
      failures += store.flush_stats() ? 0 : 1;
      ::_exit(failures == 0 ? 0 : 1);
    }
    children.push_back(pid);
  }
  for (const pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  LocalStore store(config_for(dir.path()));
  EXPECT_EQ(count_good_entries(store), size_t{1 + k_processes * k_rounds});
  EXPECT_EQ(count_temp_files(store), 0u);
  const auto stats = store.read_stats().value();
  EXPECT_EQ(stats.get("write.local.kernel"), uint64_t{2 * k_processes * k_rounds});
  EXPECT_EQ(stats.get("hit.local.kernel"), uint64_t{2 * k_processes * k_rounds});
  EXPECT_EQ(stats.get("files"), uint64_t{1 + k_processes * k_rounds});
}

TEST(LocalStore, StatsAddUpAcrossProcessesAndThreads)
{
  TempDir dir;
  constexpr int k_processes = 4;
  constexpr int k_threads = 3;
  constexpr int k_lookups = 500;
  {
    LocalStore store(config_for(dir.path()));
    ASSERT_TRUE(store.put(make_entry("hot")));
  }
  const Key hot = make_entry("hot").key;
  const Key cold = make_entry("cold").key;
  std::vector<pid_t> children;
  for (int p = 0; p < k_processes; ++p) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      LocalStore store(config_for(dir.path()));
      std::vector<std::thread> threads;
      for (int t = 0; t < k_threads; ++t) {
        threads.emplace_back([&] {
          for (int i = 0; i < k_lookups; ++i) {
            (void)store.get(hot, "kernel");
            (void)store.get(cold, "graph");
          }
        });
      }
      for (auto& thread : threads) {
        thread.join();
      }
      ::_exit(store.flush_stats() ? 0 : 1);
    }
    children.push_back(pid);
  }
  for (const pid_t pid : children) {
    ::waitpid(pid, nullptr, 0);
  }
  LocalStore store(config_for(dir.path()));
  const auto stats = store.read_stats().value();
  EXPECT_EQ(stats.get("hit.local.kernel"), uint64_t{k_processes * k_threads * k_lookups});
  EXPECT_EQ(stats.get("miss.local.graph"), uint64_t{k_processes * k_threads * k_lookups});
  EXPECT_EQ(stats.get("time_saved_ms"), uint64_t{42 * k_processes * k_threads * k_lookups});
}

TEST(LocalStore, WriterKilledMidWriteLeavesNothingVisible)
{
  TempDir dir;
  for (int attempt = 0; attempt < 8; ++attempt) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      Config config = config_for(dir.path());
      config.compression_level = 0;
      LocalStore store(config);
      for (int i = 0;; ++i) {
        (void)store.put(make_entry("big-" + std::to_string(i % 3), 4 << 20));
      }
    }
    ::usleep(static_cast<useconds_t>(20'000 + attempt * 7'000));
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
  LocalStore store(config_for(dir.path()));
  // Entries are whole or absent; a killed writer can only leave a temporary file behind.
  const size_t good = count_good_entries(store);
  EXPECT_LE(good, 3u);
  for (int i = 0; i < 3; ++i) {
    const Entry expected = make_entry("big-" + std::to_string(i), 4 << 20);
    auto found = store.get(expected.key, "kernel").value();
    if (!found.empty()) {
      EXPECT_TRUE(found[0].blobs[0].data == expected.blobs[0].data);
    }
  }
  // Temporaries are invisible to lookups; a trim removes them once they are stale.
  for (int shard = 0; shard < k_shard_count; ++shard) {
    store.layout().scan_shard(shard, [&](const StoredFile& file) {
      if (!file.key) {
        age_file(file.path, 2 * 3600);
      }
    });
  }
  ASSERT_TRUE(store.trim(store.limits()));
  EXPECT_EQ(count_temp_files(store), 0u);
}

TEST(LocalStore, FullTrimKeepsTheNewestWithinTheBound)
{
  TempDir dir;
  Config config = config_for(dir.path());
  config.compression_level = 0;
  LocalStore store(config);
  constexpr int k_entries = 60;
  for (int i = 0; i < k_entries; ++i) {
    const Entry entry = make_entry("e" + std::to_string(i), 6000); // two 4 KiB blocks each
    ASSERT_TRUE(store.put(entry));
    age_file(store.layout().entry_path(entry.key), k_entries - i); // e59 is the newest
  }
  const auto report = store.trim(Limits{20 * 8192, 0}).value();
  EXPECT_EQ(report.files_removed, 40u);
  EXPECT_LE(report.bytes_after, 20u * 8192);
  for (int i = 0; i < k_entries; ++i) {
    const bool present =
      std::filesystem::exists(store.layout().entry_path(make_entry("e" + std::to_string(i)).key));
    EXPECT_EQ(present, i >= 40) << i;
  }
  const auto stats = store.read_stats().value();
  EXPECT_EQ(stats.get("files"), 20u);
  EXPECT_EQ(stats.get("bytes"), 20u * 8192);
  EXPECT_EQ(stats.get("evictions"), 40u);

  ASSERT_TRUE(store.trim(Limits{0, 5}));
  EXPECT_EQ(count_good_entries(store), 5u);
}

TEST(LocalStore, WritesKeepTheCacheWithinMaxSize)
{
  TempDir dir;
  Config config = config_for(dir.path());
  config.max_size = 16 * 64 * 1024; // 64 KiB per shard
  config.compression_level = 0;
  LocalStore store(config);
  for (int i = 0; i < 400; ++i) {
    ASSERT_TRUE(store.put(make_entry("w" + std::to_string(i), 7000)));
  }
  const auto stats = store.read_stats().value();
  EXPECT_LE(stats.get("bytes"), config.max_size);
  EXPECT_GT(stats.get("evictions"), 200u);
  const auto recount = store.recount().value();
  EXPECT_EQ(recount.bytes_after, stats.get("bytes"));
  EXPECT_LE(recount.bytes_after, config.max_size);
}

TEST(LocalStore, MaxFilesBoundsWrites)
{
  TempDir dir;
  Config config = config_for(dir.path());
  config.max_files = 16 * 4;
  LocalStore store(config);
  for (int i = 0; i < 300; ++i) {
    ASSERT_TRUE(store.put(make_entry("f" + std::to_string(i), 10)));
  }
  EXPECT_LE(count_good_entries(store), config.max_files);
}

TEST(LocalStore, ZeroStatsKeepsContentAndRecountRebuildsIt)
{
  TempDir dir;
  LocalStore store(config_for(dir.path()));
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(store.put(make_entry("z" + std::to_string(i))));
    (void)store.get(make_entry("z" + std::to_string(i)).key, "kernel");
  }
  ASSERT_TRUE(store.zero_stats());
  auto stats = store.read_stats().value();
  EXPECT_EQ(stats.get("hit.local.kernel"), 0u);
  EXPECT_EQ(stats.get("files"), 10u);

  ASSERT_TRUE(util::create_directories(store.layout().shard_dir(0)));
  ASSERT_TRUE(util::create_directories(store.layout().shard_dir(1)));
  // Damage a stats file: counting goes on from zero and recount restores the content.
  ASSERT_TRUE(util::write_file_atomic(store.layout().stats_path(0), std::string_view("garbage\n")));
  ASSERT_TRUE(
    util::write_file_atomic(store.layout().stats_path(1), std::string_view("files 999\n")));
  const auto report = store.recount().value();
  EXPECT_EQ(report.files_after, 10u);
  stats = store.read_stats().value();
  EXPECT_EQ(stats.get("files"), 10u);
  EXPECT_EQ(stats.get("bytes"), 10u * 4096);
}

TEST(LocalStore, ClearRemovesEverything)
{
  TempDir dir;
  LocalStore store(config_for(dir.path()));
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(store.put(make_entry("c" + std::to_string(i))));
  }
  size_t keys = 0;
  ASSERT_TRUE(store.for_each_key([&](const Key&) { return ++keys, true; }));
  EXPECT_EQ(keys, 20u);
  EXPECT_EQ(store.clear().value(), 20u);
  EXPECT_EQ(count_good_entries(store), 0u);
  EXPECT_EQ(store.read_stats().value().get("files"), 0u);
  EXPECT_TRUE(store.remove(make_entry("c1").key).has_value());
}

TEST(LocalStore, RemoveDropsOneKey)
{
  TempDir dir;
  LocalStore store(config_for(dir.path()));
  const Entry entry = make_entry("r");
  ASSERT_TRUE(store.put(entry));
  EXPECT_TRUE(store.remove(entry.key).value());
  EXPECT_FALSE(store.remove(entry.key).value());
  EXPECT_TRUE(store.get(entry.key, "kernel").value().empty());
  EXPECT_EQ(store.read_stats().value().get("files"), 0u);
}

TEST(LocalStore, FindsEntriesAfterTheDirectoryWasRemovedAndMadeAgain)
{
  TempDir dir;
  const auto cache = dir / "cache";
  LocalStore store(config_for(cache));
  const Entry before = make_entry("before");
  ASSERT_TRUE(store.put(before));
  std::filesystem::remove_all(cache);
  EXPECT_TRUE(store.get(before.key, "kernel").value().empty());

  const Entry after = make_entry("after");
  {
    LocalStore other(config_for(cache));
    ASSERT_TRUE(other.put(after));
  }
  EXPECT_EQ(store.get(after.key, "kernel").value().size(), 1u);
  ASSERT_TRUE(store.put(before)); // writes go by path, so they land in the new directory
  EXPECT_EQ(store.get(before.key, "kernel").value().size(), 1u);
}

TEST(LocalStore, UncreatableDirectoryTurnsTheTierOff)
{
  TempDir dir;
  ASSERT_TRUE(util::write_file_atomic(dir / "file", std::string_view("x")));
  LocalStore store(config_for(dir / "file" / "cache"));
  EXPECT_EQ(store.access(), Access::off);
  const Entry entry = make_entry("x");
  EXPECT_TRUE(store.get(entry.key, "kernel").value().empty());
  auto put = store.put(entry);
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().code, ErrorCode::disabled);
}

TEST(LocalStore, UnwritableDirectoryIsReadOnly)
{
  TempDir dir;
  const Entry entry = make_entry("ro");
  {
    LocalStore store(config_for(dir.path()));
    ASSERT_TRUE(store.put(entry));
  }
  ::chmod(dir.path().c_str(), 0555);
  // Root ignores permissions, so the check runs as an unprivileged user when we are root.
  const int status = in_child([&] {
    if (::geteuid() == 0 && ::setuid(65534) != 0) {
      return 2;
    }
    LocalStore store(config_for(dir.path()));
    if (store.access() != Access::read_only) {
      return 3;
    }
    if (store.get(entry.key, "kernel").value().size() != 1) {
      return 4;
    }
    auto put = store.put(make_entry("other"));
    return !put && put.error().code == ErrorCode::disabled ? 0 : 5;
  });
  ::chmod(dir.path().c_str(), 0755);
  EXPECT_EQ(status, 0);
}

TEST(LocalStore, ReadOnlyAndDisabledConfiguration)
{
  TempDir dir;
  const Entry entry = make_entry("cfg");
  {
    LocalStore store(config_for(dir.path()));
    ASSERT_TRUE(store.put(entry));
  }
  Config read_only = config_for(dir.path());
  read_only.read_only = true;
  LocalStore reader(read_only);
  EXPECT_EQ(reader.get(entry.key, "kernel").value().size(), 1u);
  EXPECT_FALSE(reader.put(make_entry("new")));

  Config disabled = config_for(dir.path());
  disabled.disable = true;
  LocalStore off(disabled);
  EXPECT_TRUE(off.get(entry.key, "kernel").value().empty());
}

TEST(LocalStore, FullDiskLeavesNoPartialFile)
{
  TempDir dir;
  const int status = in_child([&] {
    ::signal(SIGXFSZ, SIG_IGN); // make write() fail with EFBIG instead of killing us
    LocalStore store(config_for(dir.path()));
    const Entry small = make_entry("small", 100);
    if (!store.put(small)) {
      return 2;
    }
    rlimit limit{64 * 1024, 64 * 1024};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    Config raw = config_for(dir.path());
    raw.compression_level = 0;
    LocalStore raw_store(raw);
    auto put = raw_store.put(make_entry("large", 1 << 20));
    if (put || put.error().code != ErrorCode::no_space) {
      return 3;
    }
    if (raw_store.get(small.key, "kernel").value().size() != 1) {
      return 4; // the cache goes on working for what fits
    }
    return 0;
  });
  ASSERT_EQ(status, 0);
  LocalStore store(config_for(dir.path()));
  EXPECT_EQ(count_temp_files(store), 0u);
  EXPECT_EQ(count_good_entries(store), 1u);
  EXPECT_FALSE(std::filesystem::exists(store.layout().entry_path(make_entry("large").key)));
  EXPECT_EQ(store.read_stats().value().get("error.no_space"), 1u);
}

} // namespace jitcache::storage::local

namespace jitcache::storage::local {
namespace {

mode_t
mode_of(const std::filesystem::path& path)
{
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_mode & 07777;
}

TEST(LocalStorePermissions, ANewCacheDirectoryIsPrivateToItsOwner)
{
  TempDir dir;
  const auto cache = dir.path() / "new" / "cache";
  LocalStore store(config_for(cache));
  ASSERT_EQ(store.access(), Access::read_write);
  EXPECT_EQ(mode_of(cache), 0700U);
}

TEST(LocalStorePermissions, ADirectoryOthersCanWriteIsWarnedAboutOrRefusedUnderAll)
{
  TempDir dir;
  const auto cache = dir.path() / "shared";
  ASSERT_TRUE(util::create_directories(cache));
  ASSERT_EQ(::chmod(cache.c_str(), 0777), 0);
  ::testing::internal::CaptureStderr();
  {
    LocalStore store(config_for(cache));
    EXPECT_EQ(store.access(), Access::read_write);
  }
  const auto warning = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(warning.find("can be written by other users (mode 0777"), std::string::npos) << warning;

  auto config = config_for(cache);
  config.require_signature = RequireSignature::all;
  ::testing::internal::CaptureStderr();
  LocalStore refusing(config);
  const auto refusal = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(refusing.access(), Access::off);
  EXPECT_NE(refusal.find("require_signature = all refuses it"), std::string::npos) << refusal;
}

TEST(LocalStorePermissions, AnEntryOthersCanWriteIsRejectedUnderAll)
{
  TempDir dir;
  auto config = config_for(dir.path());
  const Entry entry = make_entry("planted", 100);
  {
    LocalStore store(config);
    ASSERT_TRUE(store.put(entry));
    ASSERT_EQ(::chmod(store.layout().entry_path(entry.key).c_str(), 0666), 0);
    ::testing::internal::CaptureStderr();
    EXPECT_EQ(store.get(entry.key, "kernel").value().size(), 1U); // warned about only
    EXPECT_NE(::testing::internal::GetCapturedStderr().find("can be written by other users"),
              std::string::npos);
  }
  config.require_signature = RequireSignature::all;
  LocalStore strict(config);
  ::testing::internal::CaptureStderr();
  EXPECT_TRUE(strict.get(entry.key, "kernel").value().empty());
  (void)::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(strict.flush_stats());
  EXPECT_EQ(strict.read_stats().value().get("rejected.local"), 1U);
}

} // namespace
} // namespace jitcache::storage::local
