// The physical limit of a warm start in a fresh process, for jit_start_bench: read a
// compiled library from a plain file, dlopen it and resolve the given symbols. No cache logic.
// Usage: load_library LIBRARY SYMBOL...
//
// It reads with open/read rather than a std::ifstream: a stream initializes the C++ locale
// machinery, about 0.7 ms of a 3 ms process here, which is the cost of that tool and not of
// reading a file. Linked like the jitcache command (cmake/JitcacheStaticRuntime.cmake), it
// loads no library but libc.
#include <cstdio>
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace {

// The file's bytes; empty when it cannot be read whole.
std::vector<char>
read_file(const char* path)
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

} // namespace

int
main(int argc, char** argv)
{
  if (argc < 2) {
    std::fprintf(stderr, "usage: load_library LIBRARY SYMBOL...\n");
    return 2;
  }
  const std::vector<char> bytes = read_file(argv[1]);
  void* handle = ::dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!handle || bytes.empty()) {
    std::fprintf(stderr, "cannot load %s\n", argv[1]);
    return 1;
  }
  for (int i = 2; i < argc; ++i) {
    if (!::dlsym(handle, argv[i])) {
      std::fprintf(stderr, "no symbol %s\n", argv[i]);
      return 1;
    }
  }
  return 0;
}
