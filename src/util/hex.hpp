// Hexadecimal text for digests and keys.
#pragma once

#include <jitcache/error.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace jitcache::util {

std::string to_hex(std::span<const uint8_t> bytes);

// Decodes an even-length hex string; the error names the first offending character offset.
Expected<std::vector<uint8_t>> from_hex(std::string_view text);

} // namespace jitcache::util
