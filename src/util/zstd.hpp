// zstd compression of payload blobs.
#pragma once

#include <jitcache/error.hpp>

#include <cstdint>
#include <span>
#include <vector>

namespace jitcache::util {

std::vector<uint8_t> zstd_compress(std::span<const uint8_t> data, int level);

// Decompresses one frame into `out`, which must be exactly the frame's content size.
// Any mismatch (a frame that declares or produces another size) is an error.
Expected<void> zstd_decompress(std::span<const uint8_t> frame, std::span<uint8_t> out);

} // namespace jitcache::util
