// Reading a whole file for the physical-limit tools (load_library, load_images): open, fstat
// and read, with no C++ streams (a stream initializes the locale machinery, about 0.7 ms of a
// 3 ms process, which is the cost of a tool and not of reading a file) and nothing but libc.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace jitcache::bench {

// The file's bytes; empty when it cannot be read whole.
inline std::vector<char>
read_whole_file(const char* path)
{
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return {};
  }
  struct stat status {};
  std::vector<char> bytes;
  if (::fstat(fd, &status) == 0) {
    bytes.resize(static_cast<size_t>(status.st_size));
  }
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t count = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (count <= 0) {
      bytes.clear();
      break;
    }
    done += static_cast<size_t>(count);
  }
  ::close(fd);
  return bytes;
}

} // namespace jitcache::bench
