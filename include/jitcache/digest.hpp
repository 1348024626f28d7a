// Digest: the 256-bit BLAKE2b digest that keys are made of (key.hpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace jitcache {

inline constexpr size_t k_digest_size = 32;
using Digest = std::array<uint8_t, k_digest_size>;

} // namespace jitcache
