// CompileLock: single flight across processes. Before compiling a key that the cache
// missed, a process takes the key's lock file; others wanting the same key wait, then look
// in the cache again and find what the first one wrote.
//
// The lock is flock(2) on <dir>/locks/<key>.lock: the kernel drops it when its holder dies,
// so a crashed compiler never leaves a stale lock behind. A holder that hangs is outwaited:
// after `timeout` a waiter compiles anyway. The holder removes the file before releasing it;
// a waiter that then wins the lock on the removed file notices (the path no longer names
// its file) and takes the lock again, so two processes never both believe they hold it.
#pragma once

#include "util/lock_file.hpp"

#include <jitcache/error.hpp>

#include <chrono>
#include <filesystem>
#include <optional>

namespace jitcache::storage::local {

class CompileLock {
public:
  // Blocks until the lock is held; an error on timeout or when the lock cannot be made.
  // `waited` says whether another process held it meanwhile.
  static Expected<CompileLock> acquire(const std::filesystem::path& path,
                                       std::chrono::milliseconds timeout, bool& waited);

  CompileLock(CompileLock&& other) noexcept
    : m_path(std::move(other.m_path)), m_lock(std::move(other.m_lock))
  {
    other.m_lock.reset();
  }
  CompileLock& operator=(CompileLock&&) = delete;
  CompileLock(const CompileLock&) = delete;
  CompileLock& operator=(const CompileLock&) = delete;
  ~CompileLock();

private:
  CompileLock(std::filesystem::path path, util::LockFile lock)
    : m_path(std::move(path)), m_lock(std::move(lock))
  {
  }

  std::filesystem::path m_path;
  std::optional<util::LockFile> m_lock;
};

} // namespace jitcache::storage::local
