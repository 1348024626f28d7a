// XXH3 from Debian's libxxhash-dev, compiled into each caller from xxhash.h (the header is
// the whole library when XXH_INLINE_ALL is set) rather than loaded from libxxhash.so.
//
// Loading one more shared library costs every process start about 0.13 ms here, 2% of a warm
// `jitcache run` (docs/benchmarks.md). The shared library's run-time choice of AVX2/AVX-512
// over the baseline SSE2 code matters only on data already in cache (16 KB: 9 against
// 60 GB/s, 1.5 µs either way); on large data both read at memory speed (14 GB/s).
#pragma once

#define XXH_INLINE_ALL
#include <xxhash.h>
