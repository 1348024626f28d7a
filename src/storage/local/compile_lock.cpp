#include "storage/local/compile_lock.hpp"

#include <fmt/format.h>

#include <sys/stat.h>
#include <unistd.h>

namespace jitcache::storage::local {

namespace {

// Whether `path` still names the file open as `fd`.
bool
still_linked(const std::filesystem::path& path, int fd)
{
  struct stat open_file {};
  struct stat named {};
  return ::fstat(fd, &open_file) == 0 && ::stat(path.c_str(), &named) == 0 &&
         open_file.st_ino == named.st_ino && open_file.st_dev == named.st_dev;
}

} // namespace

Expected<CompileLock>
CompileLock::acquire(const std::filesystem::path& path, std::chrono::milliseconds timeout,
                     bool& waited)
{
  waited = false;
  std::error_code ignored;
  std::filesystem::create_directories(path.parent_path(), ignored);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto free = util::LockFile::try_acquire(path);
    if (!free) {
      return std::unexpected(free.error());
    }
    std::optional<util::LockFile> lock = std::move(*free);
    if (!lock) {
      waited = true;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
      auto held =
        util::LockFile::acquire_within(path, std::max(left, std::chrono::milliseconds(0)));
      if (!held) {
        return std::unexpected(held.error());
      }
      lock.emplace(std::move(*held));
    }
    if (still_linked(path, lock->fd())) {
      return CompileLock(path, std::move(*lock));
    }
    // The previous holder removed the file as we won it: take the lock on the new one.
  }
}

CompileLock::~CompileLock()
{
  if (m_lock) {
    ::unlink(m_path.c_str()); // before the lock goes: see the header
  }
}

} // namespace jitcache::storage::local
