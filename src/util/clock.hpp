// Wall-clock time in milliseconds since the Unix epoch, for timestamps stored in entries.
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

} // namespace jitcache::util
