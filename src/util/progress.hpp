// Progress: a one-line "done / total, elapsed" counter redrawn on stderr while work runs.
// Only on a terminal: when stderr is a file or a pipe it prints nothing at all.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>

namespace jitcache::util {

class Progress {
public:
  // `enabled` false silences it; by default it is on when stderr is a terminal.
  Progress(std::string label, size_t total, bool enabled = stderr_is_terminal());
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Counts one unit done and redraws (thread-safe).
  void advance();
  // Erases the line.
  void finish();

  static bool stderr_is_terminal();

private:
  void draw_locked();

  std::mutex m_mutex;
  std::string m_label;
  size_t m_total = 0;
  size_t m_done = 0;
  bool m_enabled = false;
  bool m_drawn = false;
  std::chrono::steady_clock::time_point m_start;
};

} // namespace jitcache::util
