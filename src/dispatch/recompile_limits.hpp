// RecompileLimits: how many times one function, and all functions of the process together,
// may recompile (compile again after a call that no existing variant admits). When a limit
// is reached the function should switch to run-only; one warning lists its recent reasons.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

namespace jitcache::dispatch {

struct RecompileLimitOptions {
  uint32_t per_function = 8;
  uint32_t per_process = 256;
};

class RecompileLimits {
public:
  RecompileLimits(std::string function, RecompileLimitOptions options)
    : m_function(std::move(function)), m_options(options)
  {
  }

  // Counts a recompile for `reason` if the limits allow it. When they do not, returns false
  // and warns (once per function) with the recent reasons.
  bool allow(std::string_view reason);

  uint32_t
  count() const
  {
    return m_count;
  }
  bool
  limited() const
  {
    return m_limited;
  }
  const std::deque<std::string>&
  recent_reasons() const
  {
    return m_recent;
  }

  // Recompiles of every function in this process.
  static uint64_t process_count();
  static void reset_process_count(); // for tests

private:
  std::string m_function;
  RecompileLimitOptions m_options;
  uint32_t m_count = 0;
  bool m_limited = false;
  std::deque<std::string> m_recent; // the last few reasons
};

} // namespace jitcache::dispatch
