#include "util/files.hpp"

#include "util/atomic_file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

namespace jitcache::util {

UniqueFd&
UniqueFd::operator=(UniqueFd&& other) noexcept
{
  if (this != &other) {
    reset();
    m_fd = other.release();
  }
  return *this;
}

UniqueFd::~UniqueFd()
{
  reset();
}

int
UniqueFd::release()
{
  const int fd = m_fd;
  m_fd = -1;
  return fd;
}

void
UniqueFd::reset()
{
  if (m_fd >= 0) {
    ::close(m_fd);
    m_fd = -1;
  }
}

Error
errno_error(std::string_view what, std::string_view path, int err)
{
  ErrorCode code = ErrorCode::io;
  if (err == ENOSPC || err == EDQUOT || err == EFBIG) {
    code = ErrorCode::no_space;
  } else if (err == ENOENT || err == ENOTDIR) {
    code = ErrorCode::not_found;
  }
  return Error{code, fmt::format("{} {}: {}", what, path, std::strerror(err))};
}

Expected<std::vector<uint8_t>>
read_fd(int fd, const std::filesystem::path& path)
{
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    return std::unexpected(errno_error("cannot stat", path.native(), errno));
  }
  // fstat's size first; then on to the end, for files that report none (procfs, pipes).
  std::vector<uint8_t> data(static_cast<size_t>(st.st_size));
  size_t size = 0;
  while (true) {
    auto done = read_into(fd, std::span(data).subspan(size), path.native());
    if (!done) {
      return std::unexpected(done.error());
    }
    size += *done;
    if (size < data.size()) {
      break; // the end came before the buffer was full
    }
    data.resize(data.size() + 4096);
  }
  data.resize(size);
  return data;
}

Expected<size_t>
read_into(int fd, std::span<uint8_t> buffer, std::string_view path)
{
  size_t done = 0;
  while (done < buffer.size()) {
    const ssize_t n = ::read(fd, buffer.data() + done, buffer.size() - done);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return std::unexpected(errno_error("cannot read", path, errno));
    }
    if (n == 0) {
      break; // the file is shorter than expected
    }
    done += static_cast<size_t>(n);
  }
  return done;
}

Expected<Bytes>
read_sized(int fd, size_t size, std::string_view path)
{
  auto buffer = std::make_unique_for_overwrite<uint8_t[]>(size);
  auto done = read_into(fd, std::span(buffer.get(), size), path);
  if (!done) {
    return std::unexpected(done.error());
  }
  return Bytes::adopt(std::move(buffer), *done);
}

Expected<std::vector<uint8_t>>
read_file(const std::filesystem::path& path)
{
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    return std::unexpected(errno_error("cannot open", path.native(), errno));
  }
  return read_fd(fd.get(), path);
}

Expected<Bytes>
read_whole_file(const std::filesystem::path& path)
{
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    return std::unexpected(errno_error("cannot open", path.native(), errno));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return std::unexpected(errno_error("cannot stat", path.native(), errno));
  }
  return read_sized(fd.get(), static_cast<size_t>(st.st_size), path.native());
}

Expected<std::string>
read_text_file(const std::filesystem::path& path)
{
  auto bytes = read_file(path);
  if (!bytes) {
    return std::unexpected(bytes.error());
  }
  return std::string(bytes->begin(), bytes->end());
}

Expected<void>
write_fd(int fd, std::span<const uint8_t> data, const std::filesystem::path& path)
{
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return std::unexpected(errno_error("cannot write", path.native(), errno));
    }
    data = data.subspan(static_cast<size_t>(n));
  }
  return {};
}

Expected<void>
write_file_atomic(const std::filesystem::path& path, std::span<const uint8_t> data, bool sync)
{
  auto file = AtomicFile::create(path);
  if (!file) {
    return std::unexpected(file.error());
  }
  if (auto written = file->write(data); !written) {
    return written;
  }
  auto committed = file->commit(sync);
  if (!committed) {
    return std::unexpected(committed.error());
  }
  return {};
}

Expected<void>
write_file_atomic(const std::filesystem::path& path, std::string_view text, bool sync)
{
  return write_file_atomic(
    path, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()), sync);
}

Expected<void>
create_directories(const std::filesystem::path& path)
{
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) {
    return std::unexpected(errno_error("cannot create directory", path.native(), ec.value()));
  }
  return {};
}

Expected<void>
create_private_directory(const std::filesystem::path& path)
{
  if (path.has_parent_path()) {
    if (auto made = util::create_directories(path.parent_path()); !made) {
      return made;
    }
  }
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
    return std::unexpected(errno_error("cannot create directory", path.native(), errno));
  }
  return {};
}

bool
writable_by_others(const struct stat& st)
{
  return (st.st_mode & (S_IWGRP | S_IWOTH)) != 0 || st.st_uid != ::geteuid();
}

std::string
describe_permissions(const struct stat& st)
{
  return fmt::format("mode 0{:o}, owner uid {}", st.st_mode & 07777, st.st_uid);
}

std::filesystem::path
expand_home(std::string_view path)
{
  if (path.starts_with("~/")) {
    const char* home = std::getenv("HOME");
    if (home && *home) {
      return std::filesystem::path(home) / path.substr(2);
    }
  }
  return std::filesystem::path(path);
}

} // namespace jitcache::util
