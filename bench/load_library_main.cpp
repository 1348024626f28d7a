// The physical limit of a warm start in a fresh process, for jit_start_bench: read a
// compiled library from a plain file, dlopen it and resolve the given symbols. No cache logic.
// Usage: load_library LIBRARY SYMBOL...
// It reads the file as limit_file.hpp says. Linked like the jitcache command
// (cmake/JitcacheStaticRuntime.cmake), it loads no library but libc.
#include "limit_file.hpp"

#include <cstdio>
#include <dlfcn.h>
#include <vector>

int
main(int argc, char** argv)
{
  if (argc < 2) {
    std::fprintf(stderr, "usage: load_library LIBRARY SYMBOL...\n");
    return 2;
  }
  const std::vector<char> bytes = jitcache::bench::read_whole_file(argv[1]);
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
