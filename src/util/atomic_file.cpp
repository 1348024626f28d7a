#include "util/atomic_file.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

namespace jitcache::util {

namespace {

// Fresh randomness per call from the kernel: a user-space generator's state would be
// copied into forked children, which would then pick the same names.
std::string
random_suffix()
{
  uint64_t value = 0;
  if (::getrandom(&value, sizeof value, 0) != sizeof value) {
    static std::atomic<uint64_t> counter{0};
    value = (uint64_t{static_cast<uint32_t>(::getpid())} << 32) ^ ++counter;
  }
  return fmt::format("{}.{:016x}", ::getpid(), value);
}

} // namespace

AtomicFile::AtomicFile(std::filesystem::path destination, std::filesystem::path temp, UniqueFd fd)
  : m_destination(std::move(destination)), m_temp(std::move(temp)), m_fd(std::move(fd))
{
}

Expected<AtomicFile>
AtomicFile::create(const std::filesystem::path& destination)
{
  const auto temp =
    destination.parent_path() /
    fmt::format("{}{}.{}", k_temp_prefix, destination.filename().string(), random_suffix());
  UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!fd) {
    return std::unexpected(errno_error("cannot create", temp.native(), errno));
  }
  return AtomicFile(destination, temp, std::move(fd));
}

AtomicFile::~AtomicFile()
{
  if (m_fd) {
    m_fd.reset();
    ::unlink(m_temp.c_str());
  }
}

Expected<void>
AtomicFile::write(std::span<const uint8_t> data)
{
  return write_fd(m_fd.get(), data, m_temp);
}

Expected<AtomicFile::Committed>
AtomicFile::commit(bool sync)
{
  if (sync && ::fsync(m_fd.get()) != 0) {
    return std::unexpected(errno_error("cannot sync", m_temp.native(), errno));
  }
  // close() can report a delayed write error (e.g. on network file systems).
  if (::close(m_fd.release()) != 0) {
    const int err = errno;
    ::unlink(m_temp.c_str());
    return std::unexpected(errno_error("cannot close", m_temp.native(), err));
  }
  // Trying a rename that refuses to replace first tells exactly whether this write added a
  // file, which keeps the cache's file counters right under concurrent writers.
  Committed committed;
  if (::renameat2(AT_FDCWD, m_temp.c_str(), AT_FDCWD, m_destination.c_str(), RENAME_NOREPLACE) ==
      0) {
    return committed;
  }
  if (errno != EEXIST && errno != EINVAL && errno != ENOSYS) {
    const int err = errno;
    ::unlink(m_temp.c_str());
    return std::unexpected(errno_error("cannot rename into", m_destination.native(), err));
  }
  struct stat old {};
  if (::stat(m_destination.c_str(), &old) == 0) {
    committed.replaced = true;
    committed.replaced_size = static_cast<uint64_t>(old.st_size);
  }
  if (::rename(m_temp.c_str(), m_destination.c_str()) != 0) {
    const int err = errno;
    ::unlink(m_temp.c_str());
    return std::unexpected(errno_error("cannot rename into", m_destination.native(), err));
  }
  return committed;
}

} // namespace jitcache::util
