// Clocks: wall-clock timestamps stored in entries, and elapsed times for reports.
#pragma once

#include <chrono>
#include <cstdint>

namespace jitcache::util {

inline int64_t
now_ms()
{
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Milliseconds (fractional) since `start` on the monotonic clock.
inline double
elapsed_ms(std::chrono::steady_clock::time_point start)
{
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
    .count();
}

} // namespace jitcache::util
