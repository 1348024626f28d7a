// Hashing: BLAKE2b-256 (libsodium) for keys, where collisions must be infeasible, and
// XXH3-128 (xxhash) for checksums, where only accidental corruption must be caught.
#pragma once

#include <jitcache/digest.hpp>

#include <sodium/crypto_generichash.h>

#include <cstdint>
#include <span>
#include <string_view>

namespace jitcache::util {

class Blake2b {
public:
  Blake2b();
  Blake2b& update(std::span<const uint8_t> data);
  Blake2b& update(std::string_view text);
  Blake2b& update_u8(uint8_t value);
  Blake2b& update_u32(uint32_t value); // little-endian
  Blake2b& update_u64(uint64_t value); // little-endian
  Digest finish();

private:
  crypto_generichash_state m_state;
};

Digest blake2b_256(std::span<const uint8_t> data);

struct Checksum128 {
  uint64_t low = 0;
  uint64_t high = 0;
  bool operator==(const Checksum128&) const = default;
};

Checksum128 xxh3_128(std::span<const uint8_t> data);

} // namespace jitcache::util
