#include "dispatch/recompile_limits.hpp"

#include "util/log.hpp"

#include <fmt/format.h>

#include <atomic>

namespace jitcache::dispatch {

namespace {

constexpr size_t k_recent_reasons = 8;

std::atomic<uint64_t> g_process_recompiles{0};

} // namespace

uint64_t
RecompileLimits::process_count()
{
  return g_process_recompiles.load(std::memory_order_relaxed);
}

void
RecompileLimits::reset_process_count()
{
  g_process_recompiles.store(0, std::memory_order_relaxed);
}

bool
RecompileLimits::allow(std::string_view reason)
{
  const bool function_limit = m_count >= m_options.per_function;
  uint64_t total = g_process_recompiles.load(std::memory_order_relaxed);
  bool process_limit = total >= m_options.per_process;
  // Claim one of the process's recompiles, unless another thread took the last one first.
  while (!function_limit && !process_limit &&
         !g_process_recompiles.compare_exchange_weak(total, total + 1)) {
    process_limit = total >= m_options.per_process;
  }
  if (function_limit || process_limit) {
    if (!m_limited) {
      m_limited = true;
      std::string reasons;
      for (const auto& recent : m_recent) {
        reasons += fmt::format("\n  {}", recent);
      }
      reasons += fmt::format("\n  {} (refused)", reason);
      util::log_warning(
        fmt::format("jitcache: {} reached {} ({}); it now runs only what is already compiled and "
                    "the interpreter otherwise. Recent recompile reasons:{}",
                    m_function, function_limit ? "recompile_limit" : "accumulated_recompile_limit",
                    function_limit ? m_options.per_function : m_options.per_process, reasons));
    }
    return false;
  }
  ++m_count;
  m_recent.emplace_back(reason);
  if (m_recent.size() > k_recent_reasons) {
    m_recent.pop_front();
  }
  return true;
}

} // namespace jitcache::dispatch
