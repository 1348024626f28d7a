#include "util/hex.hpp"

#include <fmt/format.h>

namespace jitcache::util {

namespace {

int
hex_value(char c)
{
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

} // namespace

std::string
to_hex(std::span<const uint8_t> bytes)
{
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string text(bytes.size() * 2, '0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    text[2 * i] = k_digits[bytes[i] >> 4];
    text[2 * i + 1] = k_digits[bytes[i] & 0xf];
  }
  return text;
}

Expected<std::vector<uint8_t>>
from_hex(std::string_view text)
{
  if (text.size() % 2 != 0) {
    return make_error(ErrorCode::invalid_argument,
                      fmt::format("odd number of hex characters ({})", text.size()));
  }
  std::vector<uint8_t> bytes(text.size() / 2);
  for (size_t i = 0; i < text.size(); ++i) {
    const int value = hex_value(text[i]);
    if (value < 0) {
      return make_error(ErrorCode::invalid_argument,
                        fmt::format("'{}' at offset {} is not a hex digit", text[i], i));
    }
    bytes[i / 2] = static_cast<uint8_t>(bytes[i / 2] << 4 | value);
  }
  return bytes;
}

} // namespace jitcache::util
