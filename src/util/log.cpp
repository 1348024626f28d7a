#include "util/log.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <set>
#include <string>

namespace jitcache::util {

namespace {

LogLevel
initial_level()
{
  const char* text = std::getenv("JITCACHE_LOG");
  if (text) {
    if (auto level = parse_log_level(text)) {
      return *level;
    }
  }
  return LogLevel::warning;
}

std::atomic<LogLevel>&
current_level()
{
  static std::atomic<LogLevel> level{initial_level()};
  return level;
}

} // namespace

std::optional<LogLevel>
parse_log_level(std::string_view text)
{
  if (text == "error") {
    return LogLevel::error;
  }
  if (text == "warning" || text == "warn") {
    return LogLevel::warning;
  }
  if (text == "info") {
    return LogLevel::info;
  }
  if (text == "debug") {
    return LogLevel::debug;
  }
  return std::nullopt;
}

std::string_view
to_string(LogLevel level)
{
  switch (level) {
  case LogLevel::error: return "error";
  case LogLevel::warning: return "warning";
  case LogLevel::info: return "info";
  case LogLevel::debug: return "debug";
  }
  return "warning";
}

void
set_log_level(LogLevel level)
{
  current_level().store(level, std::memory_order_relaxed);
}

LogLevel
log_level()
{
  return current_level().load(std::memory_order_relaxed);
}

bool
log_enabled(LogLevel level)
{
  return static_cast<int>(level) <= static_cast<int>(log_level());
}

void
log(LogLevel level, std::string_view message)
{
  if (!log_enabled(level)) {
    return;
  }
  // Messages that name the program themselves would say it twice.
  if (message.starts_with("jitcache: ")) {
    message.remove_prefix(10);
  }
  // One fputs per line keeps lines from different threads whole.
  const std::string line = fmt::format("jitcache: {}: {}\n", to_string(level), message);
  (void)std::fputs(line.c_str(), stderr); // nowhere left to report a failure to log
}

void
warn_once(std::string_view topic, std::string_view message)
{
  static std::mutex mutex;
  static std::set<std::string, std::less<>> seen;
  bool first = false;
  {
    std::lock_guard lock(mutex);
    first = seen.emplace(topic).second;
  }
  log(first ? LogLevel::warning : LogLevel::debug, message);
}

} // namespace jitcache::util
