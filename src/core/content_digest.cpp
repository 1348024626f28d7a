#include "core/content_digest.hpp"

#include "util/hashing.hpp"

#include <string_view>

namespace jitcache::core {

namespace {

// Keeps content digests apart from every key a KeyBuilder makes. (The text predates its use
// beyond loadable files; changing it would rename every loadable file.)
constexpr std::string_view k_content_domain = "jitcache loadable file 1";

} // namespace

Key
content_digest(std::span<const uint8_t> bytes)
{
  util::Blake2b hash;
  hash.update(k_content_domain).update_u64(bytes.size()).update(bytes);
  return Key(hash.finish());
}

} // namespace jitcache::core
