#include "util/lock_file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <thread>

namespace jitcache::util {

namespace {

Expected<UniqueFd>
open_lock(const std::filesystem::path& path)
{
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd) {
    return std::unexpected(errno_error("cannot open lock", path.native(), errno));
  }
  return fd;
}

// Returns true when locked, false when someone else holds it.
Expected<bool>
lock(int fd, const std::filesystem::path& path, bool wait)
{
  while (::flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
    if (errno == EINTR) {
      continue;
    }
    if (errno == EWOULDBLOCK) {
      return false;
    }
    return std::unexpected(errno_error("cannot lock", path.native(), errno));
  }
  return true;
}

} // namespace

Expected<LockFile>
LockFile::acquire(const std::filesystem::path& path)
{
  auto fd = open_lock(path);
  if (!fd) {
    return std::unexpected(fd.error());
  }
  if (auto locked = lock(fd->get(), path, true); !locked) {
    return std::unexpected(locked.error());
  }
  return LockFile(std::move(*fd));
}

Expected<std::optional<LockFile>>
LockFile::try_acquire(const std::filesystem::path& path)
{
  auto fd = open_lock(path);
  if (!fd) {
    return std::unexpected(fd.error());
  }
  auto locked = lock(fd->get(), path, false);
  if (!locked) {
    return std::unexpected(locked.error());
  }
  if (!*locked) {
    return std::optional<LockFile>{};
  }
  return std::optional<LockFile>(LockFile(std::move(*fd)));
}

Expected<LockFile>
LockFile::acquire_within(const std::filesystem::path& path, std::chrono::milliseconds timeout)
{
  auto fd = open_lock(path);
  if (!fd) {
    return std::unexpected(fd.error());
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::microseconds(100);
  while (true) {
    auto locked = lock(fd->get(), path, false);
    if (!locked) {
      return std::unexpected(locked.error());
    }
    if (*locked) {
      return LockFile(std::move(*fd));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return make_error(ErrorCode::timeout, fmt::format("timed out after {} ms waiting for lock {}",
                                                        timeout.count(), path.string()));
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(10'000));
  }
}

} // namespace jitcache::util
