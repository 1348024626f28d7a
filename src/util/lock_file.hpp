// LockFile: an exclusive advisory lock (flock) on a file, held for the object's lifetime.
// The kernel releases it when the holder dies, so a crashed process never leaves a stale lock.
#pragma once

#include "util/files.hpp"

#include <jitcache/error.hpp>

#include <chrono>
#include <filesystem>
#include <optional>

namespace jitcache::util {

class LockFile {
public:
  // Blocks until the lock is held.
  static Expected<LockFile> acquire(const std::filesystem::path& path);
  // Returns nullopt at once if another holder has it.
  static Expected<std::optional<LockFile>> try_acquire(const std::filesystem::path& path);
  // Polls until `timeout` has passed; then a timeout error.
  static Expected<LockFile> acquire_within(const std::filesystem::path& path,
                                           std::chrono::milliseconds timeout);

  int
  fd() const
  {
    return m_fd.get();
  }

private:
  explicit LockFile(UniqueFd fd) : m_fd(std::move(fd)) {}

  UniqueFd m_fd; // closing it releases the lock
};

} // namespace jitcache::util
