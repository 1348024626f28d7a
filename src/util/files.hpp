// Small file-system helpers that return Expected instead of throwing or setting errno.
#pragma once

#include <jitcache/bytes.hpp>
#include <jitcache/error.hpp>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <vector>

namespace jitcache::util {

// An owned file descriptor, closed on destruction.
class UniqueFd {
public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : m_fd(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : m_fd(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();

  int
  get() const
  {
    return m_fd;
  }
  explicit operator bool() const { return m_fd >= 0; }
  int release();
  void reset();

private:
  int m_fd = -1;
};

// An Error for a failed system call: ENOSPC, EDQUOT and EFBIG map to no_space, ENOENT to
// not_found (as does ENOTDIR: a path through a file does not exist), the rest to io. The message
// reads "<what> <path>: <strerror>".
Error errno_error(std::string_view what, std::string_view path, int err);

Expected<std::vector<uint8_t>> read_file(const std::filesystem::path& path);
// The same, as text: configuration files, /proc and /sys files.
Expected<std::string> read_text_file(const std::filesystem::path& path);
// Reads the whole file, also one whose size fstat does not know (procfs, pipes).
Expected<std::vector<uint8_t>> read_fd(int fd, const std::filesystem::path& path);
// Reads the `size` bytes a regular file holds (as fstat reported) into a buffer of exactly that
// size, left uninitialized until read; a shorter file gives fewer bytes. `path` names it in errors.
Expected<Bytes> read_sized(int fd, size_t size, std::string_view path);
// A regular file's bytes, read into a buffer of its size (not zeroed first) in one read.
Expected<Bytes> read_whole_file(const std::filesystem::path& path);
// Reads until `buffer` is full or the file ends; returns the bytes read.
// `path` only names the file in errors.
Expected<size_t> read_into(int fd, std::span<uint8_t> buffer, std::string_view path);
Expected<void> write_fd(int fd, std::span<const uint8_t> data, const std::filesystem::path& path);

// Writes `data` to `path` atomically (temporary file, then rename).
Expected<void> write_file_atomic(const std::filesystem::path& path, std::span<const uint8_t> data,
                                 bool sync = false);
Expected<void> write_file_atomic(const std::filesystem::path& path, std::string_view text,
                                 bool sync = false);

Expected<void> create_directories(const std::filesystem::path& path);
// Creates `path` private to its owner (0700), and its missing parents as usual; a directory
// that exists is left as it is.
Expected<void> create_private_directory(const std::filesystem::path& path);
// Whether a user other than this process's could change the file `st` describes: it belongs
// to another user, or its group or everyone may write it.
bool writable_by_others(const struct stat& st);
// "mode 0777, owner uid 1000", for messages about writable_by_others().
std::string describe_permissions(const struct stat& st);

// Expands a leading "~/" with $HOME.
std::filesystem::path expand_home(std::string_view path);

} // namespace jitcache::util
