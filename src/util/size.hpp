// Human sizes and durations: "500M" and "5G" in configuration, "1.2 GiB" and "3.4 s" in output.
#pragma once

#include <jitcache/error.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace jitcache::util {

// A number with an optional binary suffix: K, M, G, T (also KB/KiB, ..., any case).
// "500M" is 500 MiB; a bare number is bytes.
Expected<uint64_t> parse_size(std::string_view text);
std::string format_size(uint64_t bytes);
// The shortest exact form parse_size reads back: "5G", "512M", "1000".
std::string format_size_setting(uint64_t bytes);
std::string format_duration_ms(uint64_t ms);
// A duration in configuration: "500ms", "2s", "1m", or a bare number of milliseconds; at
// most a day.
Expected<std::chrono::milliseconds> parse_duration(std::string_view text);

// a + b, or UINT64_MAX where that overflows: byte counts that only need to be compared.
inline uint64_t
saturating_add(uint64_t a, uint64_t b)
{
  uint64_t sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? UINT64_MAX : sum;
}

} // namespace jitcache::util
