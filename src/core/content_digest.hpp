// The content digest of a blob's bytes: BLAKE2b-256 of a domain, the size and the bytes. A
// loadable file is named by it (storage/local), and a signature covers each blob by it
// (trust/), so a library is the same to both whether it travels inline or lies in a file.
#pragma once

#include <jitcache/key.hpp>

#include <cstdint>
#include <span>

namespace jitcache::core {

Key content_digest(std::span<const uint8_t> bytes);

} // namespace jitcache::core
