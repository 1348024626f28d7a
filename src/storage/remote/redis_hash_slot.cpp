#include "storage/remote/redis_hash_slot.hpp"

#include <array>

namespace jitcache::storage::remote {

namespace {

// CRC16-CCITT as XMODEM computes it: polynomial 0x1021, initial value 0, no reflection.
constexpr std::array<uint16_t, 256>
crc16_table()
{
  std::array<uint16_t, 256> table{};
  for (unsigned byte = 0; byte < 256; ++byte) {
    auto crc = static_cast<uint16_t>(byte << 8);
    for (int bit = 0; bit < 8; ++bit) {
      crc = static_cast<uint16_t>((crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1);
    }
    table[byte] = crc;
  }
  return table;
}

constexpr auto k_crc16_table = crc16_table();

uint16_t
crc16(std::string_view bytes)
{
  uint16_t crc = 0;
  for (const char c : bytes) {
    crc = static_cast<uint16_t>((crc << 8) ^
                                k_crc16_table[((crc >> 8) ^ static_cast<uint8_t>(c)) & 0xff]);
  }
  return crc;
}

} // namespace

uint16_t
redis_hash_slot(std::string_view key)
{
  if (const auto open = key.find('{'); open != std::string_view::npos) {
    const auto close = key.find('}', open + 1);
    if (close != std::string_view::npos && close > open + 1) {
      key = key.substr(open + 1, close - open - 1);
    }
  }
  return crc16(key) % k_redis_hash_slots;
}

} // namespace jitcache::storage::remote
