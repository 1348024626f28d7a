// A Key names a cache entry: a 256-bit BLAKE2b digest, shown as 64 hex characters.
#pragma once

#include <jitcache/digest.hpp>
#include <jitcache/error.hpp>

#include <compare>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace jitcache {

std::string to_hex(std::span<const uint8_t> bytes);

class Key {
public:
  Key() = default;
  explicit Key(const Digest& digest) : m_digest(digest) {}

  // Parses exactly 64 hex characters (either case); the error names the offending offset.
  static Expected<Key> from_hex(std::string_view text);

  std::string
  to_hex() const
  {
    return jitcache::to_hex(m_digest);
  }
  const Digest&
  digest() const
  {
    return m_digest;
  }

  auto operator<=>(const Key&) const = default;

private:
  Digest m_digest{};
};

struct KeyHash {
  size_t operator()(const Key& key) const noexcept;
};

} // namespace jitcache
