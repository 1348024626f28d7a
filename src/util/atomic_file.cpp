#include "util/atomic_file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <fcntl.h>
#include <random>
#include <unistd.h>

namespace jitcache::util {

namespace {

std::string
random_suffix()
{
  thread_local std::mt19937_64 generator{std::random_device{}() ^
                                         static_cast<uint64_t>(::getpid()) << 32};
  return fmt::format("{:016x}", generator());
}

} // namespace

AtomicFile::AtomicFile(std::filesystem::path destination, std::filesystem::path temp, UniqueFd fd)
  : m_destination(std::move(destination)), m_temp(std::move(temp)), m_fd(std::move(fd))
{
}

Expected<AtomicFile>
AtomicFile::create(const std::filesystem::path& destination)
{
  const auto temp = destination.parent_path() /
                    fmt::format("{}{}.{}", k_temp_prefix, destination.filename().string(),
                                random_suffix());
  UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!fd) {
    return std::unexpected(errno_error("cannot create", temp, errno));
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

Expected<void>
AtomicFile::commit(bool sync)
{
  if (sync && ::fsync(m_fd.get()) != 0) {
    return std::unexpected(errno_error("cannot sync", m_temp, errno));
  }
  // close() can report a delayed write error (e.g. on network file systems).
  if (::close(m_fd.release()) != 0) {
    const int err = errno;
    ::unlink(m_temp.c_str());
    return std::unexpected(errno_error("cannot close", m_temp, err));
  }
  if (::rename(m_temp.c_str(), m_destination.c_str()) != 0) {
    const int err = errno;
    ::unlink(m_temp.c_str());
    return std::unexpected(errno_error("cannot rename into", m_destination, err));
  }
  return {};
}

} // namespace jitcache::util
