#include <jitcache/key.hpp>

#include "util/hex.hpp"

#include <fmt/format.h>

#include <cstring>

namespace jitcache {

std::string
to_hex(std::span<const uint8_t> bytes)
{
  return util::to_hex(bytes);
}

Expected<Key>
Key::from_hex(std::string_view text)
{
  if (text.size() != 2 * k_digest_size) {
    return make_error(ErrorCode::invalid_argument,
                      fmt::format("invalid key '{}': expected {} hex characters, found {}", text,
                                  2 * k_digest_size, text.size()));
  }
  auto bytes = util::from_hex(text);
  if (!bytes) {
    return make_error(ErrorCode::invalid_argument,
                      fmt::format("invalid key '{}': {}", text, bytes.error().message));
  }
  Digest digest;
  std::memcpy(digest.data(), bytes->data(), digest.size());
  return Key(digest);
}

size_t
KeyHash::operator()(const Key& key) const noexcept
{
  // The key is already a uniform digest: its first bytes are a good hash.
  size_t value = 0;
  std::memcpy(&value, key.digest().data(), sizeof value);
  return value;
}

} // namespace jitcache
