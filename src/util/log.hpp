// Logging to stderr. The level starts at warning (or JITCACHE_LOG's value, e.g. debug) and
// configuration can change it. A warning about a recurring problem is printed once per topic.
#pragma once

#include <jitcache/log_level.hpp>

#include <optional>
#include <string_view>

namespace jitcache::util {

void set_log_level(LogLevel level);
LogLevel log_level();
bool log_enabled(LogLevel level);

std::optional<LogLevel> parse_log_level(std::string_view text);
std::string_view to_string(LogLevel level);

void log(LogLevel level, std::string_view message);
inline void
log_error(std::string_view message)
{
  log(LogLevel::error, message);
}
inline void
log_warning(std::string_view message)
{
  log(LogLevel::warning, message);
}
inline void
log_info(std::string_view message)
{
  log(LogLevel::info, message);
}
inline void
log_debug(std::string_view message)
{
  log(LogLevel::debug, message);
}

// Logs `message` as a warning the first time `topic` is seen in this process; later ones
// are logged at debug level only.
void warn_once(std::string_view topic, std::string_view message);

} // namespace jitcache::util
