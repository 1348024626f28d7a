// Payloads for the benchmarks: incompressible bytes, and bytes that compress like machine code.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace jitcache::bench {

inline std::vector<uint8_t>
random_payload(size_t size, uint32_t seed = 1)
{
  std::vector<uint8_t> data(size);
  std::mt19937 generator(seed);
  for (auto& byte : data) {
    byte = static_cast<uint8_t>(generator());
  }
  return data;
}

// Repeating short instruction-like patterns with some variation: zstd level 1 reaches
// roughly the 2-3x that shared objects compress by.
inline std::vector<uint8_t>
code_like_payload(size_t size, uint32_t seed = 1)
{
  std::vector<uint8_t> data(size);
  std::mt19937 generator(seed);
  for (size_t i = 0; i < size; ++i) {
    data[i] =
      (i % 8 < 5) ? static_cast<uint8_t>(0x48 + (i % 5)) : static_cast<uint8_t>(generator() & 0x3f);
  }
  return data;
}

} // namespace jitcache::bench
