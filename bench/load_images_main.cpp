// The physical limit of a warm start from a bundle, for bundle_start_bench: read one file
// holding shared objects (in one read), load each from memory (memfd_create, dlopen of
// /proc/self/fd/N) and resolve its symbols. No cache logic: no manifest, digest, checksum,
// signature, decompression, or program.
// Usage: load_images FILE, where FILE is, little-endian:
//   count:u64 { size:u64 image:byte[size] symbols:u32 { length:u32 name:byte[length] } }
// Linked like the jitcache command (cmake/JitcacheStaticRuntime.cmake): it loads only libc.
#include "limit_file.hpp"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

namespace {

template<typename T>
bool
take(const std::vector<char>& bytes, size_t& at, T& value)
{
  if (bytes.size() - at < sizeof(T)) {
    return false;
  }
  std::memcpy(&value, bytes.data() + at, sizeof(T));
  at += sizeof(T);
  return true;
}

} // namespace

int
main(int argc, char** argv)
{
  if (argc != 2) {
    std::fprintf(stderr, "usage: load_images FILE\n");
    return 2;
  }
  const std::vector<char> bytes = jitcache::bench::read_whole_file(argv[1]);
  size_t at = 0;
  uint64_t count = 0;
  if (!take(bytes, at, count)) {
    std::fprintf(stderr, "cannot read %s\n", argv[1]);
    return 1;
  }
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t size = 0;
    if (!take(bytes, at, size) || bytes.size() - at < size) {
      return 1;
    }
    const int fd = ::memfd_create("image", MFD_CLOEXEC);
    if (fd < 0 || ::write(fd, bytes.data() + at, size) != static_cast<ssize_t>(size)) {
      return 1;
    }
    at += size;
    const std::string path = "/proc/self/fd/" + std::to_string(fd);
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      std::fprintf(stderr, "cannot load image %llu: %s\n", static_cast<unsigned long long>(i),
                   ::dlerror());
      return 1;
    }
    uint32_t symbols = 0;
    if (!take(bytes, at, symbols)) {
      return 1;
    }
    for (uint32_t s = 0; s < symbols; ++s) {
      uint32_t length = 0;
      if (!take(bytes, at, length) || bytes.size() - at < length) {
        return 1;
      }
      const std::string name(bytes.data() + at, length);
      at += length;
      if (!::dlsym(handle, name.c_str())) {
        std::fprintf(stderr, "no symbol %s\n", name.c_str());
        return 1;
      }
    }
  }
  return 0;
}
