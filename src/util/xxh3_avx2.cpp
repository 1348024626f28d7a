// XXH3-128 for CPUs with AVX2: this file alone is built with -mavx2 (CMakeLists.txt), and it
// includes only xxhash.h (all static functions here) and <cstddef>, so no code compiled for
// AVX2 can be merged by the linker into callers that run on other CPUs.
#include "util/xxh3_wide.hpp"

namespace jitcache::util {

XXH128_hash_t
xxh3_128_avx2(const void* data, size_t size) noexcept
{
  return XXH3_128bits(data, size);
}

} // namespace jitcache::util
