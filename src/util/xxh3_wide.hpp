// XXH3-128 compiled for vector units wider than the x86-64 baseline (SSE2). Each function lives
// in its own file, built with -mavx2 or -mavx512f (CMakeLists.txt); util::xxh3_128 calls the
// widest one the CPU runs. The result is the same whichever one computes it.
#pragma once

#include "util/xxh3.hpp"

#include <cstddef>

namespace jitcache::util {

XXH128_hash_t xxh3_128_avx2(const void* data, size_t size) noexcept;
XXH128_hash_t xxh3_128_avx512(const void* data, size_t size) noexcept;

} // namespace jitcache::util
