#include "util/progress.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <unistd.h>

namespace jitcache::util {

Progress::Progress(std::string label, size_t total, bool enabled)
  : m_label(std::move(label)), m_total(total), m_enabled(enabled && total > 0),
    m_start(std::chrono::steady_clock::now())
{
  std::lock_guard lock(m_mutex);
  draw_locked();
}

Progress::~Progress()
{
  finish();
}

bool
Progress::stderr_is_terminal()
{
  return ::isatty(STDERR_FILENO) == 1;
}

void
Progress::advance()
{
  std::lock_guard lock(m_mutex);
  ++m_done;
  draw_locked();
}

void
Progress::finish()
{
  std::lock_guard lock(m_mutex);
  if (m_drawn) {
    (void)std::fputs("\r\033[K", stderr);
    (void)std::fflush(stderr);
    m_drawn = false;
  }
  m_enabled = false;
}

void
Progress::draw_locked()
{
  if (!m_enabled) {
    return;
  }
  const double seconds =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
  fmt::print(stderr, "\r\033[K{} {}/{} ({:.1f} s)", m_label, m_done, m_total, seconds);
  (void)std::fflush(stderr);
  m_drawn = true;
}

} // namespace jitcache::util
