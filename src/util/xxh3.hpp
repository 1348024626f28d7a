// XXH3 from Debian's libxxhash-dev, compiled into each caller from xxhash.h (the header is
// the whole library when XXH_INLINE_ALL is set) rather than loaded from libxxhash.so: loading
// one more shared library costs every process start about 0.13 ms, 2% of a warm `jitcache run`
// (docs/benchmarks.md).
//
// Included as is, it is the x86-64 baseline (SSE2) code, which suits the short inputs of call and
// structure keys; checksums of whole entries use the wider variants in xxh3_wide.hpp.
#pragma once

#define XXH_INLINE_ALL
#include <xxhash.h>
