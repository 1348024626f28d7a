// The Redis Cluster hash slot of a key (Redis Cluster specification, "Key distribution
// model"): CRC16 (XMODEM) of the key, or of its hash tag, the text between the first '{' and
// the next '}' when that is not empty, modulo 16384.
#pragma once

#include <cstdint>
#include <string_view>

namespace jitcache::storage::remote {

inline constexpr uint16_t k_redis_hash_slots = 16384;

uint16_t redis_hash_slot(std::string_view key);

} // namespace jitcache::storage::remote
